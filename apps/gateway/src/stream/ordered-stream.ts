import { ReplayLimitExceededError, SubscriberTooSlowError } from "../shared/errors.js";
import { EventChannel } from "./event-channel.js";
import type { ReplayGate } from "./replay-gate.js";
import type { StreamFeed } from "./stream-feed.js";

/** How a subscriber's replay reads the stored stream: only rows it may deliver, by position. */
export interface ReplaySource<Row> {
  /** How many rows lie after `after` and up to `through`, counting no further than `atMost`. */
  count(after: number, through: number, atMost: number): Promise<number>;
  /** Rows after `after` and up to `through`, in stream order, at most `limit`. */
  list(after: number, through: number, limit: number): Promise<Row[]>;
}

/** Options for {@link openOrderedStream}. */
export interface OrderedStreamOptions<Row> {
  /** The started feed (its position bounds the replay). */
  feed: StreamFeed<Row>;
  /** The replay's reads; they may narrow by the filter in SQL (`matches` still decides what is delivered). */
  replay: ReplaySource<Row>;
  /** A row's position. */
  positionOf(row: Row): number;
  /** Whether this subscriber receives a row (replayed or live). */
  matches(row: Row): boolean;
  /** Runs every replay query, bounding their concurrency, and sets the most rows one replay may hold. */
  replays: ReplayGate;
  /** Resume after this position: replay stored rows first. Absent = live only. */
  after?: number | undefined;
  /** Most rows held for a slow subscriber (live and pending replay each). @default 10000 */
  maxBuffered?: number;
  /** Rows per replay query. @default 200 */
  replayPageSize?: number;
}

/**
 * One subscriber's view of a stored stream: stored rows after `after`, then live ones, each exactly once and in
 * stream order.
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
export function openOrderedStream<Row>(options: OrderedStreamOptions<Row>): AsyncIterableIterator<Row> {
  const { feed, replay, replays, positionOf, matches } = options;
  const maxBuffered = options.maxBuffered ?? 10_000;
  const pageSize = options.replayPageSize ?? 200;
  let replaying = options.after !== undefined;
  let last = options.after ?? 0;
  const pending: Row[] = [];

  let unsubscribe: () => void = () => {};
  const channel = new EventChannel<Row>({ maxBuffered, onClose: () => unsubscribe() });

  const emit = (row: Row) => {
    const position = positionOf(row);
    if (position <= last) return;
    last = position;
    if (matches(row)) channel.push(row);
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
        const backlog = await replays.run(() => replay.count(last, replayThrough, replays.maxEvents + 1));
        if (backlog > replays.maxEvents) return channel.fail(new ReplayLimitExceededError(replays.maxEvents));
        while (last < replayThrough) {
          await channel.whenBelow(pageSize);
          if (channel.closed) return;
          const page = await replays.run(() => replay.list(last, replayThrough, pageSize));
          for (const row of page) {
            last = positionOf(row);
            if (matches(row)) channel.push(row);
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
