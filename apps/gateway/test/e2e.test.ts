import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { collect, startGateway, subscriptionCounter, type TestGateway, until } from "./support/gateway.js";

const X1 = "+8617000000001";
const X2 = "+8617000000002";

const CALL_EVENTS = /* GraphQL */ `
  subscription Events($filter: CallEventFilter, $after: String) {
    callEvents(filter: $filter, after: $after) {
      cursor eventType sessionId subscriptionId virtualNum bindNum caller digitInfo stateCode
      hangupReason { known description }
    }
  }
`;

interface EventView {
  cursor: string;
  eventType: string;
  sessionId: string;
  subscriptionId: string | null;
  virtualNum: string | null;
  bindNum: string | null;
  stateCode: number | null;
}

const FULL_CALL = ["CALLIN", "COLLECT_INFO", "CALLOUT", "ALERTING", "ANSWER", "DISCONNECT"];

describe("end to end with the embedded simulator", () => {
  let gw: TestGateway;
  beforeAll(async () => {
    gw = await startGateway();
  });
  afterAll(async () => {
    await gw?.stop();
  });
  afterEach(async () => {
    // Each test ends its subscriptions; wait until the server has let go, so counts start from zero.
    await until(
      () => gw.gateway.services.feed.listenerCount() + gw.gateway.services.changes.listenerCount() === 0,
      "subscriptions of the previous test to end",
    );
  });

  const sim = () => gw.gateway.simulator!;

  async function bind(bindNum: string, virtualNum: string, extra: Record<string, unknown> = {}) {
    const result = await gw.gql<{
      createBinding: { __typename: string; binding: { subscriptionId: string; extendNum: string } };
    }>(
      `mutation($input: CreateBindingInput!) { createBinding(input: $input) {
        __typename ... on CreateBindingPayload { binding { subscriptionId extendNum } } } }`,
      { input: { bindNum, virtualNum, ...extra } },
    );
    expect(result.data?.createBinding.__typename).toBe("CreateBindingPayload");
    return result.data!.createBinding.binding;
  }

  it("createBinding → simulated call → callin … disconnect in order, then the CDR in callRecords", async () => {
    const binding = await bind("+8613800000101", X1, { recordFlag: true });
    const subscribed = subscriptionCounter(gw.gateway);
    const client = gw.wsClient();
    const events = collect<EventView>(client, CALL_EVENTS, { filter: { virtualNum: X1 } }, "callEvents");
    const records = collect<{ record: { icid: string; subscriptionId: string } }>(
      client,
      "subscription { callRecords { cursor record { icid subscriptionId sessionId } } }",
      {},
      "callRecords",
    );
    const sessions = collect<{ session: { state: string } }>(
      client,
      "subscription($f: CallSessionFilter) { callSessionUpdates(filter: $f) { cursor session { sessionId state } } }",
      { f: { subscriptionId: binding.subscriptionId } },
      "callSessionUpdates",
    );
    await subscribed(3);

    const call = await sim().simulateCall({
      caller: "+8613900000101",
      virtualNum: X1,
      digits: binding.extendNum,
      talkSeconds: 20,
    });
    await sim().clock.advance(120_000);

    const received = await events.waitFor(6);
    expect(received.map((e) => e.eventType)).toEqual(FULL_CALL);
    expect(new Set(received.map((e) => e.sessionId))).toEqual(new Set([call.sessionId]));
    // callin carries no subscriptionId (the extension is not keyed yet); later events are attributed.
    expect(received[0]).toMatchObject({ subscriptionId: null, virtualNum: X1 });
    for (const e of received.slice(1)) {
      expect(e).toMatchObject({ subscriptionId: binding.subscriptionId, bindNum: "+8613800000101" });
    }
    expect(received[5]).toMatchObject({ stateCode: 0, hangupReason: { known: true } });
    const cursors = received.map((e) => e.cursor);
    expect(new Set(cursors).size).toBe(6);

    const [cdr] = await records.waitFor(1);
    expect(cdr!.record).toMatchObject({ subscriptionId: binding.subscriptionId });
    await until(() => sessions.items.some((s) => s.session.state === "BILLED"), "the session to be billed");

    const list = await gw.gql<{
      callRecords: { edges: { node: Record<string, unknown> }[] };
      callSession: Record<string, unknown>;
    }>(
      `query($sub: String!, $sid: String!) {
        callRecords(filter: { subscriptionId: $sub }) { edges { node {
          icid sessionId bindNum virtualNum extendNum talkSeconds recordFlag
          recordingDownloadUrl { __typename ... on RecordingDownloadUrl { url source } }
        } } }
        callSession(sessionId: $sid) {
          state scenario subscriptionId bindNum virtualNum digits talkSeconds eventCount
          events { eventType } records { icid } binding { subscriptionId }
        }
      }`,
      { sub: binding.subscriptionId, sid: call.sessionId },
    );
    expect(list.errors).toBeUndefined();
    expect(list.data?.callRecords.edges).toHaveLength(1);
    const node = list.data!.callRecords.edges[0]!.node;
    expect(node).toMatchObject({
      icid: cdr!.record.icid,
      sessionId: call.sessionId,
      bindNum: "+8613800000101",
      virtualNum: X1,
      extendNum: binding.extendNum,
      talkSeconds: 20,
      recordFlag: true,
      recordingDownloadUrl: { __typename: "RecordingDownloadUrl", source: "platform" },
    });
    const recording = await fetch((node.recordingDownloadUrl as { url: string }).url);
    expect(recording.status).toBe(200);
    expect(new TextDecoder().decode((await recording.arrayBuffer()).slice(0, 4))).toBe("RIFF");

    expect(list.data?.callSession).toMatchObject({
      state: "BILLED",
      scenario: "CALLEE",
      subscriptionId: binding.subscriptionId,
      bindNum: "+8613800000101",
      virtualNum: X1,
      digits: binding.extendNum,
      talkSeconds: 20,
      eventCount: 6,
      records: [{ icid: cdr!.record.icid }],
      binding: { subscriptionId: binding.subscriptionId },
    });
    expect((list.data!.callSession.events as { eventType: string }[]).map((e) => e.eventType)).toEqual(
      FULL_CALL,
    );

    // A now calls X back: the callback scenario. Its callin is attributed (A and X name the binding).
    const back = await sim().simulateCall({ caller: "+8613800000101", virtualNum: X1, talkSeconds: 5 });
    expect(back.scenario).toBe("callback");
    await sim().clock.advance(60_000);
    const callback = (await events.waitFor(11)).slice(6);
    expect(callback.map((e) => e.eventType)).toEqual([
      "CALLIN",
      "CALLOUT",
      "ALERTING",
      "ANSWER",
      "DISCONNECT",
    ]);
    for (const e of callback)
      expect(e).toMatchObject({ sessionId: back.sessionId, subscriptionId: binding.subscriptionId });
    const session = await gw.gql<{ callSession: { scenario: string; bindNum: string } }>(
      "query($sid: String!) { callSession(sessionId: $sid) { scenario bindNum } }",
      { sid: back.sessionId },
    );
    expect(session.data?.callSession).toEqual({ scenario: "CALLBACK", bindNum: "+8613800000101" });
    events.unsubscribe();
    records.unsubscribe();
    sessions.unsubscribe();
  });

  it("duplicated pushes (simulator fault) give one row per event and one delivery per subscriber", async () => {
    const binding = await bind("+8613800000102", X2);
    const subscribed = subscriptionCounter(gw.gateway);
    const client = gw.wsClient();
    const events = collect<EventView>(client, CALL_EVENTS, { filter: { virtualNum: X2 } }, "callEvents");
    const records = collect<{ record: { icid: string } }>(
      client,
      "subscription($f: CallRecordFilter) { callRecords(filter: $f) { record { icid } } }",
      { f: { virtualNum: X2 } },
      "callRecords",
    );
    await subscribed(2);
    sim().setFaults({ push: { duplicate: 1 } });
    try {
      const call = await sim().simulateCall({
        caller: "+8613900000102",
        virtualNum: X2,
        digits: binding.extendNum,
      });
      await sim().clock.advance(120_000);
      const pushed = sim()
        .deliveries()
        .filter((d) => JSON.stringify(d.body).includes(call.sessionId));
      expect(pushed.filter((d) => d.duplicate && d.outcome === "delivered").length).toBeGreaterThanOrEqual(7);

      await events.waitFor(6);
      await records.waitFor(1);
      // Give any duplicate a chance to arrive before counting.
      await gw.gateway.services.feed.catchUp();
      await gw.gateway.services.changes.catchUp();
      expect(events.items.map((e) => e.eventType)).toEqual(FULL_CALL);
      expect(records.items).toHaveLength(1);
      const db = gw.gateway.services.db;
      const rows = await db
        .selectFrom("call_events")
        .select("event_type")
        .where("session_id", "=", call.sessionId)
        .execute();
      expect(rows).toHaveLength(6);
      const cdrs = await db
        .selectFrom("call_records")
        .select("icid")
        .where("session_id", "=", call.sessionId)
        .execute();
      expect(cdrs).toHaveLength(1);
      const verdicts = await db
        .selectFrom("received_notifications")
        .select("verdict")
        .where("body", "is not", null)
        .orderBy("id", "desc")
        .limit(14)
        .execute();
      expect(verdicts.filter((v) => v.verdict === "duplicate").length).toBe(7);
    } finally {
      sim().setFaults({ push: {} });
      events.unsubscribe();
      records.unsubscribe();
    }
  });

  it("a subscriber that disconnects mid-call and resumes with `after` gets exactly the events it missed", async () => {
    const binding = await bind("+8613800000103", X1);
    const filter = { subscriptionId: binding.subscriptionId };
    const baseline = gw.gateway.services.feed.listenerCount();
    const first = gw.wsClient();
    const before = collect<EventView>(first, CALL_EVENTS, { filter }, "callEvents");
    await until(() => gw.gateway.services.feed.listenerCount() === baseline + 1, "the subscription");

    const call = await sim().simulateCall({
      caller: "+8613900000103",
      virtualNum: X1,
      digits: binding.extendNum,
      ringSeconds: 10,
      talkSeconds: 30,
    });
    // Up to the ringing (alerting comes 7 s in): collectInfo, callout, alerting (callin carries no
    // subscriptionId in this scenario, so this filter does not see it).
    await sim().clock.advance(8_000);
    const seen = await before.waitFor(3);
    expect(seen.map((e) => e.eventType)).toEqual(["COLLECT_INFO", "CALLOUT", "ALERTING"]);
    await first.dispose();
    await until(
      () => gw.gateway.services.feed.listenerCount() === baseline,
      "the first subscriber to be gone",
    );

    // While nobody listens: answer and disconnect are stored.
    await sim().clock.advance(60_000);
    const stored = await gw.gateway.services.db
      .selectFrom("call_events")
      .select("event_type")
      .where("session_id", "=", call.sessionId)
      .execute();
    expect(stored).toHaveLength(6);

    const second = gw.wsClient();
    const resumed = collect<EventView>(
      second,
      CALL_EVENTS,
      { filter, after: seen.at(-1)!.cursor },
      "callEvents",
    );
    const missed = await resumed.waitFor(2);
    expect(missed.map((e) => e.eventType)).toEqual(["ANSWER", "DISCONNECT"]);

    // …and it continues live, with nothing repeated.
    const next = await sim().simulateCall({
      caller: "+8613900000104",
      virtualNum: X1,
      digits: binding.extendNum,
    });
    await sim().clock.advance(120_000);
    await resumed.waitFor(7);
    await gw.gateway.services.feed.catchUp();
    expect(resumed.items.map((e) => e.eventType)).toEqual(["ANSWER", "DISCONNECT", ...FULL_CALL.slice(1)]);
    expect(resumed.items.slice(2).every((e) => e.sessionId === next.sessionId)).toBe(true);
    resumed.unsubscribe();
  });

  it("bindingChanges streams create, update, delete and expiry; number status changes stream too", async () => {
    const subscribed = subscriptionCounter(gw.gateway);
    const client = gw.wsClient();
    const changes = collect<{ kind: string; binding: { subscriptionId: string; state: string } }>(
      client,
      "subscription($f: BindingChangeFilter) { bindingChanges(filter: $f) { kind binding { subscriptionId state } } }",
      { f: { bindNum: "+8613800000105" } },
      "bindingChanges",
    );
    const numbers = collect<{ virtualNumber: { number: string; status: string } }>(
      client,
      'subscription { virtualNumberStatus(number: "+8617000000002") { virtualNumber { number status } } }',
      {},
      "virtualNumberStatus",
    );
    await subscribed(2);

    const binding = await bind("+8613800000105", X2, { bindExpiredTime: 5, timeUnit: "MINUTES" });
    await gw.gql(
      `mutation($id: String!) { updateBinding(input: { subscriptionId: $id, userData: "v2" }) { __typename } }`,
      {
        id: binding.subscriptionId,
      },
    );
    const other = await bind("+8613800000105", X1);
    await gw.gql(`mutation($id: String!) { deleteBinding(input: { subscriptionId: $id }) { __typename } }`, {
      id: other.subscriptionId,
    });
    await sim().clock.advance(5 * 60_000);
    expect(await gw.gateway.services.bindings.sweepExpired()).toBeGreaterThanOrEqual(1);
    expect(await gw.gateway.services.bindings.sweepExpired()).toBe(0);

    const got = await changes.waitFor(5);
    expect(got.map((c) => [c.kind, c.binding.subscriptionId])).toEqual([
      ["CREATED", binding.subscriptionId],
      ["UPDATED", binding.subscriptionId],
      ["CREATED", other.subscriptionId],
      ["DELETED", other.subscriptionId],
      ["EXPIRED", binding.subscriptionId],
    ]);
    expect(got[4]!.binding.state).toBe("EXPIRED");

    await sim().setNumberStatus({ number: X2, status: "9" });
    await sim().clock.advance(1_000);
    expect(await numbers.waitFor(1)).toEqual([{ virtualNumber: { number: X2, status: "PAUSED" } }]);
    changes.unsubscribe();
    numbers.unsubscribe();
  });

  it("an invalid cursor ends the subscription with a client error; unsubscribing releases the listener", async () => {
    const baseline = gw.gateway.services.feed.listenerCount();
    const client = gw.wsClient();
    const bad = collect<EventView>(client, CALL_EVENTS, { after: "bm90LWEtY3Vyc29y" }, "callEvents");
    await bad.done;
    expect(JSON.stringify(bad.errors)).toMatch(/not a callEvent cursor/);

    // A cursor kept from before a database reset points past the end of this stream.
    const ahead = collect<EventView>(
      client,
      CALL_EVENTS,
      { after: Buffer.from("ce:999999999").toString("base64url") },
      "callEvents",
    );
    await ahead.done;
    expect(ahead.errors).toEqual([
      expect.objectContaining({
        message: expect.stringMatching(/past the end of the call event stream \(position 999999999/),
        extensions: { code: "BAD_USER_INPUT" },
      }),
    ]);

    const broken = collect<EventView>(client, "subscription { callEvents { cursor ", {}, "callEvents");
    await broken.done;
    expect(JSON.stringify(broken.errors)).toMatch(/Syntax Error/);
    const unknown = collect<EventView>(client, "subscription { callEventz { cursor } }", {}, "callEventz");
    await unknown.done;
    expect(JSON.stringify(unknown.errors)).toContain("Cannot query field");

    // The socket survived both; a valid subscription works on it.
    const live = collect<EventView>(client, CALL_EVENTS, {}, "callEvents");
    await until(() => gw.gateway.services.feed.listenerCount() === baseline + 1, "the subscription");
    live.unsubscribe();
    await until(() => gw.gateway.services.feed.listenerCount() === baseline, "the listener to be released");
  });
});
