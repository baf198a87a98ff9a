import type { Executor } from "../database/database.js";
import { openOrderedStream } from "../stream/ordered-stream.js";
import type { ReplayGate } from "../stream/replay-gate.js";
import { countCallEventsBetween, listCallEventsAfter } from "./call-event.repository.js";
import type { CallEventRow } from "./call-event.table.js";
import type { CallEventFeed } from "./call-event-feed.js";
import { type CallEventFilter, matchesCallEventFilter } from "./call-event-filter.js";

/** Options for {@link openCallEventStream}. */
export interface CallEventStreamOptions {
  db: Executor;
  /** The started feed (its position bounds the replay). */
  feed: CallEventFeed;
  /** Runs every replay query, bounding their concurrency, and sets the most events one replay may hold. */
  replays: ReplayGate;
  filter: CallEventFilter;
  /** Resume after this stream position: replay stored events first. Absent = live only. */
  after?: number | undefined;
  /** Most events held for a slow subscriber (live and pending replay each). @default 10000 */
  maxBuffered?: number;
  /** Rows per replay query. @default 200 */
  replayPageSize?: number;
}

/**
 * One subscriber's view of the call event stream: stored events after `after` that match the filter, then live
 * ones, each exactly once and in stream order (see `openOrderedStream`). The replay filters in SQL.
 */
export function openCallEventStream(options: CallEventStreamOptions): AsyncIterableIterator<CallEventRow> {
  const { db, filter } = options;
  return openOrderedStream({
    feed: options.feed,
    replays: options.replays,
    after: options.after,
    positionOf: (row) => row.stream_seq!,
    matches: (row) => matchesCallEventFilter(row, filter),
    replay: {
      count: (after, through, atMost) => countCallEventsBetween(db, after, through, filter, atMost),
      list: (after, through, limit) => listCallEventsAfter(db, after, filter, limit, through),
    },
    ...(options.maxBuffered !== undefined ? { maxBuffered: options.maxBuffered } : {}),
    ...(options.replayPageSize !== undefined ? { replayPageSize: options.replayPageSize } : {}),
  });
}
