import type { Executor } from "../database/database.js";
import { EventChannel } from "../pubsub/event-channel.js";
import { SubscriberTooSlowError } from "../shared/errors.js";
import { listCallEventsAfter } from "./call-event.repository.js";
import type { CallEventRow } from "./call-event.table.js";
import type { CallEventFeed } from "./call-event-feed.js";
import { type CallEventFilter, matchesCallEventFilter } from "./call-event-filter.js";

/** Options for {@link openCallEventStream}. */
export interface CallEventStreamOptions {
  db: Executor;
  feed: CallEventFeed;
  filter: CallEventFilter;
  /** Resume after this stream position: replay stored events first. Absent = live only. */
  after?: number | undefined;
  /** Most events held for a slow subscriber (live and pending replay each). @default 10000 */
  maxBuffered?: number;
  /** Rows per replay query. @default 200 */
  replayPageSize?: number;
}

/**
 * One subscriber's view of the call event stream: stored events after `after`, then live ones, each
 * exactly once and in stream order.
 *
 * The live listener is registered first and buffers while the replay reads the table; then the buffer is
 * drained, skipping positions the replay already covered. No gap: the feed hands out everything after its
 * position at registration, and the replay (which ends after registration) sees everything up to it,
 * because positions become visible in order. No duplicate: both sides are cut at the last position emitted.
 */
export function openCallEventStream(options: CallEventStreamOptions): AsyncIterableIterator<CallEventRow> {
  const { db, feed, filter } = options;
  const maxBuffered = options.maxBuffered ?? 10_000;
  const pageSize = options.replayPageSize ?? 200;
  let replaying = options.after !== undefined;
  let last = options.after ?? 0;
  const pending: CallEventRow[] = [];

  let unsubscribe: () => void = () => {};
  const channel = new EventChannel<CallEventRow>({ maxBuffered, onClose: () => unsubscribe() });

  const emit = (row: CallEventRow) => {
    const seq = row.stream_seq!;
    if (seq <= last) return;
    last = seq;
    if (matchesCallEventFilter(row, filter)) channel.push(row);
  };

  unsubscribe = feed.subscribe((row) => {
    if (!replaying) return emit(row);
    if (pending.length >= maxBuffered) return channel.fail(new SubscriberTooSlowError(maxBuffered));
    pending.push(row);
  });

  if (replaying) {
    void (async () => {
      try {
        for (;;) {
          await channel.whenBelow(pageSize);
          if (channel.closed) return;
          const page = await listCallEventsAfter(db, last, filter, pageSize);
          for (const row of page) {
            last = row.stream_seq!;
            channel.push(row);
          }
          if (page.length < pageSize) break;
        }
        for (const row of pending.splice(0)) emit(row);
        replaying = false;
      } catch (error) {
        channel.fail(error);
      }
    })();
  }
  return channel;
}
