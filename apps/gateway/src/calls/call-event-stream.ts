import type { Executor } from "../database/database.js";
import { EventChannel } from "../pubsub/event-channel.js";
import { ReplayLimitExceededError, SubscriberTooSlowError } from "../shared/errors.js";
import { countCallEventsBetween, listCallEventsAfter } from "./call-event.repository.js";
import type { CallEventRow } from "./call-event.table.js";
import type { CallEventFeed } from "./call-event-feed.js";
import { type CallEventFilter, matchesCallEventFilter } from "./call-event-filter.js";
import type { ReplayGate } from "./replay-gate.js";

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
 * One subscriber's view of the call event stream: stored events after `after`, then live ones, each
 * exactly once and in stream order.
 *
 * The live listener is registered first and buffers while the replay reads the table; then the buffer is
 * drained, skipping positions the replay already covered. No gap: the feed hands the listener everything
 * after its position at registration, and the replay reads up to that position, all of it committed and
 * visible. No duplicate: both sides are cut at the last position emitted.
 *
 * The replay is bounded: before anything is sent, the backlog is counted (no further than the limit); one
 * larger than `replays.maxEvents` fails the stream with {@link ReplayLimitExceededError} as its first item,
 * so a client never gets part of a replay and then silence. The count and every page run through
 * `replays`, never more at once than it allows, and a page is read only once the subscriber has taken most
 * of the previous one.
 */
export function openCallEventStream(options: CallEventStreamOptions): AsyncIterableIterator<CallEventRow> {
  const { db, feed, filter, replays } = options;
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
  // Everything up to here reaches the listener no more: it is the replay's to read.
  const replayThrough = feed.position();

  if (replaying) {
    void (async () => {
      try {
        const backlog = await replays.run(() =>
          countCallEventsBetween(db, last, replayThrough, filter, replays.maxEvents + 1),
        );
        if (backlog > replays.maxEvents) return channel.fail(new ReplayLimitExceededError(replays.maxEvents));
        while (last < replayThrough) {
          await channel.whenBelow(pageSize);
          if (channel.closed) return;
          const page = await replays.run(() =>
            listCallEventsAfter(db, last, filter, pageSize, replayThrough),
          );
          for (const row of page) {
            last = row.stream_seq!;
            channel.push(row);
          }
          if (page.length < pageSize) break;
        }
        last = Math.max(last, replayThrough);
        for (const row of pending.splice(0)) emit(row);
        replaying = false;
      } catch (error) {
        channel.fail(error);
      }
    })();
  }
  return channel;
}
