import type { Logger } from "pino";
import type { Executor } from "../database/database.js";
import { createStreamFeed, type StreamFeed } from "../stream/stream-feed.js";
import type { StoredChange } from "./change-topics.js";
import { lastChangePosition, listChangesAfter } from "./stream-change.repository.js";

/** The in-process fan-out of the change stream (every topic; each subscriber keeps its own). */
export type ChangeFeed = StreamFeed<StoredChange>;

/** Options for {@link createChangeFeed}. */
export interface ChangeFeedOptions {
  db: Executor;
  logger: Logger;
  /** See `StreamFeedOptions.pollIntervalMs`. @default 1000 */
  pollIntervalMs?: number | (() => number);
}

/** Tail `stream_changes` by position (see `createStreamFeed`). */
export function createChangeFeed(options: ChangeFeedOptions): ChangeFeed {
  const { db } = options;
  return createStreamFeed({
    name: "change",
    logger: options.logger,
    source: {
      readAfter: (after, limit) => listChangesAfter(db, after, limit),
      end: () => lastChangePosition(db),
      positionOf: (change) => change.position,
    },
    ...(options.pollIntervalMs !== undefined ? { pollIntervalMs: options.pollIntervalMs } : {}),
  });
}
