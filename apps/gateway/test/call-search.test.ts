// Searching calls and CDRs by start time, outcome and hang-up code: the outcome the simulator's real pushes
// get, the filters in queries and subscriptions, and keyset pages that stay stable while CDRs arrive.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ENGINES, type TestDatabase } from "./support/databases.js";
import { collect, startGateway, subscriptionCounter, type TestGateway, until } from "./support/gateway.js";
import { cdr, signedHeaders } from "./support/notifications.js";

const X1 = "+8617000000001";
const A = "+8613800000101";

type Planned =
  | "answered"
  | "no-answer"
  | "busy"
  | "rejected"
  | "caller-hangup-before-digits"
  | "empty-extension";

describe.each(ENGINES)("call search ($engine)", ({ create }) => {
  let database: TestDatabase;
  let gw: TestGateway;
  /** sessionId of each simulated call, by what it was planned as. */
  const calls = new Map<string, string>();
  const startedAt = new Map<string, number>();

  const sim = () => gw.gateway.simulator!;

  beforeAll(async () => {
    database = await create();
    gw = await startGateway({ database: database.config });
    const created = await gw.gql<{ createBinding: { binding: { extendNum: string } } }>(
      `mutation($input: CreateBindingInput!) { createBinding(input: $input) {
        ... on CreateBindingPayload { binding { extendNum } } } }`,
      { input: { bindNum: A, virtualNum: X1 } },
    );
    const extension = created.data!.createBinding.binding.extendNum;
    const plans: [string, { outcome: Planned; digits?: string }][] = [
      ["answered", { outcome: "answered", digits: extension }],
      ["no-answer", { outcome: "no-answer", digits: extension }],
      ["busy", { outcome: "busy", digits: extension }],
      ["rejected", { outcome: "rejected", digits: extension }],
      ["hangup-before-digits", { outcome: "caller-hangup-before-digits" }],
      ["empty-extension", { outcome: "empty-extension" }],
      ["wrong-extension", { outcome: "answered", digits: "9999" }],
    ];
    for (const [name, plan] of plans) {
      startedAt.set(name, Math.floor(sim().clock.now().getTime() / 1000) * 1000);
      const call = await sim().simulateCall({
        caller: "+8613900000201",
        virtualNum: X1,
        talkSeconds: 10,
        ...plan,
      });
      calls.set(name, call.sessionId);
      // Each call starts a minute after the previous one, and is over (CDR pushed) before it.
      await sim().clock.advance(60_000);
    }
    await until(async () => {
      const result = await gw.gql<{ callRecords: { edges: unknown[] } }>(
        "{ callRecords(first: 50) { edges { cursor } } }",
      );
      return result.data?.callRecords.edges.length === plans.length;
    }, "every CDR to be stored");
  }, 60_000);
  afterAll(async () => {
    await gw?.stop();
    await database?.drop();
  });

  const EXPECTED: Record<string, string> = {
    answered: "ANSWERED",
    "no-answer": "UNANSWERED",
    busy: "UNANSWERED",
    rejected: "UNANSWERED",
    "hangup-before-digits": "FAILED",
    "empty-extension": "FAILED",
    "wrong-extension": "FAILED",
  };
  const nameOf = (sessionId: string) => [...calls].find(([, id]) => id === sessionId)?.[0];

  async function sessions(filter: Record<string, unknown>, as: "admin" | "viewer" = "admin") {
    const result = await gw.gql<{
      callSessions: {
        edges: { node: { sessionId: string; outcome: string | null; hangup: { code: number } } }[];
      };
    }>(
      "query($f: CallSessionFilter) { callSessions(first: 50, filter: $f) { edges { node { sessionId outcome hangup { code } } } } }",
      { f: filter },
      as,
    );
    return result;
  }

  async function records(filter: Record<string, unknown>, as: "admin" | "viewer" = "admin") {
    return gw.gql<{ callRecords: { edges: { node: { sessionId: string; outcome: string } }[] } }>(
      "query($f: CallRecordFilter) { callRecords(first: 50, filter: $f) { edges { node { sessionId outcome } } } }",
      { f: filter },
      as,
    );
  }

  const names = (edges: { node: { sessionId: string } }[] | undefined) =>
    (edges ?? []).map((e) => nameOf(e.node.sessionId)).sort();

  it("classifies what the simulator pushes: answered, unanswered (no answer, busy, rejected), failed", async () => {
    const s = await sessions({});
    expect(s.errors).toBeUndefined();
    expect(
      Object.fromEntries(s.data!.callSessions.edges.map((e) => [nameOf(e.node.sessionId), e.node.outcome])),
    ).toEqual(EXPECTED);
    const r = await records({});
    expect(
      Object.fromEntries(r.data!.callRecords.edges.map((e) => [nameOf(e.node.sessionId), e.node.outcome])),
    ).toEqual(EXPECTED);
  });

  it("filters calls and CDRs by outcome", async () => {
    expect(names((await sessions({ outcome: "UNANSWERED" })).data?.callSessions.edges)).toEqual([
      "busy",
      "no-answer",
      "rejected",
    ]);
    expect(names((await records({ outcome: "FAILED" })).data?.callRecords.edges)).toEqual([
      "empty-extension",
      "hangup-before-digits",
      "wrong-extension",
    ]);
    expect(names((await records({ outcome: "ANSWERED", virtualNum: X1 })).data?.callRecords.edges)).toEqual([
      "answered",
    ]);
  });

  it("filters by hang-up code: the session's own, and for CDRs their call session's", async () => {
    expect(names((await sessions({ hangUpCause: 8102 })).data?.callSessions.edges)).toEqual(["busy"]);
    // The rejected call's disconnect says 7503; its CDR's ulFailReason is 7504: CDRs match by their session.
    expect(names((await records({ hangUpCause: 7503 })).data?.callRecords.edges)).toEqual(["rejected"]);
    expect(names((await records({ hangUpCause: 7504 })).data?.callRecords.edges)).toEqual([]);
    expect(names((await records({ hangUpCause: 8022 })).data?.callRecords.edges)).toEqual([
      "wrong-extension",
    ]);
  });

  it("filters by call start, [from, to)", async () => {
    const from = new Date(startedAt.get("busy")!).toISOString();
    const to = new Date(startedAt.get("hangup-before-digits")!).toISOString();
    expect(
      names((await sessions({ callStartFrom: from, callStartTo: to })).data?.callSessions.edges),
    ).toEqual(["busy", "rejected"]);
    expect(names((await records({ callStartFrom: from, callStartTo: to })).data?.callRecords.edges)).toEqual([
      "busy",
      "rejected",
    ]);
    expect(names((await records({ callStartFrom: to })).data?.callRecords.edges)).toEqual([
      "empty-extension",
      "hangup-before-digits",
      "wrong-extension",
    ]);
  });

  it("refuses an empty or reversed range with BAD_USER_INPUT", async () => {
    const at = "2026-06-01T10:00:00Z";
    for (const result of [
      await sessions({ callStartFrom: at, callStartTo: at }),
      await records({ callStartFrom: "2026-06-02T00:00:00Z", callStartTo: at }),
    ]) {
      expect(result.errors?.[0]?.extensions?.code).toBe("BAD_USER_INPUT");
      expect(result.errors?.[0]?.message).toContain("callStartFrom");
    }
  });

  it("lets viewers use the new filters (they hold no phone number)", async () => {
    const result = await records(
      { outcome: "UNANSWERED", callStartFrom: "2020-01-01T00:00:00Z", hangUpCause: 8102 },
      "viewer",
    );
    expect(result.errors).toBeUndefined();
    expect(names(result.data?.callRecords.edges)).toEqual(["busy"]);
    const s = await sessions({ outcome: "FAILED", hangUpCause: 8033 }, "viewer");
    expect(s.errors).toBeUndefined();
    expect(names(s.data?.callSessions.edges)).toEqual(["empty-extension"]);
  });

  it("has no outcome for a call in progress, and matches it by none", async () => {
    const call = await sim().simulateCall({
      caller: "+8613900000202",
      virtualNum: X1,
      digits: (
        await gw.gql<{ callSessions: { edges: { node: { extendNum: string } }[] } }>(
          `{ callSessions(first: 1, filter: { outcome: ANSWERED }) { edges { node { extendNum } } } }`,
        )
      ).data!.callSessions.edges[0]!.node.extendNum,
      ringSeconds: 60,
    });
    await sim().clock.advance(10_000);
    await until(async () => {
      const r = await gw.gql<{ callSession: { state: string } | null }>(
        "query($id: String!) { callSession(sessionId: $id) { state } }",
        { id: call.sessionId },
      );
      return r.data?.callSession?.state === "ALERTING";
    }, "the call to ring");
    const r = await gw.gql<{ callSession: { outcome: string | null } }>(
      "query($id: String!) { callSession(sessionId: $id) { outcome } }",
      { id: call.sessionId },
    );
    expect(r.data?.callSession.outcome).toBeNull();
    for (const outcome of ["ANSWERED", "UNANSWERED", "FAILED"]) {
      const s = await sessions({ outcome });
      expect(s.data!.callSessions.edges.map((e) => e.node.sessionId)).not.toContain(call.sessionId);
    }
    await sim().clock.advance(600_000);
    await until(async () => {
      const s = await sessions({ outcome: "ANSWERED" });
      return s.data!.callSessions.edges.some((e) => e.node.sessionId === call.sessionId);
    }, "the call to end answered");
  });

  it("subscriptions match outcome, range and hang-up code live; callRecords refuses hangUpCause", async () => {
    const client = gw.wsClient();
    const refused = collect(
      client,
      "subscription { callRecords(filter: { hangUpCause: 8102 }) { cursor } }",
      {},
      "callRecords",
    );
    await refused.done;
    expect(JSON.stringify(refused.errors)).toContain("BAD_USER_INPUT");
    expect(JSON.stringify(refused.errors)).toContain("hangUpCause");

    const subscribed = subscriptionCounter(gw.gateway);
    const failedRecords = collect<{ record: { sessionId: string; outcome: string } }>(
      client,
      'subscription { callRecords(filter: { outcome: FAILED, callStartFrom: "2020-01-01T00:00:00Z" }) { record { sessionId outcome } } }',
      {},
      "callRecords",
    );
    const busySessions = collect<{ session: { sessionId: string; outcome: string } }>(
      client,
      "subscription { callSessionUpdates(filter: { hangUpCause: 8102, outcome: UNANSWERED }) { session { sessionId outcome } } }",
      {},
      "callSessionUpdates",
    );
    await subscribed(2);
    const busy = await sim().simulateCall({
      caller: "+8613900000203",
      virtualNum: X1,
      digits: (
        await gw.gql<{ callSessions: { edges: { node: { extendNum: string } }[] } }>(
          `{ callSessions(first: 1, filter: { outcome: ANSWERED }) { edges { node { extendNum } } } }`,
        )
      ).data!.callSessions.edges[0]!.node.extendNum,
      outcome: "busy",
    });
    const failed = await sim().simulateCall({
      caller: "+8613900000204",
      virtualNum: X1,
      outcome: "empty-extension",
    });
    await sim().clock.advance(600_000);
    const [record] = await failedRecords.waitFor(1);
    expect(record!.record).toEqual({ sessionId: failed.sessionId, outcome: "FAILED" });
    await busySessions.waitFor(1);
    // Nothing else arrived: the answered-so-far CDRs and other sessions were filtered out.
    await until(
      async () => (await records({ outcome: "UNANSWERED" })).data!.callRecords.edges.length === 4,
      "the busy CDR",
    );
    expect(failedRecords.items).toHaveLength(1);
    // The busy call's updates (disconnect, then its CDR), each UNANSWERED with 8102; no other call's.
    for (const update of busySessions.items) {
      expect(update.session).toEqual({ sessionId: busy.sessionId, outcome: "UNANSWERED" });
    }
    failedRecords.unsubscribe();
    busySessions.unsubscribe();
  });

  it("keyset pages through a range stay stable while CDRs of the range arrive", async () => {
    const base = new Date("2025-01-01T00:00:00Z");
    const push = async (icids: string[]) => {
      const response = await gw.gateway.yoga.fetch("http://gateway.test/notify", {
        method: "POST",
        headers: signedHeaders(),
        body: JSON.stringify({
          eventType: "fee",
          feeLst: icids.map((icid, i) => cdr(icid, `s-${icid}`, new Date(base.getTime() + i * 1000))),
        }),
      });
      expect(response.status).toBe(200);
    };
    await push(Array.from({ length: 23 }, (_, i) => `page-old-${i}`));
    const filter = { callStartFrom: "2025-01-01T00:00:00Z", callStartTo: "2025-01-02T00:00:00Z" };
    const seen: string[] = [];
    let after: string | null = null;
    for (let page = 0; ; page++) {
      // While each page is read, new CDRs of the same range arrive.
      type Page = {
        callRecords: {
          edges: { node: { icid: string } }[];
          pageInfo: { hasNextPage: boolean; endCursor: string };
        };
      };
      const reading = gw.gql<Page>(
        "query($f: CallRecordFilter, $after: String) { callRecords(first: 5, after: $after, filter: $f) { edges { node { icid } } pageInfo { hasNextPage endCursor } } }",
        { f: filter, after },
      );
      const pushing = push([`page-new-${page}-a`, `page-new-${page}-b`]);
      const result: { data?: Page } = await reading;
      await pushing;
      seen.push(...result.data!.callRecords.edges.map((e) => e.node.icid));
      if (!result.data!.callRecords.pageInfo.hasNextPage) break;
      after = result.data!.callRecords.pageInfo.endCursor;
    }
    expect(new Set(seen).size).toBe(seen.length);
    const old = Array.from({ length: 23 }, (_, i) => `page-old-${i}`);
    expect(seen.filter((icid) => icid.startsWith("page-old-")).sort()).toEqual(old.sort());
  });
});
