import type { Logger } from "pino";
import type { Executor } from "../database/database.js";
import { createStreamFeed, type StreamFeed } from "../stream/stream-feed.js";
import { lastStreamPosition, listCallEventsAfter } from "./call-event.repository.js";
import type { CallEventRow } from "./call-event.table.js";

/** The in-process fan-out of the call event stream. */
export type CallEventFeed = StreamFeed<CallEventRow>;

/** Options for {@link createCallEventFeed}. */
export interface CallEventFeedOptions {
  db: Executor;
  logger: Logger;
  /** See `StreamFeedOptions.pollIntervalMs`. @default 1000 */
  pollIntervalMs?: number | (() => number);
  /** Called with each row once it has been handed to the listeners: for metrics. */
  onHandedOff?: (row: CallEventRow) => void;
}

/** Tail `call_events` by `stream_seq` (see `createStreamFeed`). */
export function createCallEventFeed(options: CallEventFeedOptions): CallEventFeed {
  const { db } = options;
  return createStreamFeed({
    name: "call event",
    logger: options.logger,
    source: {
      readAfter: (after, limit) => listCallEventsAfter(db, after, {}, limit),
      end: () => lastStreamPosition(db),
      positionOf: (row) => row.stream_seq!,
    },
    ...(options.pollIntervalMs !== undefined ? { pollIntervalMs: options.pollIntervalMs } : {}),
    ...(options.onHandedOff !== undefined ? { onHandedOff: options.onHandedOff } : {}),
  });
}
