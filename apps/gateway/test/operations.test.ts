import { type AddressInfo, createServer, type Socket } from "node:net";
import { createYoga } from "graphql-yoga";
import { Migrator } from "kysely";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createApiKeyVerifier } from "../src/auth/api-keys.js";
import { createAuthenticator } from "../src/auth/authenticator.js";
import { migrateToLatest, openDatabase } from "../src/database/database.js";
import { migrationProvider } from "../src/database/migration-provider.js";
import { databaseReadiness } from "../src/ops/database-readiness.js";
import { createMetricsAccess } from "../src/ops/metrics-access.js";
import { createReadiness, type ReadinessCheck } from "../src/ops/readiness.js";
import { useReadinessRoute } from "../src/ops/readiness-route.js";
import { TEST_API_KEYS } from "../src/shared/config.js";
import { createProxiedPostgresDatabase, type ProxiedPostgres } from "./support/databases.js";
import { collect, startGateway, subscriptionCounter, type TestGateway, until } from "./support/gateway.js";
import { callEvent, signedHeaders } from "./support/notifications.js";
import { parsePrometheusText, type Sample, samplesOf, sampleValue } from "./support/prometheus-text.js";
import type { TcpProxy } from "./support/tcp-proxy.js";

// /healthz, /readyz and /metrics: what load balancers and Prometheus see.

const X = "+8617000000001";
const T0 = new Date("2026-06-01T10:00:00Z");
const METRICS_TOKEN = "a-metrics-token-for-the-tests-0001";
const bearer = (credential: string) => ({ authorization: `Bearer ${credential}` });

async function scrape(base: string, headers: Record<string, string> = {}): Promise<Sample[]> {
  const response = await fetch(`${base}/metrics`, { headers });
  expect(response.status).toBe(200);
  expect(response.headers.get("content-type")).toMatch(/^text\/plain; version=0\.0\.4/);
  return parsePrometheusText(await response.text());
}

describe("probes and metrics of a gateway on a loopback address", () => {
  let gw: TestGateway;
  beforeAll(async () => {
    gw = await startGateway();
  });
  afterAll(async () => {
    await gw?.stop();
  });

  it("answers /healthz 200 with a tiny body, and 405 to another method", async () => {
    const response = await fetch(`${gw.gateway.url}/healthz`);
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ status: "ok" });
    const post = await fetch(`${gw.gateway.url}/healthz`, { method: "POST" });
    expect(post.status).toBe(405);
    expect(post.headers.get("allow")).toBe("GET, HEAD");
  });

  it("answers /readyz 200 listing the database check, without credentials", async () => {
    const response = await fetch(`${gw.gateway.url}/readyz`);
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ status: "ready", checks: [{ name: "database", state: "ok" }] });
  });

  it("serves /metrics without credentials on a loopback HOST, with Node's metrics and no pool gauges for PGlite", async () => {
    const samples = await scrape(gw.gateway.url);
    expect(sampleValue(samples, "privnum_process_cpu_user_seconds_total")).toBeGreaterThan(0);
    expect(sampleValue(samples, "privnum_nodejs_heap_size_used_bytes")).toBeGreaterThan(0);
    expect(sampleValue(samples, "privnum_database_statements_total")).toBeGreaterThan(0);
    expect(samplesOf(samples, "privnum_database_pool_connections")).toEqual([]);
    expect(samples.every((sample) => sample.name.startsWith("privnum_"))).toBe(true);
  });

  it("counts a query, errors, a signed push, a duplicate, a refused push and an open subscription", async () => {
    const url = gw.gateway.url;
    const before = await scrape(url);
    const count = (samples: Sample[], name: string, labels: Record<string, string> = {}) =>
      sampleValue(samples, name, labels) ?? 0;

    const query = await fetch(gw.gateway.graphqlUrl, {
      method: "POST",
      headers: { "content-type": "application/json", ...bearer(TEST_API_KEYS.admin) },
      body: JSON.stringify({ query: "query Probe { virtualNumbers { number } }" }),
    });
    expect(query.status).toBe(200);
    expect(await query.json()).toEqual({ data: { virtualNumbers: expect.any(Array) } });
    const forbidden = await gw.gql(
      `mutation Forbidden { createBinding(input: { bindNum: "+8613800000777", virtualNum: "${X}" }) { __typename } }`,
      {},
      "viewer",
    );
    expect(forbidden.errors?.[0]?.extensions?.code).toBe("FORBIDDEN");
    const broken = await gw.gql("query Broken { virtualNumbers {", {}, "admin");
    expect(broken.errors).toHaveLength(1);

    const client = gw.wsClient("admin");
    const subscribed = subscriptionCounter(gw.gateway);
    const live = collect<{ eventType: string }>(
      client,
      "subscription Live($filter: CallEventFilter) { callEvents(filter: $filter) { eventType } }",
      { filter: { virtualNum: X } },
      "callEvents",
    );
    await subscribed(1);

    const body = JSON.stringify(callEvent("callin", "s-metrics", T0));
    const push = (headers: Record<string, string>) =>
      fetch(`${url}/notify`, { method: "POST", headers, body }).then(async (r) => {
        await r.arrayBuffer();
        return r.status;
      });
    expect(await push(signedHeaders())).toBe(200);
    expect(await push(signedHeaders())).toBe(200);
    expect(await push(signedHeaders({ appSecret: "not-the-secret" }))).toBe(401);
    // In-process (yoga.fetch) refusals count the same as over HTTP.
    const notJson = await gw.gateway.yoga.fetch("http://gateway.test/notify/", {
      method: "POST",
      headers: signedHeaders(),
      body: "not json",
    });
    expect(notJson.status).toBe(400);
    await live.waitFor(1);

    const after = await scrape(url);
    const delta = (name: string, labels: Record<string, string> = {}) =>
      count(after, name, labels) - count(before, name, labels);

    expect(
      delta("privnum_graphql_operation_duration_seconds_count", {
        operation_type: "query",
        operation_name: "Probe",
      }),
    ).toBe(1);
    expect(
      delta("privnum_graphql_operation_duration_seconds_count", {
        operation_type: "subscription",
        operation_name: "Live",
      }),
    ).toBe(1);
    expect(delta("privnum_graphql_errors_total", { code: "FORBIDDEN" })).toBe(1);
    expect(delta("privnum_graphql_errors_total", { code: "GRAPHQL_PARSE_FAILED" })).toBe(1);

    const verdicts = (labels: Record<string, string>) => delta("privnum_notify_verdicts_total", labels);
    expect(verdicts({ verdict: "accepted", reason: "stored", status: "200" })).toBe(1);
    expect(verdicts({ verdict: "duplicate", reason: "already_stored", status: "200" })).toBe(1);
    expect(verdicts({ verdict: "rejected", reason: "signature", status: "401" })).toBe(1);
    expect(verdicts({ verdict: "rejected", reason: "content", status: "400" })).toBe(1);
    expect(delta("privnum_notify_duplicate_items_total")).toBe(1);
    expect(
      delta("privnum_http_request_duration_seconds_count", {
        method: "POST",
        route: "notify",
        status_class: "2xx",
      }),
    ).toBe(2);
    expect(
      delta("privnum_http_request_duration_seconds_count", {
        method: "POST",
        route: "notify",
        status_class: "4xx",
      }),
    ).toBe(1);
    expect(
      delta("privnum_http_request_duration_seconds_count", {
        method: "POST",
        route: "graphql",
        status_class: "2xx",
      }),
    ).toBe(1);
    // The one accepted event reached the one subscriber; the duplicate carried none.
    expect(delta("privnum_call_event_delivery_lag_seconds_count")).toBe(1);
    expect(count(after, "privnum_websocket_connections")).toBe(1);
    expect(count(after, "privnum_websocket_subscriptions")).toBe(1);
    expect(delta("privnum_database_statements_total")).toBeGreaterThan(0);

    live.unsubscribe();
    await until(
      async () => count(await scrape(url), "privnum_websocket_subscriptions") === 0,
      "no subscription",
    );
    const ended = await scrape(url);
    expect(count(ended, "privnum_websocket_connections")).toBe(1);
  });

  it("keeps label values bounded when clients send 1,000 different paths and operation names", async () => {
    const url = gw.gateway.url;
    for (let batch = 0; batch < 20; batch++) {
      await Promise.all(
        Array.from({ length: 50 }, async (_, i) => {
          const n = batch * 50 + i;
          await (await fetch(`${url}/probe-${n}/x?n=${n}`)).arrayBuffer();
          const result = await gw.gql(`query Name${n} { __typename }`);
          expect(result.errors).toBeUndefined();
        }),
      );
    }
    const samples = await scrape(url);
    const routes = new Set(
      samplesOf(samples, "privnum_http_request_duration_seconds_count").map((s) => s.labels.route),
    );
    for (const route of routes) {
      expect(["graphql", "notify", "healthz", "readyz", "metrics", "health", "other"]).toContain(route);
    }
    expect(
      sampleValue(samples, "privnum_http_request_duration_seconds_count", {
        method: "GET",
        route: "other",
        status_class: "4xx",
      }),
    ).toBe(1000);
    const names = samplesOf(samples, "privnum_graphql_operation_duration_seconds_count", {
      operation_type: "query",
    });
    expect(names.length).toBeLessThanOrEqual(101);
    const other = sampleValue(samples, "privnum_graphql_operation_duration_seconds_count", {
      operation_type: "query",
      operation_name: "(other)",
    });
    const kept = names.filter((s) => s.labels.operation_name!.startsWith("Name")).length;
    // Earlier tests used a few names; of the 1,000 new ones, those past the bound count as (other).
    expect(kept + (other ?? 0)).toBe(1000);
    expect(other).toBeGreaterThanOrEqual(900);
  });
});

describe("access to /metrics off a loopback address", () => {
  let gw: TestGateway;
  let base: string;
  beforeAll(async () => {
    gw = await startGateway({ host: "0.0.0.0", metricsToken: METRICS_TOKEN });
    base = `http://127.0.0.1:${new URL(gw.gateway.url).port}`;
  });
  afterAll(async () => {
    await gw?.stop();
  });

  const status = async (headers: Record<string, string>) => {
    const response = await fetch(`${base}/metrics`, { headers });
    return {
      status: response.status,
      challenge: response.headers.get("www-authenticate"),
      body: await response.text(),
    };
  };

  it("answers 401 without credentials or with unknown ones", async () => {
    const none = await status({});
    expect(none.status).toBe(401);
    expect(none.challenge).toBe('Bearer realm="privnum"');
    expect(JSON.parse(none.body).error).toMatch(/METRICS_TOKEN/);
    expect((await status(bearer(`${METRICS_TOKEN}x`))).status).toBe(401);
    expect((await status({ authorization: METRICS_TOKEN })).status).toBe(401);
  });

  it("answers 403 to a viewer's and an operator's key", async () => {
    const viewer = await status(bearer(TEST_API_KEYS.viewer));
    expect(viewer.status).toBe(403);
    expect(JSON.parse(viewer.body).error).toMatch(/viewer role may not read \/metrics/);
    expect((await status(bearer(TEST_API_KEYS.operator))).status).toBe(403);
  });

  it("serves METRICS_TOKEN and an admin's key", async () => {
    expect(await scrape(base, bearer(METRICS_TOKEN))).not.toHaveLength(0);
    expect(await scrape(base, bearer(TEST_API_KEYS.admin))).not.toHaveLength(0);
  });

  it("keeps /healthz and /readyz open to load balancers", async () => {
    expect((await fetch(`${base}/healthz`)).status).toBe(200);
    expect((await fetch(`${base}/readyz`)).status).toBe(200);
  });
});

describe("the access decision of /metrics", () => {
  const authenticator = createAuthenticator({
    apiKeys: createApiKeyVerifier(
      (["viewer", "operator", "admin"] as const).map((role) => ({
        name: role,
        key: TEST_API_KEYS[role],
        role,
      })),
    ),
  });

  it("is open on every loopback host, whatever is sent", async () => {
    for (const host of ["127.0.0.1", "localhost", "::1", "[::1]"]) {
      const access = createMetricsAccess({ host, metricsToken: undefined, authenticator });
      expect(await access(null)).toEqual({ allowed: true });
    }
  });

  it("takes no token at all when METRICS_TOKEN is unset, only an admin's credentials", async () => {
    const access = createMetricsAccess({ host: "10.0.0.5", metricsToken: undefined, authenticator });
    expect(await access("Bearer undefined")).toMatchObject({ allowed: false, status: 401 });
    expect(await access("Bearer ")).toMatchObject({ allowed: false, status: 401 });
    expect(await access(`Bearer ${TEST_API_KEYS.admin}`)).toEqual({ allowed: true });
    expect(await access(`Bearer ${TEST_API_KEYS.operator}`)).toMatchObject({ allowed: false, status: 403 });
  });
});

describe("readiness", () => {
  const never = (): Promise<never> => new Promise(() => {});

  it("is 503 when a critical check fails, degraded (200) when only an optional one does", async () => {
    const check = (name: string, severity: ReadinessCheck["severity"], run: ReadinessCheck["run"]) => ({
      name,
      severity,
      run,
    });
    const failing = async () => {
      throw new Error("down");
    };
    const serve = async (checks: ReadinessCheck[]) => {
      const yoga = createYoga({ plugins: [useReadinessRoute(createReadiness({ checks, timeoutMs: 200 }))] });
      const response = await yoga.fetch("http://gateway.test/readyz");
      return {
        status: response.status,
        retryAfter: response.headers.get("retry-after"),
        body: await response.json(),
      };
    };
    const degraded = await serve([
      check("database", "critical", async () => ({ state: "ok" })),
      check("broker", "optional", failing),
      check("recordings-disk", "optional", never),
    ]);
    expect(degraded.status).toBe(200);
    expect(degraded.body).toEqual({
      status: "degraded",
      checks: [
        { name: "database", state: "ok" },
        { name: "broker", state: "degraded", detail: "the check failed" },
        { name: "recordings-disk", state: "degraded", detail: "no answer within 200 ms" },
      ],
    });
    const unready = await serve([check("database", "critical", never), check("broker", "optional", failing)]);
    expect(unready.status).toBe(503);
    expect(unready.retryAfter).toBe("5");
    expect(unready.body).toEqual({
      status: "unready",
      checks: [
        { name: "database", state: "unready", detail: "no answer within 200 ms" },
        { name: "broker", state: "degraded", detail: "the check failed" },
      ],
    });
  });

  it("joins a check in flight instead of piling up, and starts a fresh one once it timed out", async () => {
    let runs = 0;
    const readiness = createReadiness({
      timeoutMs: 300,
      checks: [
        {
          name: "database",
          severity: "critical",
          run: () => {
            runs += 1;
            return never();
          },
        },
      ],
    });
    const [first, second] = await Promise.all([readiness.report(), readiness.report()]);
    expect(runs).toBe(1);
    expect(first.status).toBe("unready");
    expect(second.status).toBe("unready");
    await readiness.report();
    expect(runs).toBe(2);
  });

  it("finds a database migrated one step short, or closed, unready", async () => {
    const handle = await openDatabase({ kind: "pglite", dataDir: "memory://" });
    try {
      const names = Object.keys(await migrationProvider.getMigrations());
      const migrator = new Migrator({ db: handle.db, provider: migrationProvider });
      const short = await migrator.migrateTo(names.at(-2)!);
      expect(short.error).toBeUndefined();
      const check = databaseReadiness(handle.db);
      expect(await check.run()).toEqual({ state: "unready", detail: "1 migration pending" });
      expect((await migrateToLatest(handle.db)).ok).toBe(true);
      expect(await check.run()).toEqual({ state: "ok" });
    } finally {
      await handle.close();
    }
    expect(await databaseReadiness(handle.db).run()).toEqual({ state: "unready", detail: "unreachable" });
  });

  it("answers within its timeout when the database accepts connections and never answers", async () => {
    // A silent peer: it takes the TCP connection and never says a word, as a stalled link does.
    const held = new Set<Socket>();
    const silent = createServer((socket) => held.add(socket));
    await new Promise<void>((resolve) => silent.listen(0, "127.0.0.1", resolve));
    const { port } = silent.address() as AddressInfo;
    const handle = await openDatabase(
      { kind: "postgres", url: `postgres://postgres@127.0.0.1:${port}/privnum` },
      { connectionTimeoutMillis: 60_000 },
    );
    try {
      const readiness = createReadiness({ checks: [databaseReadiness(handle.db)], timeoutMs: 500 });
      expect(await readiness.report()).toEqual({
        status: "unready",
        checks: [{ name: "database", state: "unready", detail: "no answer within 500 ms" }],
      });
    } finally {
      for (const socket of held) socket.destroy();
      await handle.close();
      await new Promise<void>((resolve) => silent.close(() => resolve()));
    }
  });

  it("finds a database that was never migrated unready", async () => {
    const handle = await openDatabase({ kind: "pglite", dataDir: "memory://" });
    try {
      const pending = Object.keys(await migrationProvider.getMigrations()).length;
      expect(await databaseReadiness(handle.db).run()).toEqual({
        state: "unready",
        detail: `${pending} migrations pending`,
      });
    } finally {
      await handle.close();
    }
  });
});

describe("readiness and pool metrics on PostgreSQL behind a proxy", () => {
  let postgres: ProxiedPostgres;
  let proxy: TcpProxy;
  let gw: TestGateway;
  beforeAll(async () => {
    postgres = await createProxiedPostgresDatabase();
    proxy = postgres.proxy;
    gw = await startGateway({ database: postgres.config });
  });
  afterAll(async () => {
    await gw?.stop();
    await postgres?.close();
  });

  const ready = async () => {
    const response = await fetch(`${gw.gateway.url}/readyz`);
    return { status: response.status, body: (await response.json()) as unknown };
  };

  it("reports the pool", async () => {
    const samples = await scrape(gw.gateway.url);
    expect(sampleValue(samples, "privnum_database_pool_connections")).toBeGreaterThanOrEqual(1);
    expect(sampleValue(samples, "privnum_database_pool_idle_connections")).toBeGreaterThanOrEqual(0);
    expect(sampleValue(samples, "privnum_database_pool_waiting_requests")).toBe(0);
  });

  it("is unready while the database is cut off and ready again once it is back; /healthz stays 200", async () => {
    expect(await ready()).toEqual({
      status: 200,
      body: { status: "ready", checks: [{ name: "database", state: "ok" }] },
    });
    await proxy.cut();
    try {
      const cut = await ready();
      expect(cut.status).toBe(503);
      expect(cut.body).toEqual({
        status: "unready",
        checks: [{ name: "database", state: "unready", detail: "unreachable" }],
      });
      expect((await fetch(`${gw.gateway.url}/healthz`)).status).toBe(200);
    } finally {
      await proxy.restore();
    }
    await until(async () => (await ready()).status === 200, "ready again", 20_000);
  });

  it("is unready when a migration of this gateway is not applied", async () => {
    const admin = new pg.Client(postgres.url);
    await admin.connect();
    try {
      const names = Object.keys(await migrationProvider.getMigrations());
      await admin.query("delete from kysely_migration where name = $1", [names.at(-1)]);
      expect(await ready()).toEqual({
        status: 503,
        body: {
          status: "unready",
          checks: [{ name: "database", state: "unready", detail: "1 migration pending" }],
        },
      });
    } finally {
      await admin.end();
    }
  });
});
