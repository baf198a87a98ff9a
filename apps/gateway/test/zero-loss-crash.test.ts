// Zero loss across a crash: the standalone simulator CLI pushes a stream of calls to the built gateway
// (dist/main.mjs) on its own PostgreSQL database; the gateway is killed with SIGKILL mid-stream and started
// again on the same data and port. Whatever the platform saw acknowledged, or retried, is stored exactly
// once; only a `callin` that was never acknowledged (the platform never retries it) may be missing; and a
// subscriber resuming from its last cursor gets the rest of the stream, each event once, in order.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type Client, createClient } from "graphql-ws";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import WebSocket from "ws";
import { type DatabaseHandle, openDatabase } from "../src/database/database.js";
import { SIMULATOR_DEFAULT_APP, TEST_API_KEYS } from "../src/shared/config.js";
import { encodeCursor } from "../src/shared/cursor.js";
import { createPostgresDatabase, type TestDatabase } from "./support/databases.js";
import { freePort } from "./support/free-port.js";
import { collect } from "./support/gateway.js";
import { type GatewayProcess, spawnBuiltGateway } from "./support/gateway-process.js";
import { callEvent, signedHeaders } from "./support/notifications.js";
import {
  type SimulatedCall,
  type SimulatorCli,
  type SimulatorDelivery,
  startSimulatorCli,
} from "./support/simulator-cli.js";
import {
  eventKeyOfBody,
  eventKeyOfSeen,
  icidsOfBody,
  readEventStream,
  readStoredPushes,
  repeated,
} from "./support/stored-pushes.js";

/**
 * Virtual ms per real ms: the platform's retry schedule (+1, +4, +9, +106, +203, +300 minutes) takes 18 s, its
 * last three retries 6.4 s, 12.2 s and 18 s after the first attempt; a restart on a busy machine can take
 * several seconds.
 */
const TIME_SCALE = 1000;
/** Pushes the platform delivers before the kill. */
const PUSHES_BEFORE_KILL = 20;
/** Calls placed while the gateway is down. */
const CALLS_WHILE_DOWN = 4;
/** Calls placed once the gateway is back. */
const CALLS_AFTER_RESTART = 4;
/** Real ms between two placed calls, so that the stream spans the crash and the restart. */
const CALL_SPACING_MS = 100;
const X = "+8617000000001";
const ADMIN_KEY = TEST_API_KEYS.admin;

const CALL_EVENTS = `subscription($after: String) {
  callEvents(after: $after) { cursor sessionId eventType platformTimestamp } }`;

interface SeenEvent {
  cursor: string;
  sessionId: string;
  eventType: string;
  platformTimestamp: string;
}

let database: TestDatabase;
let databaseUrl: string;
let direct: DatabaseHandle;
let dataDir: string;
let gatewayPort: number;
let simulator: SimulatorCli | undefined;
let gateway: GatewayProcess | undefined;
const clients: Client[] = [];

/**
 * Start the built gateway on the test's database, data directory and port, pointed at the simulator, as
 * `gateway` (set before it is up, so that `afterAll` stops it whatever happens).
 */
async function startGatewayProcess(): Promise<void> {
  gateway = spawnBuiltGateway({
    DATA_DIR: dataDir,
    DATABASE_URL: databaseUrl,
    AXE_BASE_URL: simulator!.url,
    AXE_APP_KEY: SIMULATOR_DEFAULT_APP.appKey,
    AXE_APP_SECRET: SIMULATOR_DEFAULT_APP.appSecret,
    PORT: String(gatewayPort),
    GATEWAY_API_KEYS: `zero-loss=${ADMIN_KEY}:admin`,
    LOG_LEVEL: "warn",
  });
  await gateway.waitForOutput("privnum gateway listening on");
}

/** A graphql-ws client on the gateway's port, as the admin (disposed in `afterAll`). */
function subscriber(): Client {
  const client = createClient({
    url: `ws://127.0.0.1:${gatewayPort}/graphql`,
    webSocketImpl: WebSocket,
    retryAttempts: 0,
    connectionParams: { authorization: `Bearer ${ADMIN_KEY}` },
  });
  clients.push(client);
  return client;
}

/** SIGKILL to the gateway's node process (no pnpm in between); resolves once it has exited. */
async function killGateway(): Promise<void> {
  const child = gateway;
  gateway = undefined;
  if (!child) return;
  if (child.child.exitCode === null && child.child.signalCode === null) child.child.kill("SIGKILL");
  await child.exited;
}

beforeAll(async () => {
  database = await createPostgresDatabase();
  if (database.config.kind !== "postgres") throw new Error("expected PostgreSQL");
  databaseUrl = database.config.url;
  direct = await openDatabase(database.config, { poolSize: 2 });
  dataDir = mkdtempSync(join(tmpdir(), "privnum-zero-loss-crash-"));
  gatewayPort = await freePort();
  simulator = await startSimulatorCli([
    "--notify-url",
    `http://127.0.0.1:${gatewayPort}/notify`,
    "--time-scale",
    String(TIME_SCALE),
    "--quiet",
  ]);
  await startGatewayProcess();
}, 60_000);

afterAll(async () => {
  await Promise.allSettled(clients.map((client) => client.dispose()));
  await killGateway();
  await simulator?.stop();
  await direct?.close();
  await database?.drop();
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
}, 30_000);

describe("the gateway killed with SIGKILL mid-stream, and started again", () => {
  it("stores every push the platform saw acknowledged or retried exactly once, and a resumed subscriber misses nothing", async () => {
    const sim = simulator!;
    const gql = async (query: string, variables: Record<string, unknown>) => {
      const response = await fetch(`http://127.0.0.1:${gatewayPort}/graphql`, {
        method: "POST",
        headers: { "content-type": "application/json", authorization: `Bearer ${ADMIN_KEY}` },
        body: JSON.stringify({ query, variables }),
      });
      return (await response.json()) as { data?: Record<string, unknown> };
    };
    const created = await gql(
      `mutation($input: CreateBindingInput!) { createBinding(input: $input) {
        ... on CreateBindingPayload { binding { extendNum } } } }`,
      { input: { bindNum: "+8613800000701", virtualNum: X } },
    );
    const payload = created.data?.createBinding as { binding?: { extendNum: string } } | undefined;
    const extendNum = payload?.binding?.extendNum;
    expect(extendNum, JSON.stringify(created)).toBeDefined();

    // From the start of the stream (position 0), so that this subscriber's events and the resumed ones
    // together must be the whole stream.
    const before = collect<SeenEvent>(
      subscriber(),
      CALL_EVENTS,
      { after: encodeCursor("callEvent", 0) },
      "callEvents",
    );

    // Calls, one every CALL_SPACING_MS: `count` of them, or until `stop()` says so.
    const calls: SimulatedCall[] = [];
    const placeCalls = async (limit: { stop?: () => boolean; count?: number }) => {
      const end = calls.length + (limit.count ?? Number.POSITIVE_INFINITY);
      while (calls.length < end && !limit.stop?.()) {
        calls.push(
          await sim.placeCall({
            caller: `+861390000${7000 + calls.length}`,
            virtualNum: X,
            digits: extendNum,
            talkSeconds: 20,
          }),
        );
        await new Promise((resolve) => setTimeout(resolve, CALL_SPACING_MS));
      }
    };
    let killed = false;
    const streaming = placeCalls({ stop: () => killed });

    // Killed mid-stream, once the platform saw pushes acknowledged and the subscriber got events.
    await sim.deliveriesWhen(
      (deliveries) => deliveries.filter((d) => d.outcome === "delivered").length >= PUSHES_BEFORE_KILL,
      `${PUSHES_BEFORE_KILL} pushes delivered`,
      20_000,
    );
    await before.waitFor(1, 20_000);
    await killGateway();
    killed = true;
    await streaming;
    const callsBeforeKill = calls.length;
    // Down for a while: calls go on, and the platform's attempts fail.
    await placeCalls({ count: CALLS_WHILE_DOWN });
    await sim.deliveriesWhen(
      (deliveries) => deliveries.filter((d) => d.outcome === "failed").length >= CALLS_WHILE_DOWN,
      "pushes to fail while the gateway is down",
    );
    const restartedAt = Date.now();
    await startGatewayProcess();
    const restartMs = Date.now() - restartedAt;
    const callsAtRestart = calls.length;
    await placeCalls({ count: CALLS_AFTER_RESTART });

    // Settled: every push of every call was attempted, and each was delivered or given up.
    const expectedEvents = new Set(calls.flatMap((call) => call.notifications.map(eventKeyOfBody)));
    const expectedRecords = new Set(calls.map((call) => call.cdr.icid));
    const keysOf = (d: SimulatorDelivery) =>
      d.kind === "fee" ? icidsOfBody(d.body) : [eventKeyOfBody(d.body)];
    const settled = (deliveries: SimulatorDelivery[]) => {
      const finals = new Set(deliveries.filter((d) => d.final).map((d) => d.pushId));
      const pushOf = new Map<string, number>();
      for (const d of deliveries) for (const key of keysOf(d)) pushOf.set(key, d.pushId);
      return [...expectedEvents, ...expectedRecords].every((key) => finals.has(pushOf.get(key) ?? -1));
    };
    const deliveries = await sim.deliveriesWhen(
      settled,
      "the platform to deliver or give up every push",
      40_000,
    );
    const acknowledged = new Set(deliveries.filter((d) => d.outcome === "delivered").flatMap(keysOf));
    const retried = new Set(deliveries.filter((d) => d.attempt > 1).flatMap(keysOf));
    const neverAcknowledged = deliveries
      .filter((d) => d.final && d.outcome !== "delivered")
      .flatMap((d) => keysOf(d).map((key) => ({ key, eventType: d.eventType })));
    // The gateway came back well within the retry schedule: only a callin, never retried, goes unacknowledged.
    expect(retried.size, "pushes refused while down were retried").toBeGreaterThan(0);
    for (const key of retried) expect(acknowledged.has(key), key).toBe(true);
    expect(neverAcknowledged.filter((push) => push.eventType !== "callin")).toEqual([]);

    const stored = await readStoredPushes(direct.db);
    // Each stored once, by natural key, in every table; and each accepted once among the kept bodies.
    expect(repeated(stored.events)).toEqual([]);
    expect(repeated(stored.records)).toEqual([]);
    expect(repeated(stored.acceptedEvents)).toEqual([]);
    expect(repeated(stored.acceptedRecords)).toEqual([]);
    expect(new Set(stored.acceptedEvents.keys())).toEqual(new Set(stored.events.keys()));
    expect(new Set(stored.acceptedRecords.keys())).toEqual(new Set(stored.records.keys()));

    // Set equality: what was acknowledged is stored; nothing is stored that was not sent; the CDRs are whole.
    const storedEvents = new Set(stored.events.keys());
    for (const key of acknowledged) expect(storedEvents.has(key) || stored.records.has(key), key).toBe(true);
    expect([...storedEvents].filter((key) => !expectedEvents.has(key))).toEqual([]);
    expect(new Set(stored.records.keys())).toEqual(expectedRecords);
    // Missing: only callins the platform never saw acknowledged (lost while the gateway was down).
    const missing = [...expectedEvents].filter((key) => !storedEvents.has(key));
    const lostCallins = new Set(neverAcknowledged.map((push) => push.key));
    for (const key of missing) {
      expect(key.split("|")[1], key).toBe("callin");
      expect(lostCallins.has(key), key).toBe(true);
    }
    console.info(
      `zero-loss crash: ${calls.length} calls (${callsBeforeKill} before the kill, ` +
        `${callsAtRestart - callsBeforeKill} while down, ${calls.length - callsAtRestart} after a restart of ${restartMs} ms), ${expectedEvents.size} events and ${expectedRecords.size} CDRs sent; ` +
        `${storedEvents.size} events and ${stored.records.size} CDRs stored; ${retried.size} items retried; ` +
        `${missing.length} unacknowledged callin(s) missing (never retried by the platform); ` +
        `${stored.verdicts.get("duplicate") ?? 0} re-sent push(es) kept as duplicates`,
    );

    // The first subscriber saw a prefix of the stream, in order, once each; resuming from its last cursor
    // gives the rest, in order, once each.
    const stream = await readEventStream(direct.db);
    expect(before.items.length).toBeGreaterThan(0);
    expect(before.items.map((e) => e.cursor)).toEqual(
      stream.slice(0, before.items.length).map((row) => encodeCursor("callEvent", row.seq)),
    );
    const last = before.items.at(-1)!;
    const lastIndex = stream.findIndex((row) => encodeCursor("callEvent", row.seq) === last.cursor);
    const rest = stream.slice(lastIndex + 1);
    const after = collect<SeenEvent>(subscriber(), CALL_EVENTS, { after: last.cursor }, "callEvents");
    await after.waitFor(rest.length, 20_000);
    // One more event, pushed now: once it arrives, nothing else (a repeat) can be still on its way before it.
    const sentinel = callEvent("callin", "zero-loss-crash-sentinel", new Date());
    const answer = await fetch(`http://127.0.0.1:${gatewayPort}/notify`, {
      method: "POST",
      headers: signedHeaders(),
      body: JSON.stringify(sentinel),
    });
    expect(answer.status).toBe(200);
    await after.waitFor(rest.length + 1, 20_000);
    expect(after.items.map(eventKeyOfSeen)).toEqual([
      ...rest.map((row) => row.key),
      eventKeyOfBody(sentinel),
    ]);
    expect(after.items.slice(0, rest.length).map((e) => e.cursor)).toEqual(
      rest.map((row) => encodeCursor("callEvent", row.seq)),
    );
    expect([...before.items, ...after.items.slice(0, rest.length)].map(eventKeyOfSeen)).toEqual(
      stream.map((row) => row.key),
    );
  }, 120_000);
});
