import type {
  CallEventNotification,
  FeeNotification,
  FeeRecord,
  Notification,
} from "@privnum/notification-schemas";
import type { Kysely } from "kysely";
import {
  type BindingLookup,
  bindingLookupKey,
  findBindings,
  findLatestBindingsFor,
  markBindingsConflicting,
} from "../bindings/binding.repository.js";
import type { BindingRow } from "../bindings/binding.table.js";
import { assignStreamPositions, insertCallEvents } from "../calls/call-event.repository.js";
import type { CallEventRow, NewCallEventRow } from "../calls/call-event.table.js";
import { listCallHistory } from "../calls/call-history.repository.js";
import { lockCallSessions } from "../calls/call-locks.js";
import { insertCallRecords } from "../calls/call-record.repository.js";
import type { CallRecordRow, NewCallRecordRow } from "../calls/call-record.table.js";
import { findCallSessions, upsertCallSessions } from "../calls/call-session.repository.js";
import type { CallSessionRow, NewCallSessionRow } from "../calls/call-session.table.js";
import { foldSession } from "../calls/session-fold.js";
import type { Database, Executor } from "../database/database.js";
import {
  insertReceivedNotification,
  insertReceivedNotifications,
  type NotificationVerdictUpdate,
  setNotificationVerdicts,
} from "../notifications/received-notification.repository.js";
import type {
  NewReceivedNotificationRow,
  NotificationVerdict,
} from "../notifications/received-notification.table.js";
import { applyVirtualNumberStatus, rememberVirtualNumbers } from "../numbers/virtual-number.repository.js";
import type { VirtualNumberRow } from "../numbers/virtual-number.table.js";

/** The body as received, to keep alongside what was stored from it. */
export interface ReceivedBody {
  path: string;
  contentType: string | null;
  appKey: string | null;
  bytes: Uint8Array;
}

/** A verified, parsed push waiting to be stored. */
export interface PendingPush {
  notification: Notification;
  body: ReceivedBody;
}

/** What one push changed, for publishing after commit. */
export interface StoredPush {
  receivedId: number;
  verdict: NotificationVerdict;
  reason: string | null;
  itemCount: number;
  /** New call events with their stream positions, in stream order. */
  events: CallEventRow[];
  /** New CDRs, including those kept under a reused icid (`conflict` set). */
  records: CallRecordRow[];
  /**
   * Calls whose folded state changed. When several pushes stored together change one call, its new state
   * is reported once, with the last of them.
   */
  sessions: CallSessionRow[];
  /** X numbers whose status changed. */
  numbers: VirtualNumberRow[];
  /**
   * CDRs of this push naming a subscriptionId whose mirrored binding has another A or X: the platform
   * reused the ID. The CDR keeps the A it shows; the binding row is marked with `conflict_at`.
   */
  bindingConflicts: BindingConflict[];
}

/** A CDR that contradicts the mirrored binding of its subscriptionId (see `StoredPush.bindingConflicts`). */
export interface BindingConflict {
  icid: string;
  subscriptionId: string;
  /** The mirrored binding row. */
  bindingId: number;
  mirrored: { bindNum: string; virtualNum: string };
  /** What the CDR shows (null where it does not say). */
  pushed: { bindNum: string | null; virtualNum: string | null };
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

/** Who a call was attributed to so far: its stored session row, or the events before it in this batch. */
type KnownCall = Pick<CallSessionRow, "subscription_id" | "virtual_num" | "bind_num">;

/** Answers "the latest binding on X + E" / "the latest binding of A on X". */
type BindingResolver = (lookup: BindingLookup) => Promise<BindingRow | undefined>;

/**
 * Who an event belongs to. Events after `callin` carry the subscriptionId; `collectInfo` names the keyed
 * extension; a `callin` from a bound A to its X is the callback scenario. What earlier events of the same
 * call established (the session row, or earlier events in the same batch) fills the rest.
 */
async function attributeEvent(
  event: CallEventNotification,
  session: KnownCall | undefined,
  bindings: Map<string, BindingRow>,
  resolve: BindingResolver,
): Promise<Attribution> {
  const info = event.statusInfo as unknown as Record<string, unknown>;
  let subscriptionId = str(info.subscriptionId) ?? session?.subscription_id ?? null;
  let binding = subscriptionId ? bindings.get(subscriptionId) : undefined;
  let virtualNum = session?.virtual_num ?? (event.eventType === "callin" ? str(info.called) : null);
  if (!binding && !subscriptionId && virtualNum) {
    const lookup = bindingLookupOf(event, virtualNum);
    if (lookup) binding = await resolve(lookup);
  }
  subscriptionId ??= binding?.subscription_id ?? null;
  virtualNum ??= binding?.virtual_num ?? null;
  return { subscriptionId, virtualNum, bindNum: binding?.bind_num ?? session?.bind_num ?? null };
}

/** The binding question an event without a subscriptionId raises, given the X it reached. */
function bindingLookupOf(event: CallEventNotification, virtualNum: string): BindingLookup | undefined {
  const info = event.statusInfo as unknown as Record<string, unknown>;
  const digits = str(info.digitInfo);
  const caller = str(info.caller);
  if (event.eventType === "collectInfo" && digits) return { virtualNum, by: "extension", value: digits };
  if (event.eventType === "callin" && caller) return { virtualNum, by: "number", value: caller };
  return undefined;
}

/**
 * Every binding question the events of a batch may raise, asked in one round trip up front (a superset:
 * each event's X is the one its call reached so far); a question missed here is asked on its own.
 */
async function prefetchBindingLookups(
  tx: Executor,
  events: readonly CallEventNotification[],
  sessions: Map<string, CallSessionRow>,
  bindings: Map<string, BindingRow>,
): Promise<BindingResolver> {
  const reached = new Map<string, string>();
  for (const [id, session] of sessions) if (session.virtual_num) reached.set(id, session.virtual_num);
  const lookups: BindingLookup[] = [];
  for (const event of events) {
    const sessionId = event.statusInfo.sessionId;
    if (event.eventType === "callin" && !reached.has(sessionId)) {
      const called = str((event.statusInfo as unknown as Record<string, unknown>).called);
      if (called) reached.set(sessionId, called);
    }
    const virtualNum = reached.get(sessionId);
    const lookup = virtualNum && !str(event.statusInfo.subscriptionId) && bindingLookupOf(event, virtualNum);
    if (lookup) lookups.push(lookup);
  }
  const asked = new Set(lookups.map(bindingLookupKey));
  const answers = await findLatestBindingsFor(tx, lookups);
  const found = (binding: BindingRow | undefined) => {
    // What attribution finds is kept by subscriptionId too: later events of the call name it.
    if (binding) bindings.set(binding.subscription_id, binding);
    return binding;
  };
  return async (lookup) => {
    const key = bindingLookupKey(lookup);
    if (!asked.has(key)) {
      asked.add(key);
      for (const [k, binding] of await findLatestBindingsFor(tx, [lookup])) answers.set(k, binding);
    }
    return found(answers.get(key));
  };
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

/** A as a CDR shows it: whom the call was forwarded to (someone called A), or the caller (A called back). */
function shownA(record: FeeRecord): string | null {
  return str(
    record.direction === 0 ? record.fwdDstNum : record.direction === 1 ? record.callerNum : undefined,
  );
}

/**
 * Whether a CDR contradicts the mirrored binding of its subscriptionId: another X, or another A. Only what
 * the CDR states is compared.
 */
function contradictsBinding(record: FeeRecord, binding: BindingRow): boolean {
  const a = shownA(record);
  const x = str(record.bindNum);
  return (a !== null && a !== binding.bind_num) || (x !== null && x !== binding.virtual_num);
}

function recordRow(
  record: FeeRecord,
  session: KnownCall | undefined,
  binding: BindingRow | undefined,
  receivedId: number,
  /** The CDR contradicts its subscriptionId's binding: what it shows wins over what the call was given. */
  contradicted = false,
): NewCallRecordRow {
  const fallbackA = shownA(record);
  return {
    icid: record.icid,
    session_id: record.sessionId,
    subscription_id: str(record.subscriptionId) ?? session?.subscription_id ?? null,
    virtual_num: str(record.bindNum),
    bind_num: contradicted
      ? (fallbackA ?? session?.bind_num ?? null)
      : (binding?.bind_num ?? session?.bind_num ?? fallbackA),
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
  /** Calls with a CDR that contradicts its subscriptionId's binding: their A is what the CDRs show. */
  contradicted: ReadonlySet<string>,
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
    const binding = subscriptionId && !contradicted.has(sessionId) ? bindings.get(subscriptionId) : undefined;
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

/** How many items (events, CDRs, number statuses) a push carries. */
function itemCount(notification: Notification): number {
  switch (notification.kind) {
    case "callEvent":
      return 1;
    case "fee":
      return notification.feeLst.length;
    case "numStatus":
      return notification.numInfo.length;
    default:
      return 0;
  }
}

function emptyResult(receivedId: number, notification: Notification): StoredPush {
  return {
    receivedId,
    verdict: "accepted",
    reason: null,
    itemCount: itemCount(notification),
    events: [],
    records: [],
    sessions: [],
    numbers: [],
    bindingConflicts: [],
  };
}

/**
 * Store the call events and CDRs of `pushes` (their bodies already kept): attribute each event in push
 * order (later events of a call see what earlier ones in the same batch established), insert all new
 * events and all new CDRs with one statement each, and refold every call they touch once.
 * Fills `events`, `records` and `sessions` of each push's result.
 */
async function storeCallItems(
  tx: Executor,
  pushes: readonly { notification: CallEventNotification | FeeNotification; result: StoredPush }[],
  now: Date,
  db: Kysely<Database>,
): Promise<string[]> {
  const sessionIds = [
    ...new Set(
      pushes.flatMap(({ notification }) =>
        notification.kind === "callEvent"
          ? [notification.statusInfo.sessionId]
          : notification.feeLst.map((r) => r.sessionId),
      ),
    ),
  ];
  await lockCallSessions(tx, sessionIds);
  const sessions = new Map((await findCallSessions(tx, sessionIds)).map((s) => [s.session_id, s]));
  const subscriptionIds = [
    ...[...sessions.values()].flatMap((s) => (s.subscription_id ? [s.subscription_id] : [])),
    ...pushes
      .flatMap(({ notification }) =>
        notification.kind === "callEvent"
          ? [str(notification.statusInfo.subscriptionId)]
          : notification.feeLst.map((r) => str(r.subscriptionId)),
      )
      .filter((id): id is string => id !== null),
  ];
  const bindings = new Map((await findBindings(tx, subscriptionIds)).map((b) => [b.subscription_id, b]));

  const resolveBinding = await prefetchBindingLookups(
    tx,
    pushes.flatMap(({ notification }) => (notification.kind === "callEvent" ? [notification] : [])),
    sessions,
    bindings,
  );
  const known = new Map<string, KnownCall>(sessions);
  const eventRows: NewCallEventRow[] = [];
  const recordRows: NewCallRecordRow[] = [];
  for (const { notification, result } of pushes) {
    if (notification.kind === "callEvent") {
      const sessionId = notification.statusInfo.sessionId;
      const who = await attributeEvent(notification, known.get(sessionId), bindings, resolveBinding);
      if (who.subscriptionId && !bindings.has(who.subscriptionId)) {
        for (const b of await findBindings(tx, [who.subscriptionId])) bindings.set(b.subscription_id, b);
      }
      const before = known.get(sessionId);
      known.set(sessionId, {
        subscription_id: who.subscriptionId ?? before?.subscription_id ?? null,
        virtual_num: who.virtualNum ?? before?.virtual_num ?? null,
        bind_num: who.bindNum ?? before?.bind_num ?? null,
      });
      eventRows.push(eventRow(notification, who, result.receivedId));
    } else {
      for (const record of notification.feeLst) {
        const call = known.get(record.sessionId);
        const subscriptionId = str(record.subscriptionId) ?? call?.subscription_id ?? null;
        const binding = subscriptionId ? bindings.get(subscriptionId) : undefined;
        const contradicted =
          subscriptionId !== null && binding !== undefined && contradictsBinding(record, binding);
        if (contradicted) {
          // The platform reused the subscriptionId: this call is not the mirrored binding's.
          result.bindingConflicts.push({
            icid: record.icid,
            subscriptionId,
            bindingId: binding.id,
            mirrored: { bindNum: binding.bind_num, virtualNum: binding.virtual_num },
            pushed: { bindNum: shownA(record), virtualNum: str(record.bindNum) },
          });
        }
        recordRows.push(
          recordRow(record, call, contradicted ? undefined : binding, result.receivedId, contradicted),
        );
      }
    }
  }

  const events = await insertCallEvents(tx, eventRows);
  const records = await insertCallRecords(tx, recordRows);
  // Only CDRs stored now count: a retry of one already stored was reported the first time.
  const storedRecordIds = new Set(records.map((r) => `${r.received_notification_id}\u0000${r.icid}`));
  for (const { result } of pushes) {
    result.bindingConflicts = result.bindingConflicts.filter((c) =>
      storedRecordIds.has(`${result.receivedId}\u0000${c.icid}`),
    );
  }
  const contradicted = pushes.flatMap(({ result }) => result.bindingConflicts);
  if (contradicted.length > 0) {
    await markBindingsConflicting(
      tx,
      contradicted.map((c) => c.bindingId),
      now,
    );
  }
  const contradictedSessions = new Set(
    records.filter((r) => contradicted.some((c) => c.icid === r.icid)).map((r) => r.session_id),
  );
  const byReceived = new Map(pushes.map(({ result }) => [result.receivedId, result]));
  for (const event of events) byReceived.get(event.received_notification_id)!.events.push(event);
  for (const record of records) byReceived.get(record.received_notification_id)!.records.push(record);

  const unseen = [
    ...new Set([...events, ...records].flatMap((r) => (r.virtual_num ? [r.virtual_num] : []))),
  ].filter((n) => !seenNumbers(db).has(n));
  await rememberVirtualNumbers(tx, unseen, now);

  const changed = [...new Set([...events.map((e) => e.session_id), ...records.map((r) => r.session_id)])];
  const refolded = await refoldSessions(
    tx,
    changed,
    sessions,
    { events, records },
    bindings,
    contradictedSessions,
    now,
  );
  // Each call's new state goes with the last push that changed it.
  const lastPush = new Map<string, StoredPush>();
  for (const { result } of pushes) {
    for (const item of [...result.events, ...result.records]) lastPush.set(item.session_id, result);
  }
  for (const session of refolded) lastPush.get(session.session_id)?.sessions.push(session);
  return unseen;
}

/**
 * Store verified, parsed pushes in a single transaction: every body with its verdict (one statement), the
 * new events and CDRs of them all (deduplicated; one statement each), the calls they touch refolded once,
 * and the X-number statuses in push order. The stream positions of new events are assigned last, just
 * before commit, in push order. Resolves after commit with one result per push, in order; throws (rolling
 * everything back) when the database fails.
 */
export async function storeNotifications(
  db: Kysely<Database>,
  pushes: readonly PendingPush[],
  now: Date,
): Promise<StoredPush[]> {
  if (pushes.length === 0) return [];
  let rememberedAfterCommit: string[] = [];
  const stored = await db.transaction().execute(async (tx) => {
    // Kept as accepted with every item new; the verdicts that turn out otherwise are settled below.
    const receivedIds = await insertReceivedNotifications(
      tx,
      pushes.map(({ notification, body }) => ({
        path: body.path,
        content_type: body.contentType,
        app_key: body.appKey,
        kind: notification.kind,
        verdict: "accepted",
        reason: null,
        http_status: 200,
        body: body.bytes,
        body_size: body.bytes.byteLength,
        item_count: itemCount(notification),
        new_item_count: itemCount(notification),
      })),
    );
    const results = pushes.map(({ notification }, i) => emptyResult(receivedIds[i]!, notification));

    const callPushes = pushes.flatMap(({ notification }, i) =>
      notification.kind === "callEvent" || notification.kind === "fee"
        ? [{ notification, result: results[i]! }]
        : [],
    );
    if (callPushes.length > 0) rememberedAfterCommit = await storeCallItems(tx, callPushes, now, db);

    const verdicts: NotificationVerdictUpdate[] = [];
    for (const [i, { notification }] of pushes.entries()) {
      const result = results[i]!;
      let fresh = result.itemCount;
      if (notification.kind === "callEvent" || notification.kind === "fee") {
        fresh = result.events.length + result.records.length;
        const conflicts = result.records.filter((r) => r.conflict).length;
        if (fresh === 0) {
          result.verdict = "duplicate";
          result.reason =
            notification.kind === "callEvent" ? "event already stored" : "every CDR already stored";
        } else {
          const reasons = [];
          if (fresh < result.itemCount) {
            reasons.push(`${result.itemCount - fresh} of ${result.itemCount} CDRs already stored`);
          }
          if (conflicts > 0) {
            reasons.push(
              `${conflicts} of ${result.itemCount} CDRs reuse a stored icid with different content (kept, marked conflict)`,
            );
          }
          if (reasons.length > 0) result.reason = reasons.join("; ");
        }
      } else if (notification.kind === "numStatus") {
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
          fresh = 0;
        }
      } else {
        result.reason = `unknown eventType "${notification.eventType.slice(0, 64)}": kept for inspection`;
      }
      if (result.verdict !== "accepted" || result.reason !== null || fresh !== result.itemCount) {
        verdicts.push({
          id: result.receivedId,
          verdict: result.verdict,
          reason: result.reason,
          newItemCount: fresh,
        });
      }
    }
    await setNotificationVerdicts(tx, verdicts);

    // Last step before commit: see assignStreamPositions.
    const positioned = await assignStreamPositions(
      tx,
      results.flatMap((r) => r.events),
    );
    const byReceived = new Map(results.map((r) => [r.receivedId, r]));
    for (const result of results) result.events = [];
    for (const event of positioned) byReceived.get(event.received_notification_id)!.events.push(event);
    return results;
  });
  for (const number of rememberedAfterCommit) seenNumbers(db).add(number);
  return stored;
}

/** Store one verified, parsed push in its own transaction: {@link storeNotifications} of one. */
export async function storeNotification(
  db: Kysely<Database>,
  notification: Notification,
  body: ReceivedBody,
  now: Date,
): Promise<StoredPush> {
  const [stored] = await storeNotifications(db, [{ notification, body }], now);
  return stored!;
}
