import { request } from "node:http";
import { RateLimiterMemory } from "rate-limiter-flexible";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { createClientAddressResolver } from "../src/http/client-address.js";
import { createRefusalLimiter } from "../src/ingest/refusal-limiter.js";
import { DEFAULT_LIMITS } from "../src/shared/config.js";
import { captureLog } from "./support/captured-log.js";
import { startGateway, type TestGateway } from "./support/gateway.js";
import { callEvent, signedHeaders } from "./support/notifications.js";
import { rawExchange } from "./support/raw-http.js";

const T0 = new Date("2026-06-01T10:00:00Z");
const BUDGET = 20;

interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

/** POST `body` to the gateway over a fresh connection from `localAddress` (any of 127.0.0.0/8 on Linux). */
function post(
  url: string,
  body: unknown,
  options: { path?: string; headers?: Record<string, string>; from?: string } = {},
): Promise<Answer> {
  const { hostname, port } = new URL(url);
  const raw = Buffer.from(typeof body === "string" ? body : JSON.stringify(body));
  return new Promise((resolve, reject) => {
    const outgoing = request(
      {
        host: hostname,
        port: Number(port),
        path: options.path ?? "/notify",
        method: "POST",
        agent: false,
        localAddress: options.from ?? "127.0.0.1",
        headers: { "content-type": "application/json", "content-length": raw.byteLength, ...options.headers },
      },
      (response) => {
        const chunks: Buffer[] = [];
        response.on("data", (chunk: Buffer) => chunks.push(chunk));
        response.on("end", () =>
          resolve({
            status: response.statusCode ?? 0,
            headers: response.headers,
            body: Buffer.concat(chunks).toString(),
          }),
        );
      },
    );
    outgoing.on("error", reject);
    outgoing.end(raw);
  });
}

describe("the client address: the peer, or what a trusted proxy names", () => {
  it("without trusted proxies, X-Forwarded-For is never read", () => {
    const resolve = createClientAddressResolver([]);
    expect(resolve("10.0.0.1", "203.0.113.9")).toBe("10.0.0.1");
    expect(resolve("::ffff:10.0.0.1", null)).toBe("10.0.0.1");
    expect(resolve(undefined, "203.0.113.9")).toBeNull();
  });

  it("from a trusted proxy, the right-most address that is not itself a trusted proxy", () => {
    const resolve = createClientAddressResolver(["10.0.0.0/8", "2001:db8::/32", "192.0.2.1"]);
    expect(resolve("10.1.2.3", "198.51.100.7, 203.0.113.9")).toBe("203.0.113.9");
    expect(resolve("10.1.2.3", "198.51.100.7, 203.0.113.9, 192.0.2.1, 10.9.9.9")).toBe("203.0.113.9");
    expect(resolve("2001:db8::1", "2001:db8::2, 2001:db9::7")).toBe("2001:db9::7");
    expect(resolve("::ffff:10.1.2.3", "::ffff:203.0.113.9")).toBe("203.0.113.9");
    // Not from a trusted proxy: the header is the client's own word.
    expect(resolve("198.51.100.1", "203.0.113.9")).toBe("198.51.100.1");
    // A malformed hop stops the walk at the last trusted one; a chain of trusted hops ends at its left end.
    expect(resolve("10.1.2.3", "203.0.113.9, not-an-ip")).toBe("10.1.2.3");
    expect(resolve("10.1.2.3", "10.2.2.2, 10.3.3.3")).toBe("10.2.2.2");
    expect(resolve("10.1.2.3", null)).toBe("10.1.2.3");
  });
});

describe("the refusal limiter", () => {
  it("blocks a source once its budget is used, for the rest of the window, and no other source", async () => {
    const limiter = createRefusalLimiter({ refusals: 3, windowSeconds: 60 });
    for (let i = 0; i < 3; i++) {
      expect(await limiter.blockedForMs("a")).toBe(0);
      await limiter.recordRefusal("a");
    }
    const blocked = await limiter.blockedForMs("a");
    expect(blocked).toBeGreaterThan(0);
    expect(blocked).toBeLessThanOrEqual(60_000);
    expect(await limiter.blockedForMs("b")).toBe(0);
  });

  it("with a shared store, asks it once per source and second, sees its own refusals at once and another instance's within the second", async () => {
    const shared = new RateLimiterMemory({ keyPrefix: "shared", points: 2, duration: 60 });
    const asked = vi.spyOn(shared, "get");
    let clock = 1_000_000;
    const now = () => clock;
    const here = createRefusalLimiter({ refusals: 2, store: shared, now });
    const there = createRefusalLimiter({ refusals: 2, store: shared, now });

    expect(await here.blockedForMs("a")).toBe(0);
    expect(await here.blockedForMs("a")).toBe(0);
    expect(asked).toHaveBeenCalledTimes(1);

    // Another instance uses the whole budget: this one still answers from what it was told…
    await there.recordRefusal("a");
    await there.recordRefusal("a");
    expect(await there.blockedForMs("a")).toBeGreaterThan(0);
    clock += 999;
    expect(await here.blockedForMs("a")).toBe(0);
    // …until the second is over.
    clock += 1;
    expect(await here.blockedForMs("a")).toBeGreaterThan(0);

    // A refusal counted here is seen at once.
    expect(await here.blockedForMs("b")).toBe(0);
    await here.recordRefusal("b");
    await here.recordRefusal("b");
    expect(await here.blockedForMs("b")).toBeGreaterThan(0);
  });
});

describe("refused pushes on /notify: metadata only, a budget per source address", () => {
  let gw: TestGateway;
  beforeAll(async () => {
    gw = await startGateway({
      limits: {
        ...DEFAULT_LIMITS,
        notify: { ...DEFAULT_LIMITS.notify, refusalsPerMinute: BUDGET, trustedProxies: ["127.0.0.1"] },
      },
    });
  });
  afterAll(async () => {
    await gw?.stop();
  });
  const url = () => gw.gateway.url;
  const db = () => gw.gateway.services.db;
  const rowsFrom = (source: string) =>
    db()
      .selectFrom("received_notifications")
      .selectAll()
      .where("source_address", "=", source)
      .orderBy("id")
      .execute();

  it("a push with a wrong signature is kept without its body: path, size, verdict, source address, header names", async () => {
    const body = callEvent("callin", "s-forged", T0);
    const headers = signedHeaders({ appSecret: "not-the-secret" });
    const answer = await post(url(), body, { path: "/notify/call-events", headers, from: "127.0.0.2" });
    expect(answer.status).toBe(401);
    const rows = await rowsFrom("127.0.0.2");
    expect(rows).toHaveLength(1);
    const row = rows[0]!;
    expect(row).toMatchObject({
      path: "/notify/call-events",
      verdict: "rejected",
      http_status: 401,
      body: null,
      body_size: JSON.stringify(body).length,
      app_key: "privnum-sim-app",
      source_address: "127.0.0.2",
    });
    expect(row.header_names).toEqual(
      expect.arrayContaining(["authorization", "x-aksk", "content-type", "host"]),
    );
    // Names only: no credential header value (the signature) is kept anywhere in the row.
    const kept = JSON.stringify(row);
    for (const name of ["Authorization", "X-AKSK"]) {
      expect(headers[name]).toBeTruthy();
      expect(kept).not.toContain(headers[name]);
    }

    const listed = await gw.gql<{
      receivedNotifications: { edges: { node: Record<string, unknown> }[] };
    }>(`{ receivedNotifications(first: 1, filter: { verdicts: [REJECTED] }) {
      edges { node { path body bodySize httpStatus sourceAddress headerNames bodyPurgedAt } } } }`);
    expect(listed.data!.receivedNotifications.edges[0]!.node).toMatchObject({
      path: "/notify/call-events",
      body: null,
      httpStatus: 401,
      sourceAddress: "127.0.0.2",
      headerNames: expect.arrayContaining(["x-aksk"]),
      bodyPurgedAt: null,
    });
  });

  it("a correctly signed body that is not a notification is the platform's: kept whole, with its metadata", async () => {
    const answer = await post(url(), "not json at all", { headers: signedHeaders(), from: "127.0.0.3" });
    expect(answer.status).toBe(400);
    const rows = await rowsFrom("127.0.0.3");
    expect(rows).toHaveLength(1);
    expect(new TextDecoder().decode(rows[0]!.body!)).toBe("not json at all");
    expect(rows[0]!.header_names).toContain("x-aksk");
  });

  it("1,000 unsigned pushes from one address: the budget is kept, then 429 with Retry-After and no more rows; a signed push from another address is stored", async () => {
    const source = "127.0.0.4";
    const statuses = new Map<number, number>();
    let firstRefusal: Answer | undefined;
    for (let i = 0; i < 1000; i++) {
      const answer = await post(url(), callEvent("callin", `s-flood-${i}`, T0), { from: source });
      statuses.set(answer.status, (statuses.get(answer.status) ?? 0) + 1);
      if (answer.status === 429) firstRefusal ??= answer;
    }
    expect(Object.fromEntries(statuses)).toEqual({ 400: BUDGET, 429: 1000 - BUDGET });
    expect(Number(firstRefusal!.headers["retry-after"])).toBeGreaterThanOrEqual(1);
    expect(Number(firstRefusal!.headers["retry-after"])).toBeLessThanOrEqual(60);
    expect(JSON.parse(firstRefusal!.body)).toMatchObject({ resultcode: "1020176" });
    expect(await rowsFrom(source)).toHaveLength(BUDGET);

    // While that source is held off, the database sees nothing of it.
    const before = await rowsFrom(source);
    const held = await post(url(), callEvent("callin", "s-flood-x", T0), { from: source });
    expect(held.status).toBe(429);
    expect(await rowsFrom(source)).toEqual(before);

    // The platform's own pushes through that address (a load balancer, a NAT) are not held up by the junk.
    const platformHeaders = signedHeaders();
    const platformThroughSource = await post(url(), callEvent("callin", "s-platform-same-source", T0), {
      headers: platformHeaders,
      from: source,
    });
    expect(platformThroughSource.status).toBe(200);
    // A replay of those very headers passes the door (its signature is valid) but not the nonce check.
    const replayed = await post(url(), callEvent("callin", "s-replayed", T0), {
      headers: platformHeaders,
      from: source,
    });
    expect(replayed.status).toBe(401);

    const signed = await post(url(), callEvent("callin", "s-platform", T0), {
      headers: signedHeaders(),
      from: "127.0.0.5",
    });
    expect(signed.status).toBe(200);
    expect(
      await db().selectFrom("call_events").select("id").where("session_id", "=", "s-platform").execute(),
    ).toHaveLength(1);
  });

  it("declared lengths over 1 MiB are refused by the server, stored nowhere, and count against the budget", async () => {
    const source = "127.0.0.7";
    for (let i = 0; i < BUDGET; i++) {
      const exchange = await rawExchange({
        url: url(),
        path: "/notify",
        headers: signedHeaders(),
        bodyBytes: 2 * 1024 * 1024,
        localAddress: source,
      });
      expect(exchange.status).toBe(413);
      expect(exchange.error).toBeUndefined();
    }
    const next = await post(url(), callEvent("callin", "s-after-oversize", T0), {
      headers: signedHeaders({ appSecret: "not-the-secret" }),
      from: source,
    });
    expect(next.status).toBe(429);
    expect(await rowsFrom(source)).toEqual([]);
  });

  it("X-Forwarded-For names the client only when the peer is a trusted proxy", async () => {
    // 127.0.0.1 is trusted: the client is the right-most untrusted address of the chain.
    const viaProxy = await post(url(), callEvent("callin", "s-xff-1", T0), {
      headers: { "x-forwarded-for": "198.51.100.7, 203.0.113.9" },
      from: "127.0.0.1",
    });
    expect(viaProxy.status).toBe(400);
    expect(await rowsFrom("203.0.113.9")).toHaveLength(1);

    // 127.0.0.6 is not: the header is ignored and the peer is the client.
    const direct = await post(url(), callEvent("callin", "s-xff-2", T0), {
      headers: { "x-forwarded-for": "203.0.113.10" },
      from: "127.0.0.6",
    });
    expect(direct.status).toBe(400);
    expect(await rowsFrom("203.0.113.10")).toHaveLength(0);
    expect(await rowsFrom("127.0.0.6")).toHaveLength(1);

    // Behind the trusted proxy, each client has its own budget.
    for (let i = 1; i < BUDGET; i++) {
      await post(url(), callEvent("callin", `s-xff-flood-${i}`, T0), {
        headers: { "x-forwarded-for": "203.0.113.9" },
      });
    }
    const spent = await post(url(), callEvent("callin", "s-xff-3", T0), {
      headers: { "x-forwarded-for": "203.0.113.9" },
    });
    expect(spent.status).toBe(429);
    const other = await post(url(), callEvent("callin", "s-xff-4", T0), {
      headers: { "x-forwarded-for": "203.0.113.11" },
    });
    expect(other.status).toBe(400);
    // A client cannot spoof its way out through an untrusted peer either: its own address is counted.
    const spoofed = await post(url(), callEvent("callin", "s-xff-5", T0), {
      headers: { "x-forwarded-for": "203.0.113.12" },
      from: "127.0.0.4",
    });
    expect(spoofed.status).toBe(429);
  });
});

describe("the log of refused pushes", () => {
  it("samples them: 200 forged pushes write 10 lines, then one count when the gateway stops", async () => {
    const { logger, lines } = captureLog();
    const gw = await startGateway(
      {
        limits: { ...DEFAULT_LIMITS, notify: { ...DEFAULT_LIMITS.notify, refusalsPerMinute: 1000 } },
      },
      { logger },
    );
    try {
      for (let i = 0; i < 200; i++) {
        const answer = await post(gw.gateway.url, callEvent("callin", `s-forged-${i}`, T0), {
          from: "127.0.0.8",
        });
        expect(answer.status).toBe(400);
      }
    } finally {
      await gw.stop();
    }
    expect(lines.filter((line) => line.msg === "notification refused: signature")).toHaveLength(10);
    expect(lines).toContainEqual(
      expect.objectContaining({ kind: "notify-refused:authorization-missing", suppressed: 190 }),
    );
  });
});
