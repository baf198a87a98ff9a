// The fan-out over Redis (src/fanout/redis-fan-out.ts) on the machine's Redis, each test on a prefix of its
// own: wake-ups cross instances of one prefix and no other; an outage (a TCP proxy in front of Redis, cut)
// degrades it to polling with one warning and no failure, and the recovery is reported once and caught up.
import { Redis } from "ioredis";
import { afterEach, describe, expect, it } from "vitest";
import type { FanOut } from "../src/fanout/fan-out.js";
import { createRedisFanOut, fanOutChannel, type RedisFanOutOptions } from "../src/fanout/redis-fan-out.js";
import { type CapturedLog, captureLog } from "./support/captured-log.js";
import { until } from "./support/gateway.js";
import { redisUrlThrough, TEST_REDIS_PORT, TEST_REDIS_URL, testRedisPrefix } from "./support/redis.js";
import { startTcpProxy, type TcpProxy } from "./support/tcp-proxy.js";

const HEALTHY_POLL_MS = 10_000;
/**
 * How long a test waits for a wake-up to cross: a wait, not a speed target. A healthy fan-out calls its listeners
 * only on its own commits and on messages (never on a timer), so a call on the other side at all proves the
 * wake-up crossed Redis.
 */
const CROSSING_BOUND_MS = 5000;

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/** A started fan-out whose listener counts its calls; stopped after the test. */
async function fanOut(
  keyPrefix: string,
  options: Partial<RedisFanOutOptions> & { log?: CapturedLog } = {},
): Promise<{ fanOut: FanOut; calls: () => number; callsWhileHealthy: () => number; log: CapturedLog }> {
  const { log = captureLog(), ...rest } = options;
  const created = createRedisFanOut({
    url: TEST_REDIS_URL,
    keyPrefix,
    logger: log.logger,
    maxReconnectDelayMs: 100,
    ...rest,
  });
  let calls = 0;
  let callsWhileHealthy = 0;
  created.onCommitted(() => {
    calls++;
    if (!created.counts().degraded) callsWhileHealthy++;
  });
  cleanups.push(() => created.stop());
  await created.start();
  return { fanOut: created, calls: () => calls, callsWhileHealthy: () => callsWhileHealthy, log };
}

async function proxyToRedis(): Promise<TcpProxy> {
  const proxy = await startTcpProxy(TEST_REDIS_PORT, new URL(TEST_REDIS_URL).hostname);
  cleanups.push(() => proxy.close());
  return proxy;
}

const messages = (log: CapturedLog, level: number) =>
  log.lines.filter((line) => line.level === level).map((line) => String(line.msg));
const WARN = 40;
const INFO = 30;
const DEBUG = 20;
const OVERSIZED = "ignored an oversized message on the fan-out channel";
const debugLines = (log: CapturedLog) => messages(log, DEBUG);

describe("Redis fan-out", () => {
  it("wakes the other instances of its prefix, fast", async () => {
    const prefix = testRedisPrefix();
    const a = await fanOut(prefix);
    const b = await fanOut(prefix);
    expect(a.fanOut.pollIntervalMs()).toBe(HEALTHY_POLL_MS);

    a.fanOut.committed();
    // Its own listeners at once, before anything crosses Redis.
    expect(a.calls()).toBe(1);
    await until(() => b.calls() === 1, "b to hear a's commit", CROSSING_BOUND_MS);

    b.fanOut.committed();
    await until(() => a.calls() === 2, "a to hear b's commit", CROSSING_BOUND_MS);
    expect(b.calls()).toBe(2);
    expect(a.fanOut.counts()).toEqual({ degraded: false, wakeUpsReceived: 1, wakeUpsLost: 0 });
  });

  it("publishes one wake-up for the commits of one turn (a stored batch), and one per turn after", async () => {
    const prefix = testRedisPrefix();
    const a = await fanOut(prefix);
    const raw = new Redis(TEST_REDIS_URL);
    cleanups.push(async () => void raw.disconnect());
    const heard: string[] = [];
    raw.on("message", (_channel: string, message: string) => heard.push(message));
    await raw.subscribe(fanOutChannel(prefix));

    for (let i = 0; i < 50; i++) a.fanOut.committed();
    // Its own listeners hear every commit at once.
    expect(a.calls()).toBe(50);
    await until(() => heard.length === 1, "the wake-up of the first turn");
    a.fanOut.committed();
    await until(() => heard.length === 2, "the wake-up of the next turn");
    // Nothing more is on its way: a marker published after would arrive after any late wake-up.
    await raw.duplicate().publish(fanOutChannel(prefix), "marker");
    await until(() => heard.includes("marker"), "the marker");
    expect(heard).toHaveLength(3);
  });

  it("skips its own messages and ignores messages longer than an instance id", async () => {
    const prefix = testRedisPrefix();
    const a = await fanOut(prefix, { log: captureLog("debug") });
    const raw = new Redis(TEST_REDIS_URL);
    cleanups.push(async () => void raw.disconnect());
    a.fanOut.committed();
    // One channel delivers in order: once the oversized message is seen, a's own one was handled before it.
    await raw.publish(fanOutChannel(prefix), "x".repeat(65));
    await until(() => debugLines(a.log).includes(OVERSIZED), "a to see the oversized message");
    expect(a.calls()).toBe(1);
    expect(a.fanOut.counts().wakeUpsReceived).toBe(0);

    await raw.publish(fanOutChannel(prefix), "another-instance");
    await until(() => a.calls() === 2, "a to hear the well-formed message");
    expect(a.fanOut.counts().wakeUpsReceived).toBe(1);
  });

  it("is not heard under another prefix", async () => {
    const prefix = testRedisPrefix();
    const other = testRedisPrefix();
    const a = await fanOut(prefix);
    const b = await fanOut(prefix);
    const c = await fanOut(other);
    const d = await fanOut(other);

    a.fanOut.committed();
    await until(() => b.calls() === 1, "b to hear a");
    // Published after a's, so c would have received a's message first had it been on a's channel.
    d.fanOut.committed();
    await until(() => c.calls() >= 1, "c to hear d");
    expect(c.calls()).toBe(1);
  });

  it("falls back to polling while Redis is unreachable, then recovers once, catching up", async () => {
    const prefix = testRedisPrefix();
    const proxy = await proxyToRedis();
    const a = await fanOut(prefix, { url: redisUrlThrough(proxy.port) });
    const b = await fanOut(prefix);
    expect(await a.fanOut.readiness?.run()).toEqual({ state: "ok" });

    await proxy.cut();
    await until(() => a.fanOut.pollIntervalMs() === 1000, "a to poll every second");
    // Its feeds are woken at once, then every second (the polling), whatever wait they are in.
    expect(a.calls()).toBe(1);
    expect(await a.fanOut.readiness?.run()).toEqual({
      state: "degraded",
      detail: "Redis unreachable: polling every 1 s",
    });
    expect(a.fanOut.readiness?.severity).toBe("optional");
    // A commit meanwhile still wakes a's own feeds, and fails nothing.
    const beforeCommit = a.calls();
    a.fanOut.committed();
    expect(a.calls()).toBe(beforeCommit + 1);
    expect(a.fanOut.counts()).toMatchObject({ degraded: true, wakeUpsLost: 1 });

    await proxy.restore();
    await until(() => a.fanOut.pollIntervalMs() === HEALTHY_POLL_MS, "a to be healthy again");
    // The recovery: a's listeners once, and the others through the wake-up a publishes.
    expect(a.callsWhileHealthy()).toBe(1);
    await until(() => b.calls() === 1, "b to hear a's catch-up");
    expect(await a.fanOut.readiness?.run()).toEqual({ state: "ok" });
    expect(a.fanOut.counts().degraded).toBe(false);

    // Many reconnection attempts failed in between: still one line each way.
    expect(messages(a.log, WARN)).toEqual([
      "Redis unreachable: fan-out falls back to polling the stored streams every 1 s",
    ]);
    expect(messages(a.log, INFO)).toEqual([
      "Redis reachable again: fan-out carries wake-ups between instances",
    ]);
    expect(a.log.raw.join("")).not.toContain(String(proxy.port));
  });

  it("starts degraded when Redis is down, and connects by itself once it is back", async () => {
    const prefix = testRedisPrefix();
    const proxy = await proxyToRedis();
    await proxy.cut();
    const startedAt = Date.now();
    const a = await fanOut(prefix, {
      url: redisUrlThrough(proxy.port),
      connectWaitMs: 300,
      degradedPollIntervalMs: 50,
    });
    expect(Date.now() - startedAt).toBeLessThan(2000);
    expect(a.fanOut.pollIntervalMs()).toBe(50);
    expect((await a.fanOut.readiness?.run())?.state).toBe("degraded");
    expect(messages(a.log, WARN)).toEqual([
      "Redis unreachable: fan-out falls back to polling the stored streams every 0.05 s",
    ]);
    await until(() => a.calls() >= 3, "the fan-out to wake its listeners every 50 ms");

    await proxy.restore();
    await until(() => a.fanOut.pollIntervalMs() === HEALTHY_POLL_MS, "a to connect");
    expect(a.callsWhileHealthy()).toBe(1);
    expect(messages(a.log, INFO)).toHaveLength(1);

    const b = await fanOut(prefix);
    b.fanOut.committed();
    await until(() => a.fanOut.counts().wakeUpsReceived === 1, "a to hear b");
  });

  it("degrades when a wake-up cannot be published on a silent link, and recovers by itself", async () => {
    const prefix = testRedisPrefix();
    const proxy = await proxyToRedis();
    const a = await fanOut(prefix, {
      url: redisUrlThrough(proxy.port),
      timeoutMs: 200,
      degradedPollIntervalMs: 100,
    });
    const b = await fanOut(prefix);
    proxy.stall();
    a.fanOut.committed();
    // The connections still look fine; the PUBLISH times out.
    await until(() => a.fanOut.counts().degraded, "a to notice the lost wake-up");
    expect(a.fanOut.counts().wakeUpsLost).toBeGreaterThanOrEqual(1);
    expect(a.fanOut.pollIntervalMs()).toBe(100);
    expect(messages(a.log, WARN)).toHaveLength(1);

    // No commit needed: the polling probes with a wake-up until one goes through.
    proxy.resume();
    await until(() => !a.fanOut.counts().degraded, "a to recover");
    expect(messages(a.log, INFO)).toHaveLength(1);
    await until(() => b.calls() >= 1, "b to hear a once the link works");
  });

  it("notices a subscribing link gone silent without a commit (PING), polls meanwhile, and recovers", async () => {
    const prefix = testRedisPrefix();
    const proxy = await proxyToRedis();
    const a = await fanOut(prefix, {
      url: redisUrlThrough(proxy.port),
      timeoutMs: 200,
      heartbeatMs: 100,
      degradedPollIntervalMs: 100,
    });
    expect(a.fanOut.counts().degraded).toBe(false);
    proxy.stall();
    // Nothing is committed here: only the heartbeat can tell that the link went silent.
    await until(() => a.fanOut.counts().degraded, "the heartbeat to notice the silent link");
    expect(messages(a.log, WARN)).toHaveLength(1);
    const before = a.calls();
    await until(() => a.calls() >= before + 2, "the listeners to be woken by polling meanwhile");
    proxy.resume();
    await until(() => !a.fanOut.counts().degraded, "the fan-out to recover");
    expect(messages(a.log, INFO)).toHaveLength(1);
  });

  it("calls every listener even when one throws, and logs the failure", async () => {
    const prefix = testRedisPrefix();
    const a = await fanOut(prefix);
    a.fanOut.onCommitted(() => {
      throw new Error("listener broke");
    });
    let after = 0;
    a.fanOut.onCommitted(() => after++);
    a.fanOut.committed();
    expect(a.calls()).toBe(1);
    expect(after).toBe(1);
    expect(a.log.lines.filter((line) => line.msg === "a fan-out listener failed")).toHaveLength(1);
  });

  it("stops within its bound when Redis has gone silent", async () => {
    const proxy = await proxyToRedis();
    const a = await fanOut(testRedisPrefix(), { url: redisUrlThrough(proxy.port) });
    proxy.stall();
    const stoppingAt = Date.now();
    await a.fanOut.stop();
    expect(Date.now() - stoppingAt).toBeLessThan(2000);
    proxy.resume();
  });
});
