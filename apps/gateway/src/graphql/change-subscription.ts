import { GraphQLError } from "graphql";
import { openChangeStream } from "../changes/change-stream.js";
import type { ChangeTopic, ChangeTopics, StoredChange } from "../changes/change-topics.js";
import { type ChangeSelection, lastChangePosition } from "../changes/stream-change.repository.js";
import type { CursorKind } from "../shared/cursor.js";
import { cursorArg } from "./connection.js";
import type { GatewayContext } from "./context.js";
import { guardStream } from "./guard-stream.js";

/** What one subscription to a topic of the change stream asks for. */
export interface ChangeSubscription<K extends ChangeTopic> {
  /** The kind of the cursors this subscription hands out and takes back. */
  cursorKind: CursorKind;
  /** The topic, and what a replay narrows by in SQL. */
  selection: ChangeSelection & { topic: K };
  /** The subscription's whole filter. */
  matches(value: ChangeTopics[K]): boolean;
  /** The `after` argument: a cursor received earlier. */
  after: string | null | undefined;
}

/**
 * Open a subscription to one topic of the change stream: the stored changes after `after` first, then live
 * ones, none missed, none repeated, bounded like `callEvents`. A cursor past the end of the stream (kept from
 * before the database was reset) is refused rather than left waiting for positions handed out again.
 */
export async function subscribeToChanges<K extends ChangeTopic>(
  ctx: GatewayContext,
  subscription: ChangeSubscription<K>,
): Promise<AsyncIterableIterator<StoredChange<K>>> {
  const { services } = ctx;
  const after = subscription.after ? cursorArg(subscription.cursorKind, subscription.after) : undefined;
  if (after !== undefined) {
    const end = await services.replays.run(() => lastChangePosition(services.db));
    if (after > end) {
      throw new GraphQLError(
        `The cursor points past the end of the change stream (position ${after}, the last stored is ${end}); ` +
          "it was issued by a gateway whose database has since been reset or replaced. Subscribe without `after`.",
        { extensions: { code: "BAD_USER_INPUT" } },
      );
    }
  }
  // An idle feed reads nothing per commit: bring it to the stream's end before listening.
  await services.changes.ready();
  return guardStream(
    openChangeStream({
      db: services.db,
      feed: services.changes,
      replays: services.replays,
      selection: subscription.selection,
      matches: subscription.matches,
      after,
    }),
    services.logger,
  );
}
