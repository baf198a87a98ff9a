import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { DEFAULT_LIMITS } from "../src/shared/config.js";
import { encodeCursor } from "../src/shared/cursor.js";
import { bindingRow } from "./support/bindings.js";
import { captureLog } from "./support/captured-log.js";
import { createPostgresDatabase, type TestDatabase } from "./support/databases.js";
import { collect, startGateway, subscriptionCounter, type TestGateway, until } from "./support/gateway.js";
import { callEvent, cdr, signedHeaders } from "./support/notifications.js";

const T0 = new Date("2026-06-01T10:00:00Z");
const X = "+8617000000001";
/** The number whose status changes (not X: a paused X takes no new binding). */
const X2 = "+8617000000002";

/** The four subscriptions of the change stream, each selecting its cursor and a key that tells items apart. */
const SUBSCRIPTIONS = {
  callSessionUpdates: `subscription($after: String) {
    callSessionUpdates(filter: { virtualNum: "${X}" }, after: $after) { cursor session { sessionId eventCount state } } }`,
  callRecords: `subscription($after: String) {
    callRecords(filter: { virtualNum: "${X}" }, after: $after) { cursor record { icid } } }`,
  bindingChanges: `subscription($after: String) {
    bindingChanges(filter: { virtualNum: "${X}" }, after: $after) { cursor kind binding { subscriptionId } } }`,
  virtualNumberStatus: `subscription($after: String) {
    virtualNumberStatus(number: "${X2}", after: $after) { cursor virtualNumber { number status } } }`,
} as const;
type Field = keyof typeof SUBSCRIPTIONS;
const FIELDS = Object.keys(SUBSCRIPTIONS) as Field[];

interface Item {
  cursor: string;
  session?: { sessionId: string; eventCount: number; state: string };
  record?: { icid: string };
  kind?: string;
  binding?: { subscriptionId: string };
  virtualNumber?: { number: string; status: string };
}

/** What tells an item apart within its subscription. */
function keyOf(item: Item): string {
  // A session's own fields come from the snapshot of the update; its relations (records …) are read now.
  if (item.session) return `${item.session.sessionId}#${item.session.eventCount}#${item.session.state}`;
  if (item.record) return item.record.icid;
  if (item.binding) return `${item.kind}:${item.binding.subscriptionId}`;
  return `${item.virtualNumber!.status}`;
}

async function post(gw: TestGateway, body: unknown): Promise<void> {
  const response = await gw.gateway.yoga.fetch("http://gateway.test/notify", {
    method: "POST",
    headers: signedHeaders(),
    body: JSON.stringify(body),
  });
  await response.arrayBuffer();
  expect(response.status).toBe(200);
}

/**
 * One round of changes on every topic: a call on X (event, then CDR), a status of X2, a binding on X made
 * and changed. Each round makes 2 session updates, 1 CDR, 1 status change and 2 binding changes.
 */
async function round(gw: TestGateway, n: number, status: string): Promise<void> {
  const sessionId = `change-round-${n}`;
  await post(gw, callEvent("callin", sessionId, new Date(T0.getTime() + n * 60_000)));
  await post(gw, { eventType: "fee", feeLst: [cdr(`icid-round-${n}`, sessionId, T0)] });
  await post(gw, { eventType: "numStatus", numInfo: [{ number: X2, status }] });
  const created = await gw.gql<{ createBinding: { binding: { subscriptionId: string } } }>(
    `mutation($a: String!) { createBinding(input: { bindNum: $a, virtualNum: "${X}" }) {
       ... on CreateBindingPayload { binding { subscriptionId } } } }`,
    { a: `+86138000009${String(n).padStart(2, "0")}` },
  );
  const subscriptionId = created.data!.createBinding.binding.subscriptionId;
  const updated = await gw.gql(
    `mutation($id: String!) { updateBinding(input: { subscriptionId: $id, userData: "round" }) { __typename } }`,
    { id: subscriptionId },
  );
  expect(updated.errors).toBeUndefined();
}

describe("the change stream: every subscription resumes from a cursor", () => {
  let gw: TestGateway;
  beforeAll(async () => {
    gw = await startGateway({
      limits: { ...DEFAULT_LIMITS, subscriptions: { ...DEFAULT_LIMITS.subscriptions, maxReplayEvents: 12 } },
    });
  });
  afterAll(async () => {
    await gw?.stop();
  });

  it("replays the changes after the cursor, then continues live, each once and in order, on every topic", async () => {
    const counted = subscriptionCounter(gw.gateway);
    const client = gw.wsClient();
    const live = Object.fromEntries(
      FIELDS.map((field) => [field, collect<Item>(client, SUBSCRIPTIONS[field], {}, field)]),
    ) as Record<Field, ReturnType<typeof collect<Item>>>;
    await counted(FIELDS.length);

    // Round 1, seen live: remember where each subscription stood.
    await round(gw, 1, "9");
    const expected: Record<Field, number> = {
      callSessionUpdates: 2,
      callRecords: 1,
      bindingChanges: 2,
      virtualNumberStatus: 1,
    };
    const firstRound = Object.fromEntries(
      await Promise.all(FIELDS.map(async (field) => [field, await live[field].waitFor(expected[field])])),
    ) as Record<Field, Item[]>;
    for (const field of FIELDS) live[field].unsubscribe();
    await until(() => gw.gateway.services.changes.listenerCount() === 0, "the live subscriptions to end");

    // Round 2 happens while nobody listens; then each resumes after its first item of round 1.
    await round(gw, 2, "10");
    const resumedCounter = subscriptionCounter(gw.gateway);
    const resumed = Object.fromEntries(
      FIELDS.map((field) => [
        field,
        collect<Item>(client, SUBSCRIPTIONS[field], { after: firstRound[field][0]!.cursor }, field),
      ]),
    ) as Record<Field, ReturnType<typeof collect<Item>>>;
    await resumedCounter(FIELDS.length);
    // Round 3 is live again.
    await round(gw, 3, "9");

    for (const field of FIELDS) {
      const total = expected[field] * 3 - 1;
      const got = await resumed[field].waitFor(total);
      // Nothing more arrives: no duplicate from the seam between replay and live.
      await gw.gateway.services.changes.catchUp();
      expect(resumed[field].items, field).toHaveLength(total);
      expect(new Set(got.map(keyOf)).size, `${field}: distinct`).toBe(total);
      expect(new Set(got.map((item) => item.cursor)).size, `${field}: distinct cursors`).toBe(total);
      // The replay starts right after the cursor: the rest of round 1 first.
      expect(got.slice(0, expected[field] - 1).map(keyOf), field).toEqual(
        firstRound[field].slice(1).map(keyOf),
      );
      resumed[field].unsubscribe();
    }
    expect(resumed.bindingChanges.items.map((item) => item.kind)).toEqual([
      "UPDATED",
      "CREATED",
      "UPDATED",
      "CREATED",
      "UPDATED",
    ]);
    expect(resumed.virtualNumberStatus.items.map((item) => item.virtualNumber!.status)).toEqual([
      "UNAVAILABLE",
      "PAUSED",
    ]);
    await until(() => gw.gateway.services.changes.listenerCount() === 0, "the resumed subscriptions to end");
  });

  it("refuses a cursor past the end of the stream and a cursor of another subscription", async () => {
    const pastTheEnd = await gw.gql(SUBSCRIPTIONS.bindingChanges, {
      after: encodeCursor("bindingChange", 9_000_000),
    });
    expect(pastTheEnd.errors?.[0]).toMatchObject({
      message: expect.stringMatching(/past the end of the change stream/),
      extensions: { code: "BAD_USER_INPUT" },
    });
    const foreign = await gw.gql(SUBSCRIPTIONS.callRecords, { after: encodeCursor("bindingChange", 1) });
    expect(foreign.errors?.[0]).toMatchObject({
      message: expect.stringMatching(/not a callRecordAdded cursor/),
      extensions: { code: "BAD_USER_INPUT" },
    });
  });

  it("ends a resume whose backlog exceeds SUBSCRIPTION_MAX_REPLAY before sending anything", async () => {
    const start = await gw.gql<{ bindings: { edges: unknown[] } }>(
      "{ bindings(first: 1) { edges { cursor } } }",
    );
    expect(start.errors).toBeUndefined();
    const client = gw.wsClient();
    const counted = subscriptionCounter(gw.gateway);
    const first = collect<Item>(client, SUBSCRIPTIONS.bindingChanges, {}, "bindingChanges");
    await counted(1);
    await round(gw, 10, "5");
    const [mark] = await first.waitFor(1);
    first.unsubscribe();
    for (let n = 11; n < 18; n++) await round(gw, n, "5");
    // 1 + 7 × 2 binding changes lie after the mark: more than the limit of 12.
    const resumed = collect<Item>(
      client,
      SUBSCRIPTIONS.bindingChanges,
      { after: mark!.cursor },
      "bindingChanges",
    );
    await resumed.done;
    expect(resumed.items).toEqual([]);
    expect(JSON.stringify(resumed.errors)).toMatch(/replay-limit-exceeded|at most 12/);
  });
});

describe("the change stream across instances on one PostgreSQL database (no broker)", () => {
  let database: TestDatabase;
  const gateways: TestGateway[] = [];
  beforeAll(async () => {
    database = await createPostgresDatabase();
  });
  afterEach(async () => {
    for (const gw of gateways.splice(0)) await gw.stop();
  });
  afterAll(async () => {
    await database?.drop();
  });

  it("an instance started next to another on the same database without REDIS_URL says so, once", async () => {
    const first = captureLog("warn");
    gateways.push(await startGateway({ database: database.config }, { logger: first.logger }));
    const second = captureLog("warn");
    gateways.push(await startGateway({ database: database.config }, { logger: second.logger }));
    // The first found nobody; the second found the first.
    expect(first.lines.filter((line) => /other gateway instance/.test(String(line.msg)))).toEqual([]);
    const warnings = second.lines.filter((line) => /other gateway instance/.test(String(line.msg)));
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatchObject({
      otherInstances: 1,
      msg: expect.stringMatching(
        /1 other gateway instance is using this database and REDIS_URL is not set.*Set REDIS_URL/,
      ),
    });
  });

  it("announces each lapse once however many instances sweep at once, and every instance's subscriber sees it", async () => {
    const a = await startGateway({ database: database.config });
    gateways.push(a);
    const b = await startGateway({ database: database.config });
    gateways.push(b);
    const lapsed = Array.from({ length: 30 }, (_, i) =>
      bindingRow({
        subscription_id: `lapsed-${i}`,
        extend_num: String(1000 + i),
        bind_num: `+861380000${String(1000 + i)}`,
        expires_at: new Date(Date.now() - 60_000),
      }),
    );
    await a.gateway.services.db.insertInto("bindings").values(lapsed).execute();

    const counted = [subscriptionCounter(a.gateway), subscriptionCounter(b.gateway)];
    const onA = collect<Item>(a.wsClient(), SUBSCRIPTIONS.bindingChanges, {}, "bindingChanges");
    const onB = collect<Item>(b.wsClient(), SUBSCRIPTIONS.bindingChanges, {}, "bindingChanges");
    await Promise.all(counted.map((wait) => wait(1)));

    const swept = await Promise.all([a, b, a, b].map((gw) => gw.gateway.services.bindings.sweepExpired()));
    expect(swept.reduce((sum, n) => sum + n, 0)).toBe(30);

    const stored = await a.gateway.services.db
      .selectFrom("stream_changes")
      .select(["position", "subscription_id"])
      .where("topic", "=", "bindingChange")
      .execute();
    expect(stored).toHaveLength(30);
    expect(new Set(stored.map((row) => row.subscription_id)).size).toBe(30);

    for (const seen of [await onA.waitFor(30), await onB.waitFor(30)]) {
      expect(seen.every((item) => item.kind === "EXPIRED")).toBe(true);
      expect(new Set(seen.map((item) => item.binding!.subscriptionId)).size).toBe(30);
    }
    // Instance B reads what A stored (and the other way round) from the stream, by polling here.
    await Promise.all([a.gateway.services.changes.catchUp(), b.gateway.services.changes.catchUp()]);
    expect(onA.items).toHaveLength(30);
    expect(onB.items).toHaveLength(30);
  });
});
