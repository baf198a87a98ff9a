import type { RedisConfig } from "../shared/config.js";
import type { Logger } from "../shared/logger.js";
import type { FanOut } from "./fan-out.js";
import { createInProcessFanOut } from "./in-process-fan-out.js";
import { createRedisFanOut } from "./redis-fan-out.js";

/** Options for {@link createFanOut}. */
export interface CreateFanOutOptions {
  logger: Logger;
  /** How often feeds read the streams while wake-ups arrive, in ms. @default each fan-out's own */
  pollIntervalMs?: number | undefined;
  /** How often feeds read the streams while Redis is unreachable, in ms. @default 1000 */
  degradedPollIntervalMs?: number | undefined;
}

/** The fan-out of this gateway: over Redis when `REDIS_URL` is set (several instances), else in-process. */
export function createFanOut(redis: RedisConfig | undefined, options: CreateFanOutOptions): FanOut {
  const { logger, pollIntervalMs, degradedPollIntervalMs } = options;
  const poll = pollIntervalMs !== undefined ? { pollIntervalMs } : {};
  if (redis === undefined) {
    logger.info("fan-out in-process: one instance (no REDIS_URL)");
    return createInProcessFanOut(poll);
  }
  logger.info({ keyPrefix: redis.keyPrefix }, "fan-out over Redis: instances wake each other's feeds");
  return createRedisFanOut({
    url: redis.url,
    keyPrefix: redis.keyPrefix,
    logger,
    ...poll,
    ...(degradedPollIntervalMs !== undefined ? { degradedPollIntervalMs } : {}),
  });
}
