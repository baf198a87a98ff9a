import type { CallEventNotification, FeeRecord, Notification } from "@privnum/notification-schemas";
import type { Kysely } from "kysely";
import { lockCallSessions } from "../db/advisory-locks.js";
import type { BindingRow } from "../db/binding.table.js";
import {
  findBindings,
  findLatestBindingByExtension,
  findLatestBindingByNumbers,
} from "../db/binding-repository.js";
import type { CallEventRow, NewCallEventRow } from "../db/call-event.table.js";
import { assignStreamPositions, insertCallEvents } from "../db/call-event-repository.js";
import { listCallHistory } from "../db/call-history-repository.js";
import type { CallRecordRow, NewCallRecordRow } from "../db/call-record.table.js";
import { insertCallRecords } from "../db/call-record-repository.js";
import type { CallSessionRow, NewCallSessionRow } from "../db/call-session.table.js";
import { findCallSessions, upsertCallSessions } from "../db/call-session-repository.js";
import type { Database, Executor } from "../db/database.js";
import type { NewReceivedNotificationRow, NotificationVerdict } from "../db/received-notification.table.js";
import {
  insertReceivedNotification,
  setNotificationVerdict,
} from "../db/received-notification-repository.js";
import type { VirtualNumberRow } from "../db/virtual-number.table.js";
import { applyVirtualNumberStatus, rememberVirtualNumbers } from "../db/virtual-number-repository.js";
import { foldSession } from "./session-fold.js";

/** The body as received, to keep alongside what was stored from it. */
export interface ReceivedBody {
  path: string;
  contentType: string | null;
  appKey: string | null;
  bytes: Uint8Array;
}

/** What one push changed, for publishing after commit. */
export interface StoredPush {
  receivedId: number;
  verdict: NotificationVerdict;
  reason: string | null;
  itemCount: number;
  /** New call events with their stream positions, in stream order. */
  events: CallEventRow[];
  /** New CDRs. */
  records: CallRecordRow[];
  /** Calls whose folded state changed. */
  sessions: CallSessionRow[];
  /** X numbers whose status changed. */
  numbers: VirtualNumberRow[];
}

function instant(iso: string | undefined): Date | null {
  if (!iso) return null;
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? null : date;
}

function str(value: unknown): string | null {
  return typeof value === "string" && value.length > 0 ? value : null;
}

// X numbers known to be in `virtual_numbers`, per database: saves a write per push once a number is known.
// Filled only after commit, so a rolled-back insert is retried by the next push.
const knownNumbers = new WeakMap<object, Set<string>>();
function seenNumbers(db: Kysely<Database>): Set<string> {
  let set = knownNumbers.get(db);
  if (!set) {
    set = new Set();
    knownNumbers.set(db, set);
  }
  return set;
}

/** Keep a body that was refused before it could be stored as a notification. */
export async function keepRejectedBody(
  db: Executor,
  body: ReceivedBody | (Omit<ReceivedBody, "bytes"> & { bytes: null; size: number }),
  verdict: { httpStatus: number; reason: string; kind?: string | null },
): Promise<number> {
  const row: NewReceivedNotificationRow = {
    path: body.path,
    content_type: body.contentType,
    app_key: body.appKey,
    kind: verdict.kind ?? null,
    verdict: "rejected",
    reason: verdict.reason,
    http_status: verdict.httpStatus,
    body: body.bytes,
    body_size: body.bytes === null ? body.size : body.bytes.byteLength,
    item_count: 0,
    new_item_count: 0,
  };
  return insertReceivedNotification(db, row);
}

interface Attribution {
  subscriptionId: string | null;
  virtualNum: string | null;
  bindNum: string | null;
}

/**
 * Who an event belongs to. Events after `callin` carry the subscriptionId; `collectInfo` names the keyed
 * extension; a `callin` from a bound A to its X is the callback scenario. What earlier events of the same
 * call established (the session row) fills the rest.
 */
async function attributeEvent(
  tx: Executor,
  event: CallEventNotification,
  session: CallSessionRow | undefined,
  bindings: Map<string, BindingRow>,
): Promise<Attribution> {
  const info = event.statusInfo as unknown as Record<string, unknown>;
  let subscriptionId = str(info.subscriptionId) ?? session?.subscription_id ?? null;
  let binding = subscriptionId ? bindings.get(subscriptionId) : undefined;
  let virtualNum = session?.virtual_num ?? (event.eventType === "callin" ? str(info.called) : null);
  if (!binding && !subscriptionId && virtualNum) {
    if (event.eventType === "collectInfo" && str(info.digitInfo)) {
      binding = await findLatestBindingByExtension(tx, virtualNum, str(info.digitInfo)!);
    } else if (event.eventType === "callin" && str(info.caller)) {
      binding = await findLatestBindingByNumbers(tx, virtualNum, str(info.caller)!);
    }
  }
  subscriptionId ??= binding?.subscription_id ?? null;
  virtualNum ??= binding?.virtual_num ?? null;
  return { subscriptionId, virtualNum, bindNum: binding?.bind_num ?? session?.bind_num ?? null };
}

function eventRow(event: CallEventNotification, who: Attribution, receivedId: number): NewCallEventRow {
  const info = event.statusInfo as unknown as Record<string, unknown>;
  const parsed = withoutRaw(event);
  return {
    stream_seq: null,
    session_id: event.statusInfo.sessionId,
    event_type: event.eventType,
    event_timestamp: event.statusInfo.timestamp,
    occurred_at: instant(event.statusInfo.timestampIso),
    subscription_id: who.subscriptionId,
    virtual_num: who.virtualNum,
    bind_num: who.bindNum,
    caller: str(info.caller),
    called: str(info.called),
    digit_info: typeof info.digitInfo === "string" ? info.digitInfo : null,
    state_code: typeof info.stateCode === "number" ? info.stateCode : null,
    state_desc: str(info.stateDesc),
    user_data: str(info.userData),
    event: parsed,
    received_notification_id: receivedId,
  };
}

function withoutRaw<T extends { raw: unknown }>(value: T): Omit<T, "raw"> {
  const { raw: _raw, ...rest } = value;
  return rest;
}

function recordRow(
  record: FeeRecord,
  session: CallSessionRow | undefined,
  binding: BindingRow | undefined,
  receivedId: number,
): NewCallRecordRow {
  const fallbackA =
    record.direction === 0 ? record.fwdDstNum : record.direction === 1 ? record.callerNum : undefined;
  return {
    icid: record.icid,
    session_id: record.sessionId,
    subscription_id: str(record.subscriptionId) ?? session?.subscription_id ?? null,
    virtual_num: str(record.bindNum),
    bind_num: binding?.bind_num ?? session?.bind_num ?? str(fallbackA),
    extend_num: str(record.extendNum),
    direction: record.direction,
    caller_num: str(record.callerNum),
    callee_num: str(record.calleeNum),
    call_in_time: instant(record.callInTimeIso),
    fwd_answer_time: instant(record.fwdAnswerTimeIso),
    call_end_time: instant(record.callEndTimeIso),
    record_flag: record.recordFlag === 1,
    record_domain: str(record.recordDomain),
    record_object_name: str(record.recordObjectName),
    record_file_download_url: str(record.recordFileDownloadUrl),
    // The original is in the kept body (received_notification_id); storing it twice would double the row.
    record: withoutRaw(record),
    received_notification_id: receivedId,
  };
}

/**
 * Refold the calls in `sessionIds` from everything stored for them, and store the result.
 * A call without a session row yet has nothing stored but what this transaction inserted (every insert
 * of an event or CDR upserts its session row in the same transaction, under the session's lock), so only
 * calls seen before are read back.
 */
async function refoldSessions(
  tx: Executor,
  sessionIds: readonly string[],
  before: Map<string, CallSessionRow>,
  inserted: { events: readonly CallEventRow[]; records: readonly CallRecordRow[] },
  bindings: Map<string, BindingRow>,
  now: Date,
): Promise<CallSessionRow[]> {
  if (sessionIds.length === 0) return [];
  const known = sessionIds.filter((id) => before.has(id));
  const fresh = new Set(sessionIds.filter((id) => !before.has(id)));
  const stored = await listCallHistory(tx, known);
  const events = [
    ...stored.events,
    ...inserted.events.filter((e) => fresh.has(e.session_id)).map((e) => ({ ...e, item: e.event })),
  ];
  const records = [
    ...stored.records,
    ...inserted.records.filter((r) => fresh.has(r.session_id)).map((r) => ({ ...r, item: r.record })),
  ];
  const rows: NewCallSessionRow[] = sessionIds.map((sessionId) => {
    const ownEvents = events.filter((e) => e.session_id === sessionId);
    const ownRecords = records.filter((r) => r.session_id === sessionId);
    const folded = foldSession(
      ownEvents.map((e) => e.item as CallEventNotification),
      ownRecords.map((r) => r.item as FeeRecord),
    );
    // The stored rows already carry what attribution established; the newest known value wins.
    const attributed = <K extends "subscription_id" | "virtual_num" | "bind_num">(key: K) =>
      [...ownRecords, ...ownEvents.slice().reverse()].map((row) => row[key]).find((v) => v) ?? null;
    const subscriptionId = folded.subscriptionId ?? attributed("subscription_id");
    const binding = subscriptionId ? bindings.get(subscriptionId) : undefined;
    const previous = before.get(sessionId);
    return {
      session_id: sessionId,
      subscription_id: subscriptionId,
      virtual_num: folded.virtualNum ?? attributed("virtual_num") ?? binding?.virtual_num ?? null,
      bind_num: binding?.bind_num ?? attributed("bind_num") ?? folded.bindNum ?? null,
      status: folded.status,
      started_at: folded.startedAt,
      ended_at: folded.endedAt,
      session: folded.session,
      event_count: ownEvents.length,
      record_count: ownRecords.length,
      created_at: previous?.created_at ?? now,
      updated_at: now,
    };
  });
  return upsertCallSessions(tx, rows);
}

/**
 * Store one verified, parsed push in a single transaction: the body with its verdict, the new events
 * (deduplicated), the new CDRs (one multi-row insert, deduplicated on icid), the refolded calls and the
 * X-number statuses. The stream positions of new events are assigned last, just before commit.
 * Resolves after commit; throws (rolling back) when the database fails.
 */
export async function storeNotification(
  db: Kysely<Database>,
  notification: Notification,
  body: ReceivedBody,
  now: Date,
): Promise<StoredPush> {
  let rememberedAfterCommit: string[] = [];
  const stored = await db.transaction().execute(async (tx) => {
    const receivedId = await insertReceivedNotification(tx, {
      path: body.path,
      content_type: body.contentType,
      app_key: body.appKey,
      kind: notification.kind,
      verdict: "accepted",
      reason: null,
      http_status: 200,
      body: body.bytes,
      body_size: body.bytes.byteLength,
      item_count: 0,
      new_item_count: 0,
    });

    const result: StoredPush = {
      receivedId,
      verdict: "accepted",
      reason: null,
      itemCount: 0,
      events: [],
      records: [],
      sessions: [],
      numbers: [],
    };

    if (notification.kind === "callEvent" || notification.kind === "fee") {
      const isEvent = notification.kind === "callEvent";
      const feeRecords = isEvent ? [] : notification.feeLst;
      const sessionIds = isEvent
        ? [notification.statusInfo.sessionId]
        : [...new Set(feeRecords.map((r) => r.sessionId))];
      await lockCallSessions(tx, sessionIds);
      const sessions = new Map((await findCallSessions(tx, sessionIds)).map((s) => [s.session_id, s]));
      const subscriptionIds = [
        ...[...sessions.values()].flatMap((s) => (s.subscription_id ? [s.subscription_id] : [])),
        ...(isEvent
          ? [str(notification.statusInfo.subscriptionId)]
          : feeRecords.map((r) => str(r.subscriptionId))
        ).filter((id): id is string => id !== null),
      ];
      const bindings = new Map((await findBindings(tx, subscriptionIds)).map((b) => [b.subscription_id, b]));

      let changedSessions: string[];
      if (isEvent) {
        result.itemCount = 1;
        const session = sessions.get(notification.statusInfo.sessionId);
        const who = await attributeEvent(tx, notification, session, bindings);
        if (who.subscriptionId && !bindings.has(who.subscriptionId)) {
          for (const b of await findBindings(tx, [who.subscriptionId])) bindings.set(b.subscription_id, b);
        }
        const inserted = await insertCallEvents(tx, [eventRow(notification, who, receivedId)]);
        changedSessions = inserted.map((e) => e.session_id);
        result.events = inserted;
      } else {
        result.itemCount = feeRecords.length;
        const rows = feeRecords.map((record) => {
          const session = sessions.get(record.sessionId);
          const subscriptionId = str(record.subscriptionId) ?? session?.subscription_id ?? null;
          return recordRow(
            record,
            session,
            subscriptionId ? bindings.get(subscriptionId) : undefined,
            receivedId,
          );
        });
        result.records = await insertCallRecords(tx, rows);
        changedSessions = [...new Set(result.records.map((r) => r.session_id))];
      }

      const numbers = [...result.events, ...result.records].flatMap((r) =>
        r.virtual_num ? [r.virtual_num] : [],
      );
      const unseen = numbers.filter((n) => !seenNumbers(db).has(n));
      await rememberVirtualNumbers(tx, unseen, now);
      rememberedAfterCommit = unseen;
      result.sessions = await refoldSessions(
        tx,
        changedSessions,
        sessions,
        { events: result.events, records: result.records },
        bindings,
        now,
      );
      const fresh = result.events.length + result.records.length;
      if (fresh === 0) {
        result.verdict = "duplicate";
        result.reason = isEvent ? "event already stored" : "every CDR already stored";
      } else if (fresh < result.itemCount) {
        result.reason = `${result.itemCount - fresh} of ${result.itemCount} CDRs already stored`;
      }
      await setNotificationVerdict(tx, receivedId, {
        verdict: result.verdict,
        reason: result.reason,
        itemCount: result.itemCount,
        newItemCount: fresh,
      });
      // Last step before commit: see assignStreamPositions.
      result.events = await assignStreamPositions(
        tx,
        result.events.map((e) => e.id),
      );
      return result;
    }

    if (notification.kind === "numStatus") {
      result.itemCount = notification.numInfo.length;
      result.numbers = await applyVirtualNumberStatus(
        tx,
        // Kept as the platform's string codes ("5", "10" …), as sent.
        notification.numInfo.map((entry) => ({
          number: entry.number,
          status: String(entry.status),
          cause: entry.cause === undefined ? null : String(entry.cause),
        })),
        now,
      );
      if (result.numbers.length === 0) {
        result.verdict = "duplicate";
        result.reason = "every status already known";
      }
    } else {
      result.reason = `unknown eventType "${notification.eventType.slice(0, 64)}": kept for inspection`;
    }
    await setNotificationVerdict(tx, receivedId, {
      verdict: result.verdict,
      reason: result.reason,
      itemCount: result.itemCount,
      newItemCount: result.verdict === "duplicate" ? 0 : result.itemCount,
    });
    return result;
  });
  for (const number of rememberedAfterCommit) seenNumbers(db).add(number);
  return stored;
}
