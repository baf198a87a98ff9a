// Migration 20261207T000000-call-search backfills `outcome` and `hangup_code` of rows stored before it with
// the rule the gateway applies from then on (src/calls/call-outcome.ts): both must agree, row by row.
import {
  type CallEventNotification,
  type FeeRecord,
  type Notification,
  parseNotification,
} from "@privnum/notification-schemas";
import { Migrator, sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { callRecordOutcome } from "../src/calls/call-outcome.js";
import { foldSession } from "../src/calls/session-fold.js";
import { type DatabaseHandle, migrateToLatest, openDatabase } from "../src/database/database.js";
import { migrationProvider } from "../src/database/migration-provider.js";
import { ENGINES, type TestDatabase } from "./support/databases.js";
import { callEvent, cdr, platformTime } from "./support/notifications.js";

const T0 = new Date("2026-06-01T10:00:00Z");
const t = (seconds: number) => new Date(T0.getTime() + seconds * 1000);

function parsed(body: unknown): Notification {
  const result = parseNotification(new TextEncoder().encode(JSON.stringify(body)));
  if (!result.ok) throw new Error(JSON.stringify(result.issues));
  return result.notification;
}

type Leg = "callin" | "collectInfo" | "callout" | "alerting" | "answer";

/** A call as the simulator pushes it: its events up to `reached`, the disconnect's code, and the CDR's fields. */
interface Case {
  reached: Leg[];
  stateCode?: number;
  record?: Record<string, unknown>;
  expected: { record?: string; session: string | null; hangup: number | null };
}

const NOT_ANSWERED = { fwdAnswerTime: undefined, callEndTime: platformTime(t(60)) };

const CASES: Record<string, Case> = {
  answered: {
    reached: ["callin", "collectInfo", "callout", "alerting", "answer"],
    stateCode: 0,
    record: { fwdAlertingTime: platformTime(t(7)), ulFailReason: 0, fwdUnaswRsn: 0 },
    expected: { record: "answered", session: "answered", hangup: 0 },
  },
  "no-answer": {
    reached: ["callin", "collectInfo", "callout", "alerting"],
    stateCode: 8101,
    record: { ...NOT_ANSWERED, fwdAlertingTime: platformTime(t(7)), ulFailReason: 8101, fwdUnaswRsn: 19 },
    expected: { record: "unanswered", session: "unanswered", hangup: 8101 },
  },
  busy: {
    reached: ["callin", "collectInfo", "callout"],
    stateCode: 8102,
    record: { ...NOT_ANSWERED, fwdStartTime: platformTime(t(5)), ulFailReason: 8102, fwdUnaswRsn: 17 },
    expected: { record: "unanswered", session: "unanswered", hangup: 8102 },
  },
  rejected: {
    reached: ["callin", "collectInfo", "callout", "alerting"],
    stateCode: 7503,
    record: { ...NOT_ANSWERED, fwdAlertingTime: platformTime(t(7)), ulFailReason: 7504, fwdUnaswRsn: 21 },
    expected: { record: "unanswered", session: "unanswered", hangup: 7503 },
  },
  "wrong-extension": {
    reached: ["callin", "collectInfo"],
    stateCode: 8022,
    record: { ...NOT_ANSWERED, direction: 2, fwdDstNum: undefined, ulFailReason: 8022 },
    expected: { record: "failed", session: "failed", hangup: 8022 },
  },
  "display-mode-refused": {
    reached: ["callin", "collectInfo"],
    stateCode: 8024,
    record: { ...NOT_ANSWERED, fwdDstNum: undefined, ulFailReason: 8024 },
    expected: { record: "failed", session: "failed", hangup: 8024 },
  },
  "callee-network-error": {
    reached: ["callin", "collectInfo", "callout"],
    stateCode: 7506,
    record: { ...NOT_ANSWERED, fwdStartTime: platformTime(t(5)), ulFailReason: 7506, fwdUnaswRsn: 38 },
    expected: { record: "failed", session: "failed", hangup: 7506 },
  },
  // It rang, then the far end failed: the rule's "alerted" step decides, no code does.
  "rang-then-far-end-failure": {
    reached: ["callin", "collectInfo", "callout", "alerting"],
    stateCode: 8139,
    record: { ...NOT_ANSWERED, fwdAlertingTime: platformTime(t(7)), ulFailReason: 8002 },
    expected: { record: "unanswered", session: "unanswered", hangup: 8139 },
  },
  "cdr-only-rejected": {
    reached: [],
    record: { ...NOT_ANSWERED, ulFailReason: 7504 },
    expected: { record: "unanswered", session: "unanswered", hangup: 7504 },
  },
  "in-progress": {
    reached: ["callin", "collectInfo", "callout", "alerting"],
    expected: { session: null, hangup: null },
  },
};

describe.each(ENGINES)("migration 20261207T000000-call-search ($engine)", ({ create }) => {
  let test: TestDatabase;
  let handle: DatabaseHandle;

  beforeAll(async () => {
    test = await create();
    handle = await openDatabase(test.config);
  });
  afterAll(async () => {
    await handle?.close();
    await test?.drop();
  });

  it("backfills outcome and hang-up code as the gateway computes them", async () => {
    const migrator = new Migrator({ db: handle.db, provider: migrationProvider });
    expect((await migrator.migrateTo("20261206T200000-stream-changes")).error).toBeUndefined();
    // biome-ignore lint/suspicious/noExplicitAny: the previous schema's columns only.
    const db = handle.db as any;
    const { id: receivedId } = await db
      .insertInto("received_notifications")
      .values({
        path: "/notify",
        kind: "fee",
        verdict: "accepted",
        http_status: 200,
        body_size: 0,
      })
      .returning("id")
      .executeTakeFirstOrThrow();
    const computed = new Map<string, { record?: string; session: string | null; hangup: number | null }>();
    for (const [name, c] of Object.entries(CASES)) {
      const sessionId = `s-${name}`;
      const events = [
        ...c.reached.map((type, i) => callEvent(type, sessionId, t(i * 2))),
        ...(c.stateCode !== undefined
          ? [callEvent("disconnect", sessionId, t(60), { stateCode: c.stateCode, stateDesc: "x" })]
          : []),
      ].map((body) => parsed(body) as CallEventNotification);
      const records = c.record
        ? (
            parsed({
              eventType: "fee",
              feeLst: [cdr(`icid-${name}`, sessionId, T0, c.record)],
            }) as unknown as {
              feeLst: FeeRecord[];
            }
          ).feeLst
        : [];
      const folded = foldSession(events, records);
      computed.set(name, {
        ...(records[0] ? { record: callRecordOutcome(records[0]) } : {}),
        session: folded.outcome,
        hangup: folded.hangupCode,
      });
      for (const record of records) {
        const { raw: _raw, ...stored } = record;
        await db
          .insertInto("call_records")
          .values({
            icid: record.icid,
            session_id: sessionId,
            direction: record.direction,
            call_in_time: T0,
            fwd_answer_time: record.fwdAnswerTimeIso ? new Date(record.fwdAnswerTimeIso) : null,
            record: JSON.stringify(stored),
            received_notification_id: receivedId,
            content_hash: sql`sha256(convert_to(${record.icid}::text, 'UTF8'))`,
          })
          .execute();
      }
      await db
        .insertInto("call_sessions")
        .values({
          session_id: sessionId,
          status: folded.status,
          started_at: folded.startedAt,
          ended_at: folded.endedAt,
          session: JSON.stringify(folded.session),
          event_count: events.length,
          record_count: records.length,
          created_at: T0,
          updated_at: T0,
        })
        .execute();
    }
    // The rule itself classifies these calls as intended.
    expect(Object.fromEntries(computed)).toEqual(
      Object.fromEntries(Object.entries(CASES).map(([n, c]) => [n, c.expected])),
    );

    expect((await migrateToLatest(handle.db)).ok).toBe(true);

    const stored = new Map<string, { record?: string; session: string | null; hangup: number | null }>();
    for (const row of await handle.db
      .selectFrom("call_sessions")
      .select(["session_id", "outcome", "hangup_code"])
      .execute()) {
      stored.set(row.session_id.slice(2), { session: row.outcome, hangup: row.hangup_code });
    }
    for (const row of await handle.db
      .selectFrom("call_records")
      .select(["session_id", "outcome"])
      .execute()) {
      const name = row.session_id.slice(2);
      stored.set(name, { record: row.outcome, ...stored.get(name)! });
    }
    expect(Object.fromEntries(stored)).toEqual(Object.fromEntries(computed));
  });
});
