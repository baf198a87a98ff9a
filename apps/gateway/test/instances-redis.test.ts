// Two gateways in this process on one PostgreSQL database and one Redis (through a TCP proxy the test cuts),
// as instances behind a load balancer: a push to one reaches a subscriber of the other through Redis (the
// feeds' poll is set to an hour, so nothing else could carry it); nonces and refusal budgets are shared; with
// Redis cut, both stay ready (degraded), deliver by polling and keep limiting refusals in their own memory.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEFAULT_LIMITS } from "../src/shared/config.js";
import { createPostgresDatabase, type TestDatabase } from "./support/databases.js";
import { collect, startGateway, subscriptionCounter, type TestGateway, until } from "./support/gateway.js";
import { callEvent, cdr, signedHeaders } from "./support/notifications.js";
import { redisUrlThrough, TEST_REDIS_PORT, TEST_REDIS_URL, testRedisPrefix } from "./support/redis.js";
import { startTcpProxy, type TcpProxy } from "./support/tcp-proxy.js";

/** Refused pushes per source and minute, small so that a test spends a budget in a few requests. */
const BUDGET = 3;
/**
 * How long a test waits for a delivery: a wait, not a speed target. The feeds' own poll is set to an hour, so a
 * delivery to the other instance within it at all proves that Redis carried the wake-up.
 */
const DELIVERY_BOUND_MS = 10_000;
const T0 = new Date("2026-06-01T10:00:00Z");

interface Seen {
  sessionId: string;
  eventType: string;
}

let database: TestDatabase;
let proxy: TcpProxy;
let a: TestGateway;
let b: TestGateway;

beforeAll(async () => {
  database = await createPostgresDatabase();
  proxy = await startTcpProxy(TEST_REDIS_PORT, new URL(TEST_REDIS_URL).hostname);
  const config = {
    database: database.config,
    redis: { url: redisUrlThrough(proxy.port), keyPrefix: testRedisPrefix() },
    // The test names each push's source in X-Forwarded-For, so that each test spends a budget of its own.
    limits: {
      ...DEFAULT_LIMITS,
      notify: { ...DEFAULT_LIMITS.notify, refusalsPerMinute: BUDGET, trustedProxies: ["127.0.0.1"] },
    },
  };
  const options = { feedPollIntervalMs: 3_600_000, degradedFeedPollIntervalMs: 200 };
  a = await startGateway(config, options);
  b = await startGateway(config, options);
}, 60_000);

afterAll(async () => {
  await a?.stop();
  await b?.stop();
  await proxy?.close();
  await database?.drop();
});

function push(
  to: TestGateway,
  body: unknown,
  headers: Record<string, string> = signedHeaders(),
): Promise<Response> {
  return fetch(`${to.gateway.url}/notify`, { method: "POST", headers, body: JSON.stringify(body) });
}

/** A push whose signature is wrong, from `source` (through the trusted proxy 127.0.0.1). */
function refusedPush(to: TestGateway, source: string, sessionId: string): Promise<Response> {
  return push(to, callEvent("callin", sessionId, T0), {
    ...signedHeaders({ appSecret: "not-the-secret" }),
    "x-forwarded-for": source,
  });
}

async function readyz(gateway: TestGateway): Promise<{ status: number; body: Record<string, unknown> }> {
  const response = await fetch(`${gateway.gateway.url}/readyz`);
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

function subscribeOn(gateway: TestGateway) {
  return collect<Seen>(
    gateway.wsClient(),
    "subscription { callEvents { sessionId eventType } }",
    {},
    "callEvents",
  );
}

describe("two gateways on one PostgreSQL and one Redis", () => {
  it("name the Redis fan-out and report it ready", async () => {
    expect(a.gateway.fanOut).toBe("redis");
    for (const gateway of [a, b]) {
      const { status, body } = await readyz(gateway);
      expect(status).toBe(200);
      expect(body).toEqual({
        status: "ready",
        checks: [
          { name: "database", state: "ok" },
          { name: "fan-out", state: "ok" },
        ],
      });
    }
  });

  it("a push to A reaches a subscriber on B, at once and once", async () => {
    const live = subscriptionCounter(b.gateway);
    const seen = subscribeOn(b);
    await live(1);

    expect((await push(a, callEvent("callin", "s-cross-1", T0))).status).toBe(200);
    await seen.waitFor(1, DELIVERY_BOUND_MS);

    // The next one arrives right after it: nothing of the first came twice in between.
    expect((await push(a, callEvent("answer", "s-cross-1", T0))).status).toBe(200);
    expect(await seen.waitFor(2, DELIVERY_BOUND_MS)).toEqual([
      { sessionId: "s-cross-1", eventType: "CALLIN" },
      { sessionId: "s-cross-1", eventType: "ANSWER" },
    ]);
    seen.unsubscribe();
    const metrics = await (await fetch(`${b.gateway.url}/metrics`)).text();
    expect(metrics).toMatch(/^privnum_fanout_degraded 0$/m);
    expect(
      Number(/^privnum_fanout_wakeups_received_total (\d+)$/m.exec(metrics)?.[1]),
    ).toBeGreaterThanOrEqual(2);
  });

  it("a signed push replayed to the other gateway is refused (nonces shared in PostgreSQL)", async () => {
    const headers = signedHeaders();
    const body = callEvent("callin", "s-replay-1", T0);
    expect((await push(a, body, headers)).status).toBe(200);
    expect((await push(b, body, headers)).status).toBe(401);
  });

  it("refusals counted on A hold the source off on B (budgets shared in Redis)", async () => {
    const source = "203.0.113.10";
    for (let i = 0; i < BUDGET; i++) {
      expect((await refusedPush(a, source, `s-refused-${i}`)).status).toBe(401);
    }
    const held = await refusedPush(b, source, "s-refused-b");
    expect(held.status).toBe(429);
    expect(Number(held.headers.get("retry-after"))).toBeGreaterThanOrEqual(1);
    // Another source still has its whole budget.
    expect((await refusedPush(b, "203.0.113.11", "s-refused-other")).status).toBe(401);
  });

  it("every topic: what A stores reaches B once, and B resumes from A's cursors missing nothing", async () => {
    const X = "+8617000000001";
    const X2 = "+8617000000002";
    const topics = {
      callEvents: `subscription($after: String) { callEvents(filter: { virtualNum: "${X}" }, after: $after) { cursor } }`,
      callSessionUpdates: `subscription($after: String) { callSessionUpdates(filter: { virtualNum: "${X}" }, after: $after) { cursor } }`,
      callRecords: `subscription($after: String) { callRecords(filter: { virtualNum: "${X}" }, after: $after) { cursor } }`,
      bindingChanges: `subscription($after: String) { bindingChanges(filter: { virtualNum: "${X}" }, after: $after) { cursor } }`,
      virtualNumberStatus: `subscription($after: String) { virtualNumberStatus(number: "${X2}", after: $after) { cursor } }`,
    };
    type Topic = keyof typeof topics;
    const names = Object.keys(topics) as Topic[];
    // What one round stores on each topic: a call on X (its event, then its CDR), a status of X2, a binding on X.
    const perRound: Record<Topic, number> = {
      callEvents: 1,
      callSessionUpdates: 2,
      callRecords: 1,
      bindingChanges: 1,
      virtualNumberStatus: 1,
    };
    const round = async (n: number, status: string) => {
      const sessionId = `s-topics-${n}`;
      expect((await push(a, callEvent("callin", sessionId, T0))).status).toBe(200);
      const fee = { eventType: "fee", feeLst: [cdr(`icid-topics-${n}`, sessionId, T0)] };
      expect((await push(a, fee)).status).toBe(200);
      const numStatus = { eventType: "numStatus", numInfo: [{ number: X2, status }] };
      expect((await push(a, numStatus)).status).toBe(200);
      const created = await a.gql(
        `mutation($a: String!) { createBinding(input: { bindNum: $a, virtualNum: "${X}" }) { __typename } }`,
        { a: `+8613800007${String(n).padStart(3, "0")}` },
      );
      expect(created.data).toEqual({ createBinding: { __typename: "CreateBindingPayload" } });
    };
    const subscribeAll = (gateway: TestGateway, after: Partial<Record<Topic, string>> = {}) =>
      Object.fromEntries(
        names.map((name) => [
          name,
          collect<{ cursor: string }>(gateway.wsClient(), topics[name], { after: after[name] }, name),
        ]),
      ) as Record<Topic, ReturnType<typeof collect<{ cursor: string }>>>;

    const liveA = subscriptionCounter(a.gateway);
    const liveB = subscriptionCounter(b.gateway);
    const onA = subscribeAll(a);
    const onB = subscribeAll(b);
    await Promise.all([liveA(names.length), liveB(names.length)]);

    await round(1, "9");
    for (const name of names) {
      // Through Redis, within the bound (the feeds' own poll is an hour).
      const got = await onB[name].waitFor(perRound[name], DELIVERY_BOUND_MS);
      expect(got.map((item) => item.cursor)).toEqual(
        (await onA[name].waitFor(perRound[name])).map((item) => item.cursor),
      );
      onB[name].unsubscribe();
    }
    // While B listens no more, A stores a second round; B resumes after A's first cursor of each topic.
    await round(2, "10");
    for (const name of names) await onA[name].waitFor(perRound[name] * 2, DELIVERY_BOUND_MS);
    const resumedOnB = subscribeAll(
      b,
      Object.fromEntries(names.map((name) => [name, onA[name].items[0]!.cursor])),
    );
    await round(3, "9");
    for (const name of names) {
      const all = await onA[name].waitFor(perRound[name] * 3, DELIVERY_BOUND_MS);
      const resumed = await resumedOnB[name].waitFor(all.length - 1, DELIVERY_BOUND_MS);
      expect(
        resumed.map((item) => item.cursor),
        name,
      ).toEqual(all.slice(1).map((item) => item.cursor));
    }
    await Promise.all([a.gateway.services.changes.catchUp(), b.gateway.services.changes.catchUp()]);
    for (const name of names) {
      // Nothing came twice on either side.
      expect(onA[name].items, name).toHaveLength(perRound[name] * 3);
      expect(resumedOnB[name].items, name).toHaveLength(perRound[name] * 3 - 1);
      onA[name].unsubscribe();
      resumedOnB[name].unsubscribe();
    }
    for (const { gateway } of [a, b]) {
      const live = () => gateway.services.feed.listenerCount() + gateway.services.changes.listenerCount();
      await until(() => live() === 0, "the subscriptions to end");
    }
  });

  it("with Redis cut: both stay ready (degraded), deliver by polling and limit refusals each on its own", async () => {
    const live = subscriptionCounter(b.gateway);
    const seen = subscribeOn(b);
    await live(1);
    await proxy.cut();
    try {
      for (const gateway of [a, b]) {
        await until(
          async () => (await readyz(gateway)).body.status === "degraded",
          "the gateway to report the fan-out degraded",
        );
        const { status, body } = await readyz(gateway);
        expect(status).toBe(200);
        expect(body.checks).toContainEqual({
          name: "fan-out",
          state: "degraded",
          detail: "Redis unreachable: polling every 0.2 s",
        });
      }
      const metrics = await (await fetch(`${a.gateway.url}/metrics`)).text();
      expect(metrics).toMatch(/^privnum_fanout_degraded 1$/m);

      expect((await push(a, callEvent("callin", "s-polled-1", T0))).status).toBe(200);
      expect(await seen.waitFor(1, 5000)).toEqual([{ sessionId: "s-polled-1", eventType: "CALLIN" }]);

      // Counted in each process meanwhile: A holds the source off after its budget, B has not seen it.
      const source = "203.0.113.20";
      for (let i = 0; i < BUDGET; i++) {
        expect((await refusedPush(a, source, `s-insured-${i}`)).status).toBe(401);
      }
      expect((await refusedPush(a, source, "s-insured-a")).status).toBe(429);
      expect((await refusedPush(b, source, "s-insured-b")).status).toBe(401);
    } finally {
      await proxy.restore();
    }
    for (const gateway of [a, b]) {
      await until(async () => (await readyz(gateway)).body.status === "ready", "the fan-out to recover");
    }
    // Redis carries the wake-ups again (the feeds are back to an hour's poll).
    expect((await push(a, callEvent("answer", "s-polled-1", T0))).status).toBe(200);
    await seen.waitFor(2, DELIVERY_BOUND_MS);
    seen.unsubscribe();
  });
});
