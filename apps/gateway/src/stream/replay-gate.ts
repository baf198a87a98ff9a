import type { DatabaseConfig } from "../shared/config.js";

/** Options for {@link createReplayGate}. */
export interface ReplayGateOptions {
  /** Replay queries that may run at once across the whole gateway. */
  concurrency: number;
  /** Most stored events one resuming subscription may replay (`SUBSCRIPTION_MAX_REPLAY`). */
  maxEvents: number;
}

/**
 * The gateway-wide bound on the database work of resuming subscriptions. Every query a resume runs (the
 * cursor check, the backlog count, each replay page) goes through `run`, so that however many subscribers
 * resume at once, they hold at most `concurrency` pooled connections and the webhook keeps the rest.
 */
export interface ReplayGate {
  /** Most stored events one resume may replay; a larger backlog is refused (`replay-limit-exceeded`). */
  readonly maxEvents: number;
  /** Run `query` once fewer than `concurrency` replay queries are running (first come, first served). */
  run<T>(query: () => Promise<T>): Promise<T>;
  /** Replay queries running now. */
  readonly active: number;
  /** Replay queries waiting for a slot. */
  readonly waiting: number;
}

/**
 * How many replay queries may run at once on this database: PGlite has a single connection, which the
 * webhook shares, so one; a Postgres pool of 10 (the gateway's) gives replays 2 and keeps 8 for ingest.
 */
export function replayConcurrencyFor(kind: DatabaseConfig["kind"]): number {
  return kind === "pglite" ? 1 : 2;
}

/** A counting semaphore with a FIFO queue, sized by `concurrency`. */
export function createReplayGate(options: ReplayGateOptions): ReplayGate {
  const { concurrency, maxEvents } = options;
  if (!Number.isInteger(concurrency) || concurrency < 1) {
    throw new RangeError(`Replay concurrency must be a positive integer, got ${concurrency}.`);
  }
  const queue: (() => void)[] = [];
  let active = 0;

  const release = () => {
    const next = queue.shift();
    if (next) next();
    else active -= 1;
  };

  return {
    maxEvents,
    async run(query) {
      if (active < concurrency) active += 1;
      // A released slot passes straight to the next in line, so `active` stays at the bound meanwhile.
      else await new Promise<void>((resolve) => queue.push(resolve));
      try {
        return await query();
      } finally {
        release();
      }
    },
    get active() {
      return active;
    },
    get waiting() {
      return queue.length;
    },
  };
}
