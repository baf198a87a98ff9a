import type { Logger } from "pino";
import { withinMs } from "../shared/within-ms.js";

/** Longest `stop` waits for a read in flight, in ms. */
const STOP_WAIT_MS = 1000;

/** Listeners handed a row before the feed lets the event loop turn (see `handOffSlice`). */
const HAND_OFF_SLICE = 16;

/** Receives every stored row of a stream once, in stream order. */
export type StreamListener<Row> = (row: Row) => void;

/** Where a feed reads its stream: a table whose rows carry increasing positions (see `stream-lock.ts`). */
export interface StreamSource<Row> {
  /** Rows after position `after`, in stream order, at most `limit`. */
  readAfter(after: number, limit: number): Promise<Row[]>;
  /** The highest position committed (0 when none). */
  end(): Promise<number>;
  /** A row's position. */
  positionOf(row: Row): number;
}

/** Options for {@link createStreamFeed}. */
export interface StreamFeedOptions<Row> {
  source: StreamSource<Row>;
  /** Names the stream in log lines, e.g. "call event". */
  name: string;
  logger: Logger;
  /**
   * How often to look for events stored by other gateway instances sharing the database, in ms, asked again
   * before each wait (the fan-out polls rarely while its broker carries wake-ups). Wake-ups read at once.
   * @default 1000
   */
  pollIntervalMs?: number | (() => number);
  /** Rows read per query. @default 500 */
  batchSize?: number;
  /** Called with each row once it has been handed to the listeners (not when there were none): for metrics. */
  onHandedOff?: (row: Row) => void;
  /**
   * Listeners handed a row before the event loop turns (`setImmediate`), when a row has more listeners than
   * this. A listener starts a chain of promise reactions that ends in its subscriber's socket write (the
   * subscriber's stream, the shared execution, envelop's and graphql-ws's layers). Handed to a thousand
   * listeners at once, the thousand chains advance together, one step for all of them before the next, so the
   * first write waits for nearly every other step of every subscriber. In slices, a slice's writes go out
   * before the next slice starts, and pushes, query answers and other sockets are served in between.
   * @default 16
   */
  handOffSlice?: number;
}

/** The in-process fan-out of one stored stream. */
export interface StreamFeed<Row> {
  /** Start from the current end of the stream. */
  start(): Promise<void>;
  /** Stop polling; pending reads finish. */
  stop(): Promise<void>;
  /** Something was committed: read the stream now. */
  wake(): void;
  /**
   * Resolves once the feed's position is the stream's end, so that a listener registered right after receives
   * the rows committed from then on and none older. A feed without listeners does not follow the stream (a
   * commit costs it nothing); the first subscriber after such a time waits for this one query.
   */
  ready(): Promise<void>;
  /** Register a listener (after {@link StreamFeed.ready}); returns its removal. */
  subscribe(listener: StreamListener<Row>): () => void;
  /** Registered listeners (one per live subscription on the stream). */
  listenerCount(): number;
  /** The last stream position handed to listeners. */
  position(): number;
  /**
   * Resolves once everything committed before the call has been handed to listeners; without listeners, once
   * the position is the stream's end (as `ready`).
   */
  catchUp(): Promise<void>;
}

/**
 * Tails a stored stream (`call_events`, `stream_changes`) by position and hands each new row to every
 * listener, strictly in stream order. Publishing rows straight from the storing transactions would not give that order: two pushes
 * that commit in one order can finish their post-commit work in the other. Reading the table instead
 * relies on the storing side's guarantee that positions become visible in order, so a listener never
 * receives n after n+1, and events stored by other instances arrive too.
 *
 * While nobody listens, wakes and polls send no query at all (a commit costs an idle feed nothing); `ready`
 * reads the end once before the next listener is registered, so that it starts from there.
 */
export function createStreamFeed<Row>(options: StreamFeedOptions<Row>): StreamFeed<Row> {
  const { source, name, logger, onHandedOff } = options;
  const interval = options.pollIntervalMs ?? 1000;
  const pollIntervalMs = typeof interval === "number" ? () => interval : interval;
  const batchSize = options.batchSize ?? 500;
  const slice = Math.max(1, options.handOffSlice ?? HAND_OFF_SLICE);
  const listeners = new Set<StreamListener<Row>>();
  let position = 0;
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> | undefined;
  let again = false;
  let stopped = false;
  // Whether rows may have been committed past `position` while nobody listened (so nothing was read).
  let behind = false;
  // Commits announced while idle, and whether one came while `refresh` read the end (it may lie past it).
  let idleWakes = 0;
  let wokenDuringRefresh = false;
  let refreshing: Promise<void> | undefined;

  function handTo(listener: StreamListener<Row>, row: Row): void {
    try {
      listener(row);
    } catch (error) {
      logger.error({ err: error }, `${name} listener failed`);
    }
  }

  /**
   * Hand `row` to the listeners registered now, `slice` at a time with a turn of the event loop between slices.
   * One that leaves meanwhile is skipped; one that arrives meanwhile does not get it (it starts after the
   * position, which is already this row's).
   */
  async function handOffInSlices(row: Row): Promise<void> {
    const now = [...listeners];
    for (let i = 0; i < now.length; i++) {
      if (i > 0 && i % slice === 0) await new Promise((resolve) => setImmediate(resolve));
      const listener = now[i] as StreamListener<Row>;
      if (listeners.has(listener)) handTo(listener, row);
    }
  }

  async function drain(): Promise<void> {
    do {
      again = false;
      if (listeners.size === 0) {
        // Nobody to hand rows to: read nothing, not even the end; `ready` moves the position to the end before
        // the next listener is registered.
        behind = true;
        idleWakes += 1;
        continue;
      }
      for (;;) {
        const rows = await source.readAfter(position, batchSize);
        for (const row of rows) {
          position = source.positionOf(row);
          if (listeners.size > slice) await handOffInSlices(row);
          else for (const listener of listeners) handTo(listener, row);
          if (onHandedOff && listeners.size > 0) onHandedOff(row);
        }
        if (rows.length < batchSize) break;
      }
    } while (again && !stopped);
  }

  /** Move the position to the stream's end, unless a listener arrived meanwhile (it gets the rows instead). */
  function refresh(): Promise<void> {
    refreshing ??= (async () => {
      try {
        const wakesBefore = idleWakes;
        const end = await source.end();
        if (listeners.size === 0 && !running) {
          position = Math.max(position, end);
          behind = false;
          wokenDuringRefresh = idleWakes !== wakesBefore;
        }
      } finally {
        refreshing = undefined;
      }
    })();
    return refreshing;
  }

  async function ready(): Promise<void> {
    // A read still handing rows out (its last listener gone) moves the position itself: let it finish first.
    while (running) await running;
    if (behind && listeners.size === 0) await refresh();
  }

  function read(): Promise<void> {
    if (listeners.size === 0 && !running) {
      // An idle feed: the commit costs no query.
      behind = true;
      idleWakes += 1;
      return Promise.resolve();
    }
    if (running) {
      // A read is in flight; it may have missed what was just committed, so go round once more.
      again = true;
      return running;
    }
    running = drain()
      .catch((error: unknown) => {
        // After stop, a read cut short by the database closing is expected.
        if (stopped) return;
        logger.warn({ err: error }, `reading the ${name} stream failed; retrying on the next wake or poll`);
      })
      .finally(() => {
        running = undefined;
      });
    return running;
  }

  return {
    async start() {
      stopped = false;
      position = await source.end();
      behind = false;
      const poll = () => {
        timer = setTimeout(() => {
          void read().finally(() => {
            if (!stopped) poll();
          });
        }, pollIntervalMs());
        timer.unref();
      };
      poll();
    },
    async stop() {
      stopped = true;
      if (timer) clearTimeout(timer);
      timer = undefined;
      // A read in flight only hands rows to listeners: wait for it briefly, never for a statement stuck on a
      // silent database link (the database closes next and ends it).
      if (running) await withinMs(running, STOP_WAIT_MS);
    },
    wake() {
      if (!stopped) void read();
    },
    ready,
    subscribe(listener) {
      const first = listeners.size === 0;
      listeners.add(listener);
      if (first && (behind || wokenDuringRefresh)) {
        // Something was committed after the position `ready` set: read it now rather than at the next wake.
        behind = false;
        wokenDuringRefresh = false;
        if (!stopped) void read();
      }
      return () => listeners.delete(listener);
    },
    position: () => position,
    listenerCount: () => listeners.size,
    async catchUp() {
      if (listeners.size === 0) return await ready();
      await read();
      if (running) await running;
    },
  };
}
