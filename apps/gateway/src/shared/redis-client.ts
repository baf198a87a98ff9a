import { Redis } from "ioredis";
import type { Logger } from "./logger.js";

/** Options for {@link createRedisClient}. */
export interface RedisClientOptions {
  /** `REDIS_URL` (never logged: it may hold a password). */
  url: string;
  /** What the connection is for, in its log lines and as its `CLIENT SETNAME`, e.g. `fanout-publish`. */
  name: string;
  logger: Logger;
  /** Longest wait between two reconnection attempts, in ms (the backoff doubles from 50 ms up to it). @default 2000 */
  maxReconnectDelayMs?: number;
  /** Longest a connection attempt, and a command, may take before it counts as failed, in ms. @default 2000 */
  timeoutMs?: number;
}

/** Longest wait between reconnection attempts by default, in ms. */
export const DEFAULT_MAX_RECONNECT_DELAY_MS = 2000;

/**
 * An ioredis connection that fails fast while Redis is away: commands given while it is not connected are
 * rejected at once (no offline queue), a command in flight when the link drops is rejected rather than sent
 * again, each command and each connection attempt is bounded in time, and it reconnects by itself for ever,
 * with a backoff bounded by `maxReconnectDelayMs`. Nothing is connected until `connect()` is called. Its
 * errors are logged at debug level only: the one that owns it says what an outage means.
 */
export function createRedisClient(options: RedisClientOptions): Redis {
  const maxDelay = options.maxReconnectDelayMs ?? DEFAULT_MAX_RECONNECT_DELAY_MS;
  const timeoutMs = options.timeoutMs ?? 2000;
  const client = new Redis(options.url, {
    lazyConnect: true,
    connectionName: `privnum-${options.name}`,
    enableOfflineQueue: false,
    maxRetriesPerRequest: 0,
    autoResendUnfulfilledCommands: false,
    autoResubscribe: false,
    connectTimeout: timeoutMs,
    commandTimeout: timeoutMs,
    retryStrategy: (attempt) => Math.min(50 * 2 ** Math.min(attempt - 1, 16), maxDelay),
  });
  const logger = options.logger.child({ component: "redis", connection: options.name });
  // Without a listener an `error` event would crash the process; an outage is reported by the owner.
  client.on("error", (error: Error) => logger.debug({ err: { message: error.message } }, "Redis error"));
  return client;
}

/**
 * Close `client` within `timeoutMs`: QUIT (what was sent is answered first), then a hard disconnect if Redis
 * does not answer in time or is away.
 */
export async function closeRedisClient(client: Redis, timeoutMs = 1000): Promise<void> {
  if (client.status === "end") return;
  if (client.status === "ready") {
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<void>((resolve) => {
      timer = setTimeout(resolve, timeoutMs);
    });
    await Promise.race([
      client.quit().then(
        () => {},
        () => {},
      ),
      timedOut,
    ]);
    clearTimeout(timer);
  }
  client.disconnect(false);
}
