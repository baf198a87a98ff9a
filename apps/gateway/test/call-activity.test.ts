// VirtualNumber.activity: the live panel's numbers, counted in the database from the calls the gateway stored
// (signed pushes, folded as usual): totals, answer rate, hang-up causes, buckets with zeros, the window's
// edges as the clock moves, calls in progress, argument errors, the viewer's view, statements and cost. On
// both engines.
import { createComplexityRule } from "@pothos/plugin-complexity";
import { describeStateCode, describeUlFailReason, maskPhoneNumber } from "@privnum/notification-schemas";
import { parse, validate } from "graphql";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { schema } from "../src/graphql/schema.js";
import { DEFAULT_LIMITS, SIMULATOR_DEFAULT_APP } from "../src/shared/config.js";
import { ENGINES, type TestDatabase } from "./support/databases.js";
import { type As, startGateway, type TestGateway } from "./support/gateway.js";
import { callEvent, cdr, signedHeaders } from "./support/notifications.js";

const X1 = "+8617000000001";
const X2 = "+8617000000002";
/** An X served without a call. */
const X3 = "+8617000000003";
/** The gateway's clock: the window ends here unless a test moves it. */
const NOW = new Date("2026-06-01T12:00:00.000Z");
const at = (hhmmss: string) => new Date(`2026-06-01T${hhmmss}.000Z`);
const later = (date: Date, seconds: number) => new Date(date.getTime() + seconds * 1000);

const ACTIVITY_FIELDS = `
  from to started inProgress answered unanswered failed answerRate
  hangUpCauses { code source known description zh category count }
  buckets { from started answered unanswered failed }
`;

interface Bucket {
  from: string;
  started: number;
  answered: number;
  unanswered: number;
  failed: number;
}
interface Cause {
  code: number;
  source: string;
  known: boolean;
  description: string | null;
  zh: string | null;
  category: string | null;
  count: number;
}
interface Activity {
  from: string;
  to: string;
  started: number;
  inProgress: number;
  answered: number;
  unanswered: number;
  failed: number;
  answerRate: number | null;
  hangUpCauses: Cause[];
  buckets: Bucket[];
}
type GqlError = { message: string; extensions?: Record<string, unknown> };

describe.each(ENGINES)("VirtualNumber.activity ($engine)", ({ create }) => {
  let database: TestDatabase;
  let gw: TestGateway;
  let clock = NOW;

  async function push(body: unknown) {
    const response = await gw.gateway.yoga.fetch("http://gateway.test/notify", {
      method: "POST",
      headers: signedHeaders(),
      body: JSON.stringify(body),
    });
    expect(response.status).toBe(200);
  }

  /** A call on `x` from its callin at `start`, then the events `then` lists (seconds after the start). */
  async function call(
    sessionId: string,
    start: Date,
    then: [
      eventType: "alerting" | "answer" | "disconnect",
      seconds: number,
      fields?: Record<string, unknown>,
    ][] = [],
    x = X1,
  ) {
    await push(callEvent("callin", sessionId, start, { called: x }));
    for (const [eventType, seconds, fields] of then) {
      await push(callEvent(eventType, sessionId, later(start, seconds), { called: x, ...fields }));
    }
  }

  beforeAll(async () => {
    database = await create();
    gw = await startGateway(
      { database: database.config },
      // Nothing polls the database on its own while statements are counted.
      {
        now: () => clock,
        feedPollIntervalMs: 3_600_000,
        noncePurgeIntervalMs: 3_600_000,
        simulator: { apps: [{ ...SIMULATOR_DEFAULT_APP, virtualNumbers: [X1, X2, X3] }] },
      },
    );
    // Answered, started exactly at the default window's start (counted), normal release (stateCode 0).
    await call("s-at-from", at("11:00:00"), [
      ["answer", 5],
      ["disconnect", 60],
    ]);
    // Started a second before the window: never counted.
    await call("s-before", at("10:59:59"), [
      ["answer", 5],
      ["disconnect", 60],
    ]);
    // Started exactly at the window's end (now): not counted until the clock moves on.
    await call("s-at-to", at("12:00:00"));
    await call("s-answered", at("11:12:30"), [
      ["answer", 5],
      ["disconnect", 90],
    ]);
    // Rang, then the callee rejected it: unanswered, stateCode 7503.
    await call("s-rejected", at("11:12:40"), [
      ["alerting", 3],
      ["disconnect", 20, { stateCode: 7503, stateDesc: "rejected" }],
    ]);
    // No binding for the extension (stateCode 8022): failed, twice.
    await call("s-no-binding-1", at("11:31:00"), [["disconnect", 10, { stateCode: 8022 }]]);
    await call("s-no-binding-2", at("11:32:00"), [["disconnect", 10, { stateCode: 8022 }]]);
    // Only a CDR: not answered, ulFailReason 7503, which that table words differently from the stateCode.
    await push({
      eventType: "fee",
      feeLst: [
        cdr("icid-cdr-only", "s-cdr-only", at("11:45:00"), { fwdAnswerTime: undefined, ulFailReason: 7503 }),
      ],
    });
    // Still ringing: in progress.
    await call("s-live", at("11:59:59"));
    // Another X's call in the window: never counted on X1.
    await call("s-other-x", at("11:30:00"), [["disconnect", 10, { stateCode: 8022 }]], X2);
  }, 60_000);
  afterAll(async () => {
    await gw?.stop();
    await database?.drop();
  });

  async function activityOf(
    x: string,
    args = "",
    as: As = "admin",
  ): Promise<{ activity?: Activity; errors?: GqlError[] }> {
    const result = await gw.gql<{ virtualNumbers: { number: string; activity: Activity }[] }>(
      `{ virtualNumbers { number activity${args} { ${ACTIVITY_FIELDS} } } }`,
      undefined,
      as,
    );
    if (result.errors) return { errors: result.errors };
    const shown = as === "admin" ? x : maskPhoneNumber(x);
    const found = result.data!.virtualNumbers.filter((n) => n.number === shown);
    expect(found).toHaveLength(1);
    return { activity: found[0]!.activity };
  }

  const emptyBucket = (from: Date): Bucket => ({
    from: from.toISOString(),
    started: 0,
    answered: 0,
    unanswered: 0,
    failed: 0,
  });

  it("counts the calls of the last hour by outcome, with the answer rate of the finished ones", async () => {
    const { activity, errors } = await activityOf(X1);
    expect(errors).toBeUndefined();
    expect(activity).toMatchObject({
      from: "2026-06-01T11:00:00.000Z",
      to: "2026-06-01T12:00:00.000Z",
      started: 7,
      inProgress: 1,
      answered: 2,
      unanswered: 2,
      failed: 2,
    });
    expect(activity!.answerRate).toBeCloseTo(2 / 6, 10);
  });

  it("groups finished calls by hang-up code and source, most frequent first, described as CallSession.hangup is", async () => {
    const { activity } = await activityOf(X1);
    const state = (code: number, count: number): Cause => {
      const found = describeStateCode(code);
      if (!found.known) throw new Error(`stateCode ${code} is not in the table`);
      return {
        code,
        source: "stateCode",
        known: true,
        description: found.description,
        zh: found.zh,
        category: found.category,
        count,
      };
    };
    const ulFail = describeUlFailReason(7503);
    if (!ulFail.known) throw new Error("ulFailReason 7503 is not in the table");
    expect(activity!.hangUpCauses).toEqual([
      state(0, 2),
      state(8022, 2),
      state(7503, 1),
      {
        code: 7503,
        source: "ulFailReason",
        known: true,
        description: ulFail.description,
        zh: ulFail.zh,
        category: null,
        count: 1,
      },
    ]);
    expect(activity!.hangUpCauses[2]!.description).not.toBe(activity!.hangUpCauses[3]!.description);

    // Each cause says what the calls' own `hangup` says.
    const calls = await gw.gql<{
      callSessions: { edges: { node: { sessionId: string; hangup: Omit<Cause, "count"> | null } }[] };
    }>(
      `{ callSessions(first: 50, filter: { virtualNum: "${X1}" }) { edges { node {
        sessionId hangup { code source known description zh category } } } } }`,
    );
    const hangups = new Map(calls.data!.callSessions.edges.map((e) => [e.node.sessionId, e.node.hangup]));
    const { count: _count, ...rejected } = activity!.hangUpCauses[2]!;
    const { count: _count2, ...cdrOnly } = activity!.hangUpCauses[3]!;
    expect(hangups.get("s-rejected")).toEqual(rejected);
    expect(hangups.get("s-cdr-only")).toEqual(cdrOnly);
  });

  it("returns every bucket, oldest first, zeros included", async () => {
    const { activity } = await activityOf(X1);
    const buckets = Array.from({ length: 12 }, (_, i) => emptyBucket(later(at("11:00:00"), i * 300)));
    Object.assign(buckets[0]!, { started: 1, answered: 1 });
    Object.assign(buckets[2]!, { started: 2, answered: 1, unanswered: 1 });
    Object.assign(buckets[6]!, { started: 2, failed: 2 });
    Object.assign(buckets[9]!, { started: 1, unanswered: 1 });
    Object.assign(buckets[11]!, { started: 1 });
    expect(activity!.buckets).toEqual(buckets);
  });

  it("counts a call started exactly at `from`, not one started exactly at `to`, as the clock moves", async () => {
    try {
      clock = later(NOW, 1);
      const { activity } = await activityOf(X1);
      expect(activity).toMatchObject({
        from: "2026-06-01T11:00:01.000Z",
        to: "2026-06-01T12:00:01.000Z",
        // s-at-from left the window, s-at-to entered it (in progress).
        started: 7,
        inProgress: 2,
        answered: 1,
      });
      expect(activity!.buckets[0]).toEqual({ ...emptyBucket(at("11:00:01")) });
      expect(activity!.buckets[11]).toEqual({ ...emptyBucket(at("11:55:01")), started: 2 });
    } finally {
      clock = NOW;
    }
  });

  it("reads a short window in short buckets; a window without finished calls has no answer rate", async () => {
    const { activity } = await activityOf(X1, "(minutes: 5, bucketMinutes: 1)");
    expect(activity).toMatchObject({
      from: "2026-06-01T11:55:00.000Z",
      started: 1,
      inProgress: 1,
      answered: 0,
      answerRate: null,
      hangUpCauses: [],
    });
    expect(activity!.buckets.map((b) => [b.from, b.started])).toEqual([
      ["2026-06-01T11:55:00.000Z", 0],
      ["2026-06-01T11:56:00.000Z", 0],
      ["2026-06-01T11:57:00.000Z", 0],
      ["2026-06-01T11:58:00.000Z", 0],
      ["2026-06-01T11:59:00.000Z", 1],
    ]);
  });

  it("counts each X's own calls; an X without calls has zeros in every bucket", async () => {
    const { activity: other } = await activityOf(X2);
    expect(other).toMatchObject({ started: 1, failed: 1, answerRate: 0 });
    const { activity: quiet } = await activityOf(X3, "(minutes: 1440, bucketMinutes: 60)");
    expect(quiet).toMatchObject({ started: 0, inProgress: 0, answerRate: null, hangUpCauses: [] });
    expect(quiet!.buckets).toHaveLength(24);
    expect(quiet!.buckets.every((b) => b.started + b.answered + b.unanswered + b.failed === 0)).toBe(true);
  });

  it("gives a viewer, who sees X masked, the same numbers", async () => {
    const admin = await activityOf(X1, "(minutes: 120, bucketMinutes: 10)");
    const viewer = await activityOf(X1, "(minutes: 120, bucketMinutes: 10)", "viewer");
    expect(viewer.errors).toBeUndefined();
    expect(viewer.activity).toEqual(admin.activity);
    expect(viewer.activity!.started).toBe(8);
  });

  it("refuses arguments out of range with BAD_USER_INPUT naming the argument and its range", async () => {
    const cases: [string, string, RegExp][] = [
      ["(minutes: 4)", "minutes", /minutes must be an integer from 5 to 1440, not 4/],
      ["(minutes: 1441)", "minutes", /minutes must be an integer from 5 to 1440, not 1441/],
      ["(bucketMinutes: 0)", "bucketMinutes", /bucketMinutes must be an integer from 1 to 60, not 0/],
      ["(minutes: 120, bucketMinutes: 61)", "bucketMinutes", /from 1 to 60, not 61/],
      ["(minutes: 60, bucketMinutes: 7)", "bucketMinutes", /must divide minutes \(60\) exactly/],
      ["(minutes: 1440, bucketMinutes: 4)", "bucketMinutes", /at most 288 buckets, not 360/],
    ];
    for (const [args, argument, message] of cases) {
      const { errors } = await activityOf(X1, args);
      expect(errors, args).toHaveLength(1);
      expect(errors![0]!.message, args).toMatch(message);
      expect(errors![0]!.extensions, args).toMatchObject({ code: "BAD_USER_INPUT", argument });
    }
    // The limits themselves are accepted; an explicit null is the default.
    expect((await activityOf(X1, "(minutes: 1440, bucketMinutes: 5)")).activity!.buckets).toHaveLength(288);
    expect((await activityOf(X1, "(minutes: 5, bucketMinutes: 5)")).activity!.buckets).toHaveLength(1);
    expect((await activityOf(X1, "(minutes: null, bucketMinutes: null)")).activity!.buckets).toHaveLength(12);
  });

  it("reads every X's activity in one statement per distinct window", async () => {
    const query = `{ virtualNumbers { number
      a: activity { started buckets { started } hangUpCauses { code count } }
      b: activity { answered }
      c: activity(minutes: 1440, bucketMinutes: 60) { started } } }`;
    const before = gw.gateway.databaseQueryCount();
    const result = await gw.gql<{ virtualNumbers: { number: string; c: { started: number } }[] }>(query);
    const statements = gw.gateway.databaseQueryCount() - before;
    expect(result.errors).toBeUndefined();
    expect(result.data!.virtualNumbers.map((n) => n.number).sort()).toEqual([X1, X2, X3]);
    // The list of numbers, then one statement for each of the two windows.
    expect(statements).toBe(3);
    expect(result.data!.virtualNumbers.find((n) => n.number === X1)!.c.started).toBe(8);
  });

  it("costs more with more buckets, and a full panel of every X stays within the default cost limit", async () => {
    const costOf = (query: string) => {
      let cost = 0;
      validate(schema, parse(query), [
        createComplexityRule({
          context: {},
          variableValues: {},
          validate: ({ complexity }) => {
            cost = complexity;
          },
        }),
      ]);
      return cost;
    };
    const panel = (args: string) => `{ virtualNumbers { number activity${args} { ${ACTIVITY_FIELDS} } } }`;
    const hour = costOf(panel(""));
    const day = costOf(panel("(minutes: 1440, bucketMinutes: 5)"));
    expect(day).toBeGreaterThan(hour + 10 * 200);
    expect(day).toBeLessThanOrEqual(DEFAULT_LIMITS.graphql.maxCost);
    // The gateway (default limits) answers it.
    const { errors } = await activityOf(X1, "(minutes: 1440, bucketMinutes: 5)");
    expect(errors).toBeUndefined();
  });
});
