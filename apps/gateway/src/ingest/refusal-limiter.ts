import { type RateLimiterAbstract, RateLimiterMemory, RateLimiterRes } from "rate-limiter-flexible";

/**
 * How many refused pushes each source address may send: once a source has used its budget, its next requests
 * to /notify are answered 429 before their body is read and without a database write, until the window ends.
 * Pushes that pass the signature check never use the budget.
 */
export interface RefusalLimiter {
  /** Milliseconds until `source` may be heard again, or 0 while it still has budget. */
  blockedForMs(source: string): Promise<number>;
  /** Count one refused push against `source`. */
  recordRefusal(source: string): Promise<void>;
}

/** Options for {@link createRefusalLimiter}. */
export interface RefusalLimiterOptions {
  /** Refused pushes allowed per source and window (`NOTIFY_REFUSALS_PER_MINUTE`). */
  refusals: number;
  /** @default 60 */
  windowSeconds?: number;
  /**
   * Where the counts live: any limiter of rate-limiter-flexible built with the same `points` and `duration`
   * (`RateLimiterRedis`, `RateLimiterPostgres` …), so that several instances share one budget per source.
   * @default a `RateLimiterMemory` of this process
   */
  store?: RateLimiterAbstract;
}

/**
 * The refusal budget per source address, counted by rate-limiter-flexible in a store that can be swapped
 * (memory by default; Redis or PostgreSQL when instances must share it).
 */
export function createRefusalLimiter(options: RefusalLimiterOptions): RefusalLimiter {
  const store =
    options.store ??
    new RateLimiterMemory({
      keyPrefix: "notify-refusals",
      points: options.refusals,
      duration: options.windowSeconds ?? 60,
    });
  return {
    async blockedForMs(source) {
      const state = await store.get(source);
      if (state === null || state.consumedPoints < store.points) return 0;
      return Math.max(1, state.msBeforeNext);
    },
    async recordRefusal(source) {
      try {
        await store.consume(source);
      } catch (error) {
        // Over budget is the answer we count on, not a failure; a store error is.
        if (!(error instanceof RateLimiterRes)) throw error;
      }
    },
  };
}
