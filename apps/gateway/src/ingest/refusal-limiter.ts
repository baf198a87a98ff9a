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
  /**
   * How long an answer of a shared `store` is reused for the same source, in ms: asking Redis on every push
   * would cost a round trip per push, while a budget needs to be exact only at the scale of its window. A
   * refusal counted here is seen at once; one counted by another instance within this time. Ignored without
   * `store` (memory answers at no cost). @default 1000
   */
  sharedAnswerTtlMs?: number;
  /** @default Date.now */
  now?: () => number;
}

/** Most sources whose shared answers are remembered; beyond it the oldest are forgotten. */
const MAX_REMEMBERED_SOURCES = 10_000;

/**
 * The refusal budget per source address, counted by rate-limiter-flexible in a store that can be swapped
 * (memory by default; Redis or PostgreSQL when instances must share it).
 */
export function createRefusalLimiter(options: RefusalLimiterOptions): RefusalLimiter {
  const now = options.now ?? Date.now;
  const ttlMs = options.store ? (options.sharedAnswerTtlMs ?? 1000) : 0;
  // Per source: when the shared store answered, and until when the source is held off (0: it is not).
  const remembered = new Map<string, { at: number; blockedUntil: number }>();
  const remember = (source: string, blockedUntil: number) => {
    remembered.delete(source);
    if (remembered.size >= MAX_REMEMBERED_SOURCES) remembered.delete(remembered.keys().next().value!);
    remembered.set(source, { at: now(), blockedUntil });
  };
  const store =
    options.store ??
    new RateLimiterMemory({
      keyPrefix: "notify-refusals",
      points: options.refusals,
      duration: options.windowSeconds ?? 60,
    });
  return {
    async blockedForMs(source) {
      const known = ttlMs > 0 ? remembered.get(source) : undefined;
      if (known && now() - known.at < ttlMs) return Math.max(0, known.blockedUntil - now());
      const state = await store.get(source);
      const blockedForMs =
        state === null || state.consumedPoints < store.points ? 0 : Math.max(1, state.msBeforeNext);
      if (ttlMs > 0) remember(source, blockedForMs === 0 ? 0 : now() + blockedForMs);
      return blockedForMs;
    },
    async recordRefusal(source) {
      // The next question about this source goes to the store, which then holds this refusal.
      remembered.delete(source);
      try {
        await store.consume(source);
      } catch (error) {
        // Over budget is the answer we count on, not a failure; a store error is.
        if (!(error instanceof RateLimiterRes)) throw error;
      } finally {
        // An answer remembered while the count was on its way predates it.
        remembered.delete(source);
      }
    },
  };
}
