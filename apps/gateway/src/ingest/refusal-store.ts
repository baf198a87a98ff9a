import type { Redis } from "ioredis";
import { type RateLimiterAbstract, RateLimiterMemory, RateLimiterRedis } from "rate-limiter-flexible";
import type { RedisConfig } from "../shared/config.js";
import type { Logger } from "../shared/logger.js";
import { closeRedisClient, createRedisClient } from "../shared/redis-client.js";

/** Options for {@link createRefusalStore}. */
export interface RefusalStoreOptions {
  /** Refused pushes allowed per source and window (`NOTIFY_REFUSALS_PER_MINUTE`). */
  refusals: number;
  /** @default 60 */
  windowSeconds?: number;
  logger: Logger;
}

/** Where the refusal budgets are counted, and how to let go of it. */
export interface RefusalStore {
  /** The counts shared by every instance (Redis); undefined: the limiter counts in this process. */
  store: RateLimiterAbstract | undefined;
  /** Connect (never fails: while Redis is away the counts are kept in this process). */
  start(): Promise<void>;
  /** Disconnect, bounded in time. */
  stop(): Promise<void>;
}

/**
 * The store of the refusal budgets per source address: with Redis, one budget shared by every instance
 * (`${keyPrefix}notify-refusals:<source>`), insured by a budget in this process that counts alone while Redis
 * is unreachable, so that an outage neither fails `/notify` nor lifts the limit. Without Redis, none (the
 * limiter's own memory).
 */
export function createRefusalStore(
  redis: RedisConfig | undefined,
  options: RefusalStoreOptions,
): RefusalStore {
  if (redis === undefined) return { store: undefined, start: async () => {}, stop: async () => {} };
  const client: Redis = createRedisClient({
    url: redis.url,
    name: "notify-refusals",
    logger: options.logger,
  });
  const budget = { points: options.refusals, duration: options.windowSeconds ?? 60 };
  const store = new RateLimiterRedis({
    storeClient: client,
    keyPrefix: `${redis.keyPrefix}notify-refusals`,
    ...budget,
    // Not connected: straight to the insurance, instead of waiting for a command to fail.
    rejectIfRedisNotReady: true,
    insuranceLimiter: new RateLimiterMemory({ keyPrefix: "notify-refusals", ...budget }),
  });
  return {
    store,
    async start() {
      // A failed first attempt is retried by the client itself, for ever; meanwhile the insurance counts.
      client.connect().catch(() => {});
    },
    stop: () => closeRedisClient(client),
  };
}
