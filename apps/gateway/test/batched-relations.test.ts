// Every per-row relation loads in batches: a query over many parents, with the relation under several
// aliases, runs the same number of statements as over two parents, and answers what the per-row lookups of
// the repositories answer. On both engines (the per-parent pages are LATERAL SQL).
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { findBinding, listBindingsBySubscription } from "../src/bindings/binding.repository.js";
import { listSessionEvents } from "../src/calls/call-event.repository.js";
import {
  listCallRecords,
  listCallRecordsByIcid,
  listSessionRecords,
} from "../src/calls/call-record.repository.js";
import { findCallSession, listCallSessions } from "../src/calls/call-session.repository.js";
import { DEFAULT_LIMITS } from "../src/shared/config.js";
import { ENGINES, type TestDatabase } from "./support/databases.js";
import { collect, startGateway, subscriptionCounter, type TestGateway } from "./support/gateway.js";
import { callEvent, cdr, signedHeaders } from "./support/notifications.js";

const X = "+8617000000001";
const T0 = new Date("2026-06-01T10:00:00Z");
const BINDINGS = 12;
const SESSIONS_PER_BINDING = 3;

/** Limits high enough that only what this file tests decides (the document limits are other tests' work). */
const GENEROUS_LIMITS = {
  ...DEFAULT_LIMITS,
  graphql: {
    ...DEFAULT_LIMITS.graphql,
    maxDepth: 30,
    maxAliases: 1000,
    maxTokens: 100_000,
    maxCost: 10_000_000,
  },
};

type Data = Record<string, unknown>;
type Edges<T> = { edges: { node: T }[] };

describe.each(ENGINES)("batched relations on $engine", ({ create }) => {
  let database: TestDatabase;
  let gw: TestGateway;
  const subscriptionIds: string[] = [];
  const extendNums: string[] = [];
  const sessionIds: string[] = [];

  async function push(body: unknown) {
    const response = await gw.gateway.yoga.fetch("http://gateway.test/notify", {
      method: "POST",
      headers: signedHeaders(),
      body: JSON.stringify(body),
    });
    expect(response.status).toBe(200);
  }

  beforeAll(async () => {
    database = await create();
    gw = await startGateway(
      { database: database.config, limits: GENEROUS_LIMITS },
      // Nothing polls the database on its own while statements are counted.
      { feedPollIntervalMs: 3_600_000, noncePurgeIntervalMs: 3_600_000 },
    );
    for (let b = 0; b < BINDINGS; b++) {
      const created = await gw.gql<{
        createBinding: { binding: { subscriptionId: string; extendNum: string } };
      }>(
        `mutation($input: CreateBindingInput!) {
          createBinding(input: $input) { ... on CreateBindingPayload { binding { subscriptionId extendNum } } }
        }`,
        { input: { bindNum: `+86138000010${String(b).padStart(2, "0")}`, virtualNum: X } },
      );
      subscriptionIds.push(created.data!.createBinding.binding.subscriptionId);
      extendNums.push(created.data!.createBinding.binding.extendNum);
    }
    const records = [];
    for (const [b, subscriptionId] of subscriptionIds.entries()) {
      for (let s = 0; s < SESSIONS_PER_BINDING; s++) {
        const sessionId = `s-batch-${b}-${s}`;
        const at = new Date(T0.getTime() + (b * SESSIONS_PER_BINDING + s) * 60_000);
        sessionIds.push(sessionId);
        await push(callEvent("callout", sessionId, at, { subscriptionId }));
        await push(callEvent("disconnect", sessionId, new Date(at.getTime() + 40_000), { subscriptionId }));
        records.push(cdr(`icid-batch-${b}-${s}`, sessionId, at, { subscriptionId }));
      }
    }
    // One icid the platform reused for a different CDR: `sameIcidRecords` holds two rows there.
    records.push(
      cdr("icid-batch-0-0", "s-batch-0-0", T0, {
        subscriptionId: subscriptionIds[0],
        callerNum: "+8613900000002",
      }),
    );
    await push({ eventType: "fee", feeLst: records });
    await gw.gateway.services.feed.catchUp();
    await gw.gateway.services.changes.catchUp();
  });
  afterAll(async () => {
    await gw?.stop();
    await database?.drop();
  });

  /** Run `query` and return its data with the statements it ran. */
  async function counted<T = Data>(query: string, variables?: Record<string, unknown>) {
    const before = gw.gateway.databaseQueryCount();
    const result = await gw.gql<T>(query, variables);
    const statements = gw.gateway.databaseQueryCount() - before;
    expect(result.errors).toBeUndefined();
    return { data: result.data!, statements };
  }

  /**
   * Run a query over 2 parents and over all of them (`$n`): both run `statements` statements, whatever the
   * number of parents and aliases. Returns the answer over all parents.
   */
  async function sameCountForAnyNumberOfParents<T>(query: string, statements: number, all: number) {
    const few = await counted<T>(query, { n: 2 });
    const many = await counted<T>(query, { n: all });
    expect({ few: few.statements, many: many.statements }).toEqual({ few: statements, many: statements });
    return many.data;
  }

  const db = () => gw.gateway.services.db;
  const allSessions = BINDINGS * SESSIONS_PER_BINDING;

  it("CallSession.binding: one query for every call and alias, the binding each call's lookup finds", async () => {
    const data = await sameCountForAnyNumberOfParents<{
      callSessions: Edges<{ subscriptionId: string; a: Data; b: Data }>;
    }>(
      `query($n: Int) { callSessions(first: $n) { edges { node {
        subscriptionId a: binding { subscriptionId bindNum extendNum } b: binding { subscriptionId }
      } } } }`,
      2,
      allSessions,
    );
    expect(data.callSessions.edges).toHaveLength(allSessions);
    for (const { node } of data.callSessions.edges) {
      const row = (await findBinding(db(), node.subscriptionId))!;
      expect(node.a).toEqual({
        subscriptionId: row.subscription_id,
        bindNum: row.bind_num,
        extendNum: row.extend_num,
      });
      expect(node.b).toEqual({ subscriptionId: row.subscription_id });
    }
  });

  it("CallSession.events and CallSession.records: one query each, each call's own rows in order", async () => {
    const data = await sameCountForAnyNumberOfParents<{
      callSessions: Edges<{
        sessionId: string;
        events: { eventType: string; timestamp: string }[];
        again: { eventType: string }[];
        records: { icid: string; id: string }[];
        recordsAgain: { icid: string }[];
      }>;
    }>(
      `query($n: Int) { callSessions(first: $n) { edges { node {
        sessionId events { eventType timestamp } again: events { eventType }
        records { icid id } recordsAgain: records { icid }
      } } } }`,
      3,
      allSessions,
    );
    for (const { node } of data.callSessions.edges) {
      const events = await listSessionEvents(db(), [node.sessionId]);
      expect(node.events.map((e) => e.eventType)).toEqual(events.map((e) => e.event_type.toUpperCase()));
      expect(node.events.map((e) => e.eventType)).toEqual(["CALLOUT", "DISCONNECT"]);
      expect(node.again).toEqual(node.events.map(({ eventType }) => ({ eventType })));
      const records = await listSessionRecords(db(), [node.sessionId]);
      expect(node.records.map((r) => r.icid)).toEqual(records.map((r) => r.icid));
      expect(node.recordsAgain.map((r) => r.icid)).toEqual(records.map((r) => r.icid));
    }
    const reused = data.callSessions.edges.find(({ node }) => node.sessionId === "s-batch-0-0")!;
    expect(reused.node.records).toHaveLength(2);
  });

  it("CallEvent.session and CallRecord.session: one query per level, the call each lookup finds", async () => {
    const data = await sameCountForAnyNumberOfParents<{
      callSessions: Edges<{
        sessionId: string;
        events: { session: { sessionId: string; eventCount: number }; s2: { state: string } }[];
        records: { session: { sessionId: string; state: string } }[];
      }>;
    }>(
      `query($n: Int) { callSessions(first: $n) { edges { node {
        sessionId
        events { session { sessionId eventCount } s2: session { state } }
        records { session { sessionId state } }
      } } } }`,
      // The page, events and records, then the calls of both (one batch: same level).
      4,
      allSessions,
    );
    for (const { node } of data.callSessions.edges) {
      const row = (await findCallSession(db(), node.sessionId))!;
      for (const event of node.events) {
        expect(event.session).toEqual({ sessionId: row.session_id, eventCount: row.event_count });
        expect(event.s2).toEqual({ state: row.status.toUpperCase().replace("-", "_") });
      }
      for (const record of node.records) expect(record.session.sessionId).toBe(row.session_id);
    }
  });

  it("CallRecord.sameIcidRecords: one query, every CDR of the icid oldest first", async () => {
    const data = await sameCountForAnyNumberOfParents<{
      callRecords: Edges<{
        icid: string;
        sameIcidRecords: { id: string; icid: string }[];
        x: { id: string }[];
      }>;
    }>(
      `query($n: Int) { callRecords(first: $n) { edges { node {
        icid sameIcidRecords { id icid } x: sameIcidRecords { id }
      } } } }`,
      2,
      allSessions + 1,
    );
    let reused = 0;
    for (const { node } of data.callRecords.edges) {
      const rows = await listCallRecordsByIcid(db(), node.icid);
      expect(node.sameIcidRecords.map((r) => r.icid)).toEqual(rows.map((r) => r.icid));
      expect(node.x).toEqual(node.sameIcidRecords.map(({ id }) => ({ id })));
      if (rows.length === 2) reused += 1;
    }
    // Both CDRs of the reused icid list both.
    expect(reused).toBe(2);
  });

  it("Binding.sameSubscriptionIdBindings: one query, each binding's rows", async () => {
    const data = await sameCountForAnyNumberOfParents<{
      bindings: Edges<{ subscriptionId: string; sameSubscriptionIdBindings: { id: string }[] }>;
    }>(
      `query($n: Int) { bindings(first: $n) { edges { node {
        subscriptionId sameSubscriptionIdBindings { id } again: sameSubscriptionIdBindings { id }
      } } } }`,
      2,
      BINDINGS,
    );
    for (const { node } of data.bindings.edges) {
      const rows = await listBindingsBySubscription(db(), node.subscriptionId);
      expect(node.sameSubscriptionIdBindings).toHaveLength(rows.length);
    }
  });

  it("Binding.callSessions: one query per distinct page arguments, the page each binding's list gives", async () => {
    const data = await sameCountForAnyNumberOfParents<{
      bindings: Edges<{
        subscriptionId: string;
        a: Edges<{ sessionId: string }> & { pageInfo: { hasNextPage: boolean; endCursor: string } };
        b: Edges<{ sessionId: string }>;
        c: Edges<{ sessionId: string }>;
      }>;
    }>(
      `query($n: Int) { bindings(first: $n) { edges { node {
        subscriptionId
        a: callSessions(first: 2) { edges { node { sessionId } } pageInfo { hasNextPage endCursor } }
        b: callSessions(first: 2) { edges { node { sessionId } } }
        c: callSessions(first: 10) { edges { node { sessionId } } }
      } } } }`,
      // The bindings, then `a` and `b` (same arguments) in one query and `c` in another.
      3,
      BINDINGS,
    );
    expect(data.bindings.edges).toHaveLength(BINDINGS);
    for (const { node } of data.bindings.edges) {
      const rows = await listCallSessions(db(), { subscriptionId: node.subscriptionId }, { limit: 10 });
      const ids = rows.map((row) => row.session_id);
      expect(ids).toHaveLength(SESSIONS_PER_BINDING);
      expect(node.a.edges.map((e) => e.node.sessionId)).toEqual(ids.slice(0, 2));
      expect(node.a.pageInfo.hasNextPage).toBe(true);
      expect(node.b.edges).toEqual(node.a.edges);
      expect(node.c.edges.map((e) => e.node.sessionId)).toEqual(ids);
    }

    // The next page, by cursor, under every binding at once: the rest of each binding's calls.
    const first = data.bindings.edges[0]!.node;
    const next = await counted<{ bindings: Edges<{ callSessions: Edges<{ sessionId: string }> }> }>(
      `query($after: String) { bindings(first: 12) { edges { node {
        callSessions(first: 2, after: $after) { edges { node { sessionId } } }
      } } } }`,
      { after: first.a.pageInfo.endCursor },
    );
    expect(next.statements).toBe(2);
    const rows = await listCallSessions(db(), { subscriptionId: first.subscriptionId }, { limit: 10 });
    expect(next.data.bindings.edges[0]!.node.callSessions.edges.map((e) => e.node.sessionId)).toEqual(
      rows.slice(2).map((row) => row.session_id),
    );
  });

  it("Binding.callRecords: one query per distinct page, reading the selected columns, as the list gives", async () => {
    const data = await sameCountForAnyNumberOfParents<{
      bindings: Edges<{
        subscriptionId: string;
        a: Edges<{ icid: string; callInTime: string; record: Data }>;
        b: Edges<{ icid: string; callInTime: string; record: Data }>;
        last: Edges<{ icid: string }>;
      }>;
    }>(
      `query($n: Int) { bindings(first: $n) { edges { node {
        subscriptionId
        a: callRecords(first: 5) { edges { node { icid callInTime record } } }
        b: callRecords(first: 5) { edges { node { icid callInTime record } } }
        last: callRecords(last: 1) { edges { node { icid } } }
      } } } }`,
      3,
      BINDINGS,
    );
    for (const { node } of data.bindings.edges) {
      const rows = await listCallRecords(db(), { subscriptionId: node.subscriptionId }, { limit: 5 });
      expect(node.a.edges.map((e) => e.node.icid)).toEqual(rows.map((row) => row.icid));
      expect(node.a.edges.map((e) => e.node.record)).toEqual(rows.map((row) => row.record));
      expect(node.b).toEqual(node.a);
      expect(node.last.edges.map((e) => e.node.icid)).toEqual([rows.at(-1)!.icid]);
    }
  });

  it("the probe's binding → callSessions(first: 100), two levels deep: one query per level", async () => {
    const data = await sameCountForAnyNumberOfParents<{
      callSessions: Edges<{
        binding: { callSessions: Edges<{ sessionId: string; binding: { callSessions: Edges<unknown> } }> };
      }>;
    }>(
      `query($n: Int) { callSessions(first: $n) { edges { node { binding {
        callSessions(first: 100) { edges { node { sessionId binding {
          callSessions(first: 100) { edges { node { sessionId } } }
        } } } }
      } } } } }`,
      // The page; the bindings; their calls; (the bindings of those, all loaded already); their calls (the
      // same page as before, already loaded).
      3,
      allSessions,
    );
    for (const { node } of data.callSessions.edges) {
      expect(node.binding.callSessions.edges).toHaveLength(SESSIONS_PER_BINDING);
      for (const inner of node.binding.callSessions.edges) {
        expect(inner.node.binding.callSessions.edges).toHaveLength(SESSIONS_PER_BINDING);
      }
    }
  });

  it("node lookups and aliased root fields: one query per type, whatever the number of IDs", async () => {
    const ids = await counted<{
      callRecords: Edges<{ id: string; session: { id: string } }>;
      bindings: Edges<{ id: string }>;
    }>(
      `query { callRecords(first: 100) { edges { node { id session { id } } } } bindings(first: 12) { edges { node { id } } } }`,
    );
    const nodeIds = [
      ...ids.data.callRecords.edges.flatMap((e) => [e.node.id, e.node.session.id]),
      ...ids.data.bindings.edges.map((e) => e.node.id),
    ];
    const nodes = await counted<{ nodes: ({ __typename: string } & Data)[] }>(
      `query($ids: [ID!]!) { nodes(ids: $ids) {
        __typename ... on CallRecord { icid } ... on CallSession { sessionId } ... on Binding { subscriptionId }
      } }`,
      { ids: nodeIds },
    );
    // One per type, and one more for the CDR kept under a reused icid, whose ID names its row (`icid#rowId`).
    expect(nodes.statements).toBe(4);
    expect(nodes.data.nodes.map((n) => n.__typename).sort()).toEqual(
      [
        ...Array(allSessions + 1).fill("CallRecord"),
        ...Array(allSessions + 1).fill("CallSession"),
        ...Array(BINDINGS).fill("Binding"),
      ].sort(),
    );

    const aliases = (field: string, arg: string, values: readonly string[], select: string) =>
      values.map((value, i) => `${field}${i}: ${field}(${arg}: "${value}") { ${select} }`).join("\n");
    const roots = await counted<Record<string, { subscriptionId?: string; sessionId?: string } | null>>(
      `query {
        ${aliases("binding", "subscriptionId", subscriptionIds, "subscriptionId")}
        ${aliases("callSession", "sessionId", sessionIds, "sessionId")}
        ${aliases("callRecord", "icid", ["icid-batch-0-0", "icid-batch-1-1", "no-such-icid"], "icid")}
        ${extendNums.map((e, i) => `byExtension${i}: bindingByExtension(virtualNum: "${X}", extendNum: "${e}") { subscriptionId }`).join("\n")}
        noExtension: bindingByExtension(virtualNum: "${X}", extendNum: "9999") { subscriptionId }
      }`,
    );
    expect(roots.statements).toBe(4);
    expect(roots.data.byExtension7).toEqual({ subscriptionId: subscriptionIds[7] });
    expect(roots.data.noExtension).toBeNull();
    expect(roots.data.binding11).toEqual({ subscriptionId: subscriptionIds[11] });
    expect(roots.data.callSession35).toEqual({ sessionId: sessionIds[35] });
    expect(roots.data.callRecord2).toBeNull();
  });

  it("each field of a mutation reads relations anew, after the fields before it changed them", async () => {
    const field = (alias: string, userData: string) =>
      `${alias}: updateBinding(input: { subscriptionId: $id, userData: "${userData}" }) {
        ... on UpdateBindingPayload { binding { sameSubscriptionIdBindings { userData } } }
      }`;
    const result = await gw.gql<
      Record<string, { binding: { sameSubscriptionIdBindings: { userData: string }[] } }>
    >(`mutation($id: String!) { ${field("first", "one")} ${field("second", "two")} }`, {
      id: subscriptionIds[1],
    });
    expect(result.errors).toBeUndefined();
    expect(result.data!.first!.binding.sameSubscriptionIdBindings).toEqual([{ userData: "one" }]);
    expect(result.data!.second!.binding.sameSubscriptionIdBindings).toEqual([{ userData: "two" }]);
  });

  it("a subscription's relations are read anew for each event, and masked for each role", async () => {
    const subscribed = subscriptionCounter(gw.gateway);
    const sessionId = "s-batch-live";
    const query = `subscription($f: CallEventFilter) { callEvents(filter: $f) {
      eventType session { eventCount bindNum binding { bindNum } }
    } }`;
    type Seen = {
      eventType: string;
      session: { eventCount: number; bindNum: string; binding: { bindNum: string } };
    };
    const admin = collect<Seen>(gw.wsClient("admin"), query, { f: { sessionId } }, "callEvents");
    const viewer = collect<Seen>(gw.wsClient("viewer"), query, { f: { sessionId } }, "callEvents");
    const updates = collect<{ session: { eventCount: number; records: { icid: string }[] } }>(
      gw.wsClient("admin"),
      `subscription($f: CallSessionFilter) { callSessionUpdates(filter: $f) { session { eventCount records { icid } } } }`,
      { f: { sessionId } },
      "callSessionUpdates",
    );
    await subscribed(3);

    // Each push waits until every subscriber has seen the one before, so that no execution can read what a
    // later push stored.
    await push(callEvent("callout", sessionId, T0, { subscriptionId: subscriptionIds[0] }));
    await Promise.all([admin.waitFor(1), viewer.waitFor(1), updates.waitFor(1)]);
    await push(
      callEvent("answer", sessionId, new Date(T0.getTime() + 5000), { subscriptionId: subscriptionIds[0] }),
    );
    await Promise.all([admin.waitFor(2), viewer.waitFor(2), updates.waitFor(2)]);
    await push({
      eventType: "fee",
      feeLst: [cdr("icid-batch-live", sessionId, T0, { subscriptionId: subscriptionIds[0] })],
    });
    const seen = await admin.waitFor(2);
    const masked = await viewer.waitFor(2);
    const sessions = await updates.waitFor(3);
    admin.unsubscribe();
    viewer.unsubscribe();
    updates.unsubscribe();

    // The second event's call counts both events: nothing kept from the first event's execution.
    expect(seen.map((e) => e.session.eventCount)).toEqual([1, 2]);
    expect(masked.map((e) => e.session.eventCount)).toEqual([1, 2]);
    const bindNum = (await findBinding(db(), subscriptionIds[0]!))!.bind_num;
    expect(seen[1]!.session).toMatchObject({ bindNum, binding: { bindNum } });
    expect(masked[1]!.session.bindNum).not.toBe(bindNum);
    expect(masked[1]!.session.bindNum).toContain("****");
    expect(masked[1]!.session.binding.bindNum).toBe(masked[1]!.session.bindNum);
    expect(sessions.map((s) => s.session.records.map((r) => r.icid))).toEqual([[], [], ["icid-batch-live"]]);
  });
});
