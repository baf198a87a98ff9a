// Cluster mode (WORKERS=2) as a service: the built dist/main.mjs in a child process on a fresh PostgreSQL
// database and the machine's Redis. Requests go over fresh TCP connections, so that node:cluster hands them to
// both workers (each answer names its worker in `x-privnum-worker`): pushes taken by both are stored once, in
// one gap-free stream order, and reach subscribers on both workers in that order; a binding created through
// either worker (on the primary's embedded simulator) reaches every bindingChanges subscriber.

import { mkdtempSync, rmSync } from "node:fs";
import { request } from "node:http";
import { createServer, type Server } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createClient } from "graphql-ws";
import pg from "pg";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import WebSocket from "ws";
import { MAX_WORKER_DEATHS } from "../src/process/cluster-primary.js";
import { TEST_API_KEYS } from "../src/shared/config.js";
import {
  createPostgresDatabase,
  createProxiedPostgresDatabase,
  type TestDatabase,
} from "./support/databases.js";
import { collect } from "./support/gateway.js";
import {
  BUILT_MAIN,
  type GatewayProcess,
  processGroupMembers,
  spawnBuiltGateway,
  spawnGateway,
} from "./support/gateway-process.js";
import { callEvent, signedHeaders } from "./support/notifications.js";
import { TEST_REDIS_URL, testRedisPrefix } from "./support/redis.js";

const PROCESS_TIMEOUT = 120_000;
const BANNER = "privnum gateway listening on";
const ADMIN = `Bearer ${TEST_API_KEYS.admin}`;
const T0 = new Date("2026-06-01T10:00:00Z");
const X1 = "+8617000000001";

let database: TestDatabase;
const dataDirs: string[] = [];
const children: GatewayProcess[] = [];

function newDataDir(): string {
  const dir = mkdtempSync(join(tmpdir(), "privnum-cluster-process-"));
  dataDirs.push(dir);
  return dir;
}

function track(child: GatewayProcess): GatewayProcess {
  children.push(child);
  return child;
}

beforeAll(async () => {
  database = await createPostgresDatabase();
});

/** Kill `child` and, when it is a detached cluster, every process of its group; resolves once it exited. */
async function killAll(child: GatewayProcess): Promise<void> {
  if (child.child.exitCode === null && child.child.signalCode === null) {
    for (const pid of processGroupMembers(child.child.pid!)) process.kill(pid, "SIGKILL");
    child.child.kill("SIGKILL");
  }
  await child.exited;
}

afterEach(async () => {
  for (const child of children.splice(0)) await killAll(child);
});

afterAll(async () => {
  await database?.drop();
  for (const dir of dataDirs) rmSync(dir, { recursive: true, force: true });
});

function clusterEnv(extra: Record<string, string> = {}): Record<string, string> {
  if (database.config.kind !== "postgres") throw new Error("expected PostgreSQL");
  return {
    WORKERS: "2",
    DATA_DIR: newDataDir(),
    DATABASE_URL: database.config.url,
    REDIS_URL: TEST_REDIS_URL,
    REDIS_KEY_PREFIX: testRedisPrefix(),
    PORT: "0",
    SIMULATOR_PORT: "0",
    LOG_LEVEL: "warn",
    GATEWAY_API_KEYS: `admin=${TEST_API_KEYS.admin}:admin`,
    ...extra,
  };
}

/** The built gateway as its own process group (so that the test can signal it, and find its workers). */
function spawnCluster(extra: Record<string, string> = {}): GatewayProcess {
  return spawnGateway(process.execPath, [BUILT_MAIN], clusterEnv(extra), { detached: true });
}

function bannerUrl(stdout: string): string {
  const url = /privnum gateway listening on (http:\/\/\S+)/.exec(stdout)?.[1];
  if (!url) throw new Error(`no banner in:\n${stdout}`);
  return url;
}

interface Answer {
  status: number;
  worker: string;
  body: string;
}

/** One request on a TCP connection of its own (no keep-alive pool), so that either worker may take it. */
function send(
  url: string,
  options: { method?: string; headers?: Record<string, string>; body?: string } = {},
) {
  return new Promise<Answer>((resolve, reject) => {
    const req = request(
      url,
      { method: options.method ?? "GET", headers: options.headers ?? {}, agent: false },
      (response) => {
        let body = "";
        response.setEncoding("utf8").on("data", (chunk: string) => {
          body += chunk;
        });
        response.on("end", () =>
          resolve({
            status: response.statusCode ?? 0,
            worker: String(response.headers["x-privnum-worker"]),
            body,
          }),
        );
      },
    );
    req.once("error", reject);
    req.setTimeout(5000, () => req.destroy(new Error(`no answer from ${url} within 5 s`)));
    req.end(options.body);
  });
}

function push(url: string, body: unknown): Promise<Answer> {
  return send(`${url}/notify`, { method: "POST", headers: signedHeaders(), body: JSON.stringify(body) });
}

function graphql(url: string, query: string, variables: Record<string, unknown> = {}): Promise<Answer> {
  return send(`${url}/graphql`, {
    method: "POST",
    headers: { "content-type": "application/json", authorization: ADMIN },
    body: JSON.stringify({ query, variables }),
  });
}

/** Open subscriptions per worker, read from /metrics answers until every one of `workers` has answered. */
async function subscriptionsPerWorker(url: string, workers: number): Promise<Map<string, number>> {
  const seen = new Map<string, number>();
  for (let attempt = 0; attempt < 50 && seen.size < workers; attempt++) {
    const answer = await send(`${url}/metrics`);
    const open = /^privnum_websocket_subscriptions (\d+)$/m.exec(answer.body)?.[1];
    seen.set(answer.worker, Number(open));
  }
  return seen;
}

async function until(condition: () => Promise<boolean>, what: string, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

describe("WORKERS=2 on PostgreSQL and Redis", () => {
  let cluster: GatewayProcess;
  let url: string;

  beforeAll(async () => {
    cluster = spawnCluster();
    await cluster.waitForOutput("Fan-out:");
    url = bannerUrl(cluster.stdout());
  }, PROCESS_TIMEOUT);

  // The last test stops it; this only cleans up after a failure. (Shared by the tests: not tracked.)
  afterAll(() => killAll(cluster));

  it(
    "prints one banner saying 2 workers, and both workers serve the one port",
    async () => {
      const out = cluster.stdout();
      expect(out.split(BANNER).length - 1).toBe(1);
      expect(out).toMatch(/^workers: 2 /m);
      expect(out).toMatch(/Simulator: +http:\/\/127\.0\.0\.1:\d+ \(embedded/);
      expect(out).toContain("Fan-out:    Redis");
      const workers = new Set<string>();
      for (let i = 0; i < 20 && workers.size < 2; i++) {
        const answer = await send(`${url}/healthz`);
        expect(answer.status).toBe(200);
        workers.add(answer.worker);
      }
      expect([...workers].sort()).toEqual(["1", "2"]);
      // Two gateway instances on the database: one per worker, none in the primary.
      const client = new pg.Client(database.config.kind === "postgres" ? database.config.url : "");
      await client.connect();
      try {
        const { rows } = await client.query<{ count: string }>(
          `select count(distinct application_name) as count from pg_stat_activity
            where datname = current_database() and application_name like 'privnum-gateway:%'`,
        );
        expect(Number(rows[0]?.count)).toBe(2);
      } finally {
        await client.end();
      }
    },
    PROCESS_TIMEOUT,
  );

  it(
    "pushes taken by both workers are stored once, in a gap-free stream, and reach subscribers on both in that order",
    async () => {
      const clients = Array.from({ length: 4 }, () =>
        createClient({
          url: `${url.replace(/^http/, "ws")}/graphql`,
          webSocketImpl: WebSocket,
          retryAttempts: 0,
          connectionParams: { authorization: ADMIN },
        }),
      );
      try {
        const events = clients.map((client) =>
          collect<{ sessionId: string; cursor: string }>(
            client,
            "subscription { callEvents { sessionId cursor } }",
            {},
            "callEvents",
          ),
        );
        const changes = clients.map((client) =>
          collect<{ kind: string; binding: { subscriptionId: string }; cursor: string }>(
            client,
            `subscription { bindingChanges(filter: { virtualNum: "${X1}" }) { kind binding { subscriptionId } cursor } }`,
            {},
            "bindingChanges",
          ),
        );
        // Both workers hold subscribers: the deliveries below cross between them.
        await until(async () => {
          const open = await subscriptionsPerWorker(url, 2);
          return (
            open.size === 2 &&
            [...open.values()].every((n) => n >= 2) &&
            [...open.values()].reduce((a, b) => a + b, 0) === 8
          );
        }, "8 subscriptions open across both workers");

        const COUNT = 60;
        const takenBy = new Map<string, number>();
        for (let batch = 0; batch < COUNT; batch += 10) {
          const answers = await Promise.all(
            Array.from({ length: 10 }, (_, i) =>
              push(url, callEvent("callin", `s-cluster-${batch + i}`, T0)),
            ),
          );
          for (const answer of answers) {
            expect(answer.status).toBe(200);
            takenBy.set(answer.worker, (takenBy.get(answer.worker) ?? 0) + 1);
          }
        }
        expect(takenBy.size).toBe(2);

        // Bindings created through both workers, on the primary's simulator.
        const created: string[] = [];
        const createdBy = new Set<string>();
        for (let i = 0; i < 6; i++) {
          const answer = await graphql(
            url,
            `mutation($a: String!) { createBinding(input: { bindNum: $a, virtualNum: "${X1}" }) { ... on CreateBindingPayload { binding { subscriptionId } } } }`,
            { a: `+86138000071${String(i).padStart(2, "0")}` },
          );
          const parsed = JSON.parse(answer.body) as {
            data?: { createBinding: { binding: { subscriptionId: string } } };
            errors?: unknown;
          };
          expect(parsed.errors).toBeUndefined();
          created.push(parsed.data!.createBinding.binding.subscriptionId);
          createdBy.add(answer.worker);
        }
        expect(createdBy.size).toBe(2);

        // Stored once each; the stream positions (one sequence for the call events and the changes, drawn in
        // commit order) strictly increasing and without gaps.
        const client = new pg.Client(database.config.kind === "postgres" ? database.config.url : "");
        await client.connect();
        let stream: { seq: number; sessionId: string }[];
        let positions: number[];
        try {
          const events = await client.query<{ stream_seq: string; session_id: string }>(
            `select stream_seq, session_id from call_events where session_id like 's-cluster-%' order by stream_seq`,
          );
          stream = events.rows.map((row) => ({ seq: Number(row.stream_seq), sessionId: row.session_id }));
          const all = await client.query<{ seq: string }>(
            `select seq from (select stream_seq as seq from call_events union all
                              select position as seq from stream_changes) s order by seq`,
          );
          positions = all.rows.map((row) => Number(row.seq));
        } finally {
          await client.end();
        }
        expect(stream).toHaveLength(COUNT);
        expect(new Set(stream.map((row) => row.sessionId)).size).toBe(COUNT);
        expect(positions).toEqual(positions.map((_, i) => positions[0]! + i));

        const order = stream.map((row) => row.sessionId);
        for (const subscriber of events) {
          const got = await subscriber.waitFor(COUNT, 20_000);
          expect(got.map((event) => event.sessionId)).toEqual(order);
          await new Promise((resolve) => setTimeout(resolve, 200));
          expect(subscriber.items).toHaveLength(COUNT); // nothing twice
        }
        const changeOrder = (await changes[0]!.waitFor(created.length, 20_000)).map((c) => c.cursor);
        expect(new Set(changeOrder).size).toBe(created.length);
        for (const subscriber of changes) {
          const got = await subscriber.waitFor(created.length, 20_000);
          expect(got.map((c) => c.cursor)).toEqual(changeOrder);
          expect(got.map((c) => c.kind)).toEqual(created.map(() => "CREATED"));
          expect(got.map((c) => c.binding.subscriptionId)).toEqual(created);
        }
      } finally {
        await Promise.all(clients.map((client) => client.dispose()));
      }
    },
    PROCESS_TIMEOUT,
  );

  it(
    "the primary's embedded simulator pushes a simulated call to the workers, stored in order",
    async () => {
      // A calls X back: a binding of A on X first, made through a worker on the primary's simulator.
      const caller = "+8613900000077";
      const bound = await graphql(
        url,
        `mutation($a: String!) { createBinding(input: { bindNum: $a, virtualNum: "${X1}" }) { __typename } }`,
        { a: caller },
      );
      expect(JSON.parse(bound.body)).toEqual({
        data: { createBinding: { __typename: "CreateBindingPayload" } },
      });
      const simulatorUrl = /Simulator: +(http:\/\/\S+)/.exec(cluster.stdout())?.[1];
      const call = await fetch(`${simulatorUrl}/simulator/calls`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({
          caller,
          virtualNum: X1,
          outcome: "answered",
          talkSeconds: 1,
          ringSeconds: 1,
        }),
      });
      expect(call.status).toBe(200);
      const { sessionId, notifications } = (await call.json()) as {
        sessionId: string;
        notifications: { eventType: string }[];
      };
      const expected = notifications.map((n) => n.eventType);
      expect(expected.length).toBeGreaterThan(1);
      const client = new pg.Client(database.config.kind === "postgres" ? database.config.url : "");
      await client.connect();
      try {
        const stored = async () =>
          (
            await client.query<{ event_type: string }>(
              "select event_type from call_events where session_id = $1 order by stream_seq",
              [sessionId],
            )
          ).rows.map((row) => row.event_type);
        await until(async () => (await stored()).length >= expected.length, "the simulated call's events");
        expect(await stored()).toEqual(expected);
      } finally {
        await client.end();
      }
    },
    PROCESS_TIMEOUT,
  );

  it(
    "a killed worker is logged and replaced, and the cluster keeps serving",
    async () => {
      const primary = cluster.child.pid!;
      const workers = processGroupMembers(primary).filter((pid) => pid !== primary);
      expect(workers).toHaveLength(2);
      process.kill(workers[0]!, "SIGKILL");
      await until(async () => {
        // A connection handed to the worker at the moment it died is lost (its client retries): not counted.
        const answers = await Promise.all(
          Array.from({ length: 4 }, () => send(`${url}/healthz`).catch(() => undefined)),
        );
        return answers.some((answer) => answer?.status === 200 && answer.worker === "3");
      }, "the replacement worker (id 3) answering");
      expect(cluster.stdout()).toMatch(/a worker died: starting a replacement/);
      const now = processGroupMembers(primary).filter((pid) => pid !== primary);
      expect(now).toHaveLength(2);
      expect(now).not.toContain(workers[0]);
      expect((await push(url, callEvent("callin", "s-cluster-after-kill", T0))).status).toBe(200);
    },
    PROCESS_TIMEOUT,
  );

  it(
    "Ctrl-C (SIGINT to the process group) stops every worker; the primary exits 0, no process left",
    async () => {
      const primary = cluster.child.pid!;
      process.kill(-primary, "SIGINT");
      const { code } = await cluster.exited;
      expect(code).toBe(0);
      expect(processGroupMembers(primary)).toEqual([]);
      expect(cluster.stderr()).toBe("");
    },
    PROCESS_TIMEOUT,
  );
});

describe("a cluster that cannot start", () => {
  it.each([
    ["WORKERS=2 on PGlite", { DATABASE_URL: "" }, "config: DATABASE_URL is required when WORKERS is above 1"],
    ["WORKERS=2 without Redis", { REDIS_URL: "" }, "config: REDIS_URL is required when WORKERS is above 1"],
    [
      "WORKERS=0",
      { WORKERS: "0", REDIS_URL: "" },
      "config: WORKERS must be a whole number from 1 to 64, or auto (one per core)",
    ],
    [
      "WORKERS=abc",
      { WORKERS: "abc", REDIS_URL: "" },
      "config: WORKERS must be a whole number from 1 to 64, or auto (one per core)",
    ],
  ])(
    "%s: exit 1 with one line naming the setting",
    async (_name, extra, line) => {
      const gateway = track(spawnBuiltGateway(clusterEnv(extra)));
      const { code } = await gateway.exited;
      expect(code).toBe(1);
      expect(gateway.stderr().trim().split("\n")).toEqual([expect.stringContaining(line)]);
      expect(gateway.stdout()).not.toContain(BANNER);
    },
    PROCESS_TIMEOUT,
  );

  it(
    "a taken PORT: exit 1 with the usual line, no process left",
    async () => {
      const server: Server = createServer();
      await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
      const { port } = server.address() as { port: number };
      try {
        const gateway = track(spawnCluster({ PORT: String(port) }));
        const { code } = await gateway.exited;
        expect(code).toBe(1);
        expect(gateway.stderr().trim()).toBe(`port ${port} is in use (set PORT)`);
        expect(processGroupMembers(gateway.child.pid!)).toEqual([]);
      } finally {
        server.close();
      }
    },
    PROCESS_TIMEOUT,
  );

  it(
    "a worker that cannot start (no such database): exit 1, the primary says so, no process left",
    async () => {
      if (database.config.kind !== "postgres") throw new Error("expected PostgreSQL");
      const missing = new URL(database.config.url);
      missing.pathname = "/privnum_cluster_no_such_database";
      const gateway = track(spawnCluster({ DATABASE_URL: missing.toString() }));
      const { code } = await gateway.exited;
      expect(code).toBe(1);
      expect(gateway.stderr()).toContain("a worker failed to start (its log line above says why)");
      expect(gateway.stdout()).not.toContain(BANNER);
      expect(processGroupMembers(gateway.child.pid!)).toEqual([]);
    },
    PROCESS_TIMEOUT,
  );
});

describe("a cluster that stops", () => {
  async function started(): Promise<GatewayProcess> {
    const gateway = track(spawnCluster());
    await gateway.waitForOutput("Fan-out:");
    return gateway;
  }

  function workersOf(gateway: GatewayProcess): number[] {
    const primary = gateway.child.pid!;
    return processGroupMembers(primary).filter((pid) => pid !== primary);
  }

  it(
    "SIGTERM to the primary alone stops every worker; exit 0, no process left",
    async () => {
      const gateway = await started();
      expect(workersOf(gateway)).toHaveLength(2);
      gateway.child.kill("SIGTERM");
      const { code } = await gateway.exited;
      expect(code).toBe(0);
      expect(processGroupMembers(gateway.child.pid!)).toEqual([]);
    },
    PROCESS_TIMEOUT,
  );

  it(
    "a replacement that cannot start (database cut) is one more death, not the end: the next one serves",
    async () => {
      const proxied = await createProxiedPostgresDatabase();
      try {
        const gateway = track(spawnCluster({ DATABASE_URL: proxied.url }));
        await gateway.waitForOutput("Fan-out:");
        const url = bannerUrl(gateway.stdout());
        await proxied.proxy.cut();
        process.kill(workersOf(gateway)[0]!, "SIGKILL");
        await gateway.waitForOutput("a replacement worker failed to start");
        await proxied.proxy.restore();
        await until(
          async () => {
            const answer = await send(`${url}/healthz`).catch(() => undefined);
            return answer?.status === 200 && Number(answer.worker) > 3;
          },
          "a later replacement answering",
          60_000,
        );
        expect(gateway.child.exitCode).toBeNull();
        expect(gateway.stderr()).toBe("");
      } finally {
        await proxied.close();
      }
    },
    PROCESS_TIMEOUT,
  );

  it(
    "a primary killed outright (SIGKILL) leaves no worker behind",
    async () => {
      const gateway = await started();
      const workers = workersOf(gateway);
      expect(workers).toHaveLength(2);
      gateway.child.kill("SIGKILL");
      await gateway.exited;
      // node:cluster workers exit when their channel to the primary closes.
      const deadline = Date.now() + 15_000;
      while (processGroupMembers(gateway.child.pid!).length > 0 && Date.now() < deadline) {
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      expect(processGroupMembers(gateway.child.pid!)).toEqual([]);
    },
    PROCESS_TIMEOUT,
  );

  it(
    `more than ${MAX_WORKER_DEATHS} worker deaths within a minute stop the cluster with exit 1`,
    async () => {
      const gateway = await started();
      const killed = new Set<number>();
      for (let death = 0; death <= MAX_WORKER_DEATHS && gateway.child.exitCode === null; death++) {
        // Each death is replaced at once: wait for the replacement's process before the next kill.
        let victim: number | undefined;
        const deadline = Date.now() + 20_000;
        while (victim === undefined && gateway.child.exitCode === null && Date.now() < deadline) {
          victim = workersOf(gateway).find((pid) => !killed.has(pid));
          if (victim === undefined) await new Promise((resolve) => setTimeout(resolve, 20));
        }
        if (victim === undefined) break;
        killed.add(victim);
        process.kill(victim, "SIGKILL");
      }
      const { code } = await gateway.exited;
      expect(code).toBe(1);
      expect(killed.size).toBe(MAX_WORKER_DEATHS + 1);
      expect(gateway.stdout()).toContain("workers keep dying: stopping the cluster");
      expect(processGroupMembers(gateway.child.pid!)).toEqual([]);
    },
    PROCESS_TIMEOUT,
  );
});
