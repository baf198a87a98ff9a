import type { Executor } from "../database/database.js";
import { openOrderedStream } from "../stream/ordered-stream.js";
import type { ReplayGate } from "../stream/replay-gate.js";
import type { ChangeFeed } from "./change-feed.js";
import type { ChangeTopic, ChangeTopics, StoredChange } from "./change-topics.js";
import { type ChangeSelection, countChangesBetween, listChangesAfter } from "./stream-change.repository.js";

/** Options for {@link openChangeStream}. */
export interface ChangeStreamOptions<K extends ChangeTopic> {
  db: Executor;
  /** The started change feed. */
  feed: ChangeFeed;
  replays: ReplayGate;
  /** The topic, and what a replay narrows by in SQL. */
  selection: ChangeSelection & { topic: K };
  /** The subscription's whole filter, applied to every change delivered (replayed or live). */
  matches(value: ChangeTopics[K]): boolean;
  /** Resume after this position. Absent = live only. */
  after?: number | undefined;
}

/**
 * One subscriber's view of one topic of the change stream: the stored changes after `after`, then live ones,
 * each exactly once, in stream order (see `openOrderedStream`). The replay's bound counts the changes its SQL
 * selection matches, which may be more than the filter lets through: a bound never exceeded silently.
 */
export function openChangeStream<K extends ChangeTopic>(
  options: ChangeStreamOptions<K>,
): AsyncIterableIterator<StoredChange<K>> {
  const { db, selection, matches } = options;
  return openOrderedStream<StoredChange>({
    feed: options.feed,
    replays: options.replays,
    after: options.after,
    positionOf: (change) => change.position,
    matches: (change) => change.topic === selection.topic && matches(change.value as ChangeTopics[K]),
    replay: {
      count: (after, through, atMost) => countChangesBetween(db, after, through, selection, atMost),
      list: (after, through, limit) => listChangesAfter(db, after, limit, { through, selection }),
    },
  }) as AsyncIterableIterator<StoredChange<K>>;
}
