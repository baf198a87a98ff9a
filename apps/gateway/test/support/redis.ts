import { randomBytes } from "node:crypto";

/**
 * The Redis tests use: `PRIVNUM_TEST_REDIS_URL`, by default the machine's own. Tests never flush it and touch
 * only keys and channels under a prefix of their own ({@link testRedisPrefix}).
 */
export const TEST_REDIS_URL = process.env.PRIVNUM_TEST_REDIS_URL || "redis://127.0.0.1:6379";

/** The port of {@link TEST_REDIS_URL}, for a TCP proxy in front of it. */
export const TEST_REDIS_PORT = Number(new URL(TEST_REDIS_URL).port || 6379);

/** A key and channel prefix no other test (or deployment) uses: `privnum-test-<random>:`. */
export function testRedisPrefix(): string {
  return `privnum-test-${randomBytes(6).toString("hex")}:`;
}

/** The URL of Redis through a local proxy on `port` (same database, same credentials). */
export function redisUrlThrough(port: number): string {
  const url = new URL(TEST_REDIS_URL);
  url.hostname = "127.0.0.1";
  url.port = String(port);
  return url.toString();
}
