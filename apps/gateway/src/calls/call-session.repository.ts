import { type RawBuilder, sql } from "kysely";
import { toDate } from "../database/column-values.js";
import type { Executor } from "../database/database.js";
import { pagesPerParent } from "../database/pages-per-parent.js";
import type { PageRequest } from "../shared/pagination.js";
import { type CallOutcome, callSessionHangupCode, callSessionOutcome } from "./call-outcome.js";
import type { CallSessionRow, NewCallSessionRow } from "./call-session.table.js";
import type { FoldBasis } from "./fold-basis.js";
import type { StoredCallSession } from "./session-fold.js";

/** Which call sessions a reader wants; absent fields do not filter. */
export interface CallSessionFilter {
  sessionId?: string | null;
  subscriptionId?: string | null;
  virtualNum?: string | null;
  bindNum?: string | null;
  statuses?: readonly string[] | null;
  /** Calls that started (`started_at`) at or after this instant. */
  callStartFrom?: Date | null;
  /** Calls that started before this instant. */
  callStartTo?: Date | null;
  /** Finished calls that went this way (a call in progress has no outcome and never matches). */
  outcome?: CallOutcome | null;
  /** The hang-up code the call reports (`hangup.code`). */
  hangUpCause?: number | null;
}

/**
 * Store the refolded state of calls (insert or replace, one statement). The caller holds the sessions'
 * locks. `created_at` of an existing row is kept. Like `insertCallRecords`: one JSON parameter expanded by
 * `jsonb_to_recordset` (a constant statement text, no per-element escaping in the driver), returning only
 * what the database decides: the rest is what was sent. The same statement stores the fold bases given
 * (`call_fold_bases`, see fold-basis.ts). See {@link callSessionsUpsert} for the same within another statement.
 */
export async function upsertCallSessions(
  tx: Executor,
  rows: readonly NewCallSessionRow[],
  bases: ReadonlyMap<string, FoldBasis> = new Map(),
): Promise<CallSessionRow[]> {
  if (rows.length === 0) return [];
  const stored = await sql<{ id: number | string; session_id: string; created_at: Date | string }>`
    with ${callSessionsUpsert(rows, bases)}
    select id, session_id, created_at from stored_sessions`.execute(tx);
  const bySession = new Map(rows.map((row) => [row.session_id, row]));
  return stored.rows.map((generated) => {
    const row = bySession.get(generated.session_id)!;
    return {
      id: Number(generated.id),
      session_id: row.session_id,
      subscription_id: row.subscription_id ?? null,
      virtual_num: row.virtual_num ?? null,
      bind_num: row.bind_num ?? null,
      status: row.status,
      started_at: toDate(row.started_at),
      ended_at: toDate(row.ended_at),
      outcome: row.outcome ?? null,
      hangup_code: row.hangup_code ?? null,
      session: row.session,
      event_count: row.event_count,
      record_count: row.record_count,
      created_at: toDate(generated.created_at)!,
      updated_at: toDate(row.updated_at)!,
    } satisfies CallSessionRow;
  });
}

/**
 * What {@link upsertCallSessions} runs, as two data-modifying CTEs (`stored_fold_bases`, returning the
 * `session_id` of each basis stored, and `stored_sessions`, returning `id`, `session_id` and `created_at` of
 * each stored call) for a `with` clause
 * of another statement: one round trip fewer for a storing transaction. A row's `id`, when given, is the
 * id of a new call (drawn beforehand, see `findCallsToStore`); an existing row keeps its id.
 */
export function callSessionsUpsert(
  rows: readonly NewCallSessionRow[],
  bases: ReadonlyMap<string, FoldBasis>,
): RawBuilder<unknown> {
  const basisRows = [...bases].map(([session_id, basis]) => ({ session_id, basis }));
  return sql`stored_fold_bases as (
      insert into call_fold_bases (session_id, basis)
      select session_id, basis from jsonb_to_recordset(${JSON.stringify(basisRows)}::jsonb)
        as b(session_id text, basis jsonb)
      on conflict (session_id) do update set basis = excluded.basis
      returning session_id),
    stored_sessions as (
    insert into call_sessions (id, session_id, subscription_id, virtual_num, bind_num, status, started_at,
      ended_at, outcome, hangup_code, session, event_count, record_count, created_at, updated_at)
    select coalesce(id, nextval('call_sessions_id_seq')), session_id, subscription_id, virtual_num, bind_num,
      status, started_at, ended_at, outcome, hangup_code, session, event_count, record_count, created_at,
      updated_at
    from jsonb_to_recordset(${JSON.stringify(rows)}::jsonb) as r(id int8, session_id text, subscription_id text,
      virtual_num text, bind_num text, status text, started_at timestamptz, ended_at timestamptz,
      outcome text, hangup_code int4, session jsonb, event_count int4, record_count int4, created_at timestamptz, updated_at timestamptz)
    on conflict (session_id) do update set
      subscription_id = excluded.subscription_id,
      virtual_num = excluded.virtual_num,
      bind_num = excluded.bind_num,
      status = excluded.status,
      started_at = excluded.started_at,
      ended_at = excluded.ended_at,
      outcome = excluded.outcome,
      hangup_code = excluded.hangup_code,
      session = excluded.session,
      event_count = excluded.event_count,
      record_count = excluded.record_count,
      updated_at = excluded.updated_at
    returning id, session_id, created_at)`;
}

/** Calls by sessionId (one query). */
export async function findCallSessions(
  db: Executor,
  sessionIds: readonly string[],
): Promise<CallSessionRow[]> {
  if (sessionIds.length === 0) return [];
  return db
    .selectFrom("call_sessions")
    .selectAll()
    .where("session_id", "=", sql<string>`any(${[...new Set(sessionIds)]}::text[])`)
    .execute();
}

/** The call with this sessionId. */
export async function findCallSession(db: Executor, sessionId: string): Promise<CallSessionRow | undefined> {
  return db.selectFrom("call_sessions").selectAll().where("session_id", "=", sessionId).executeTakeFirst();
}

/** Calls matching `filter`, one keyset page (newest first). */
export async function listCallSessions(
  db: Executor,
  filter: CallSessionFilter,
  page: PageRequest,
): Promise<CallSessionRow[]> {
  let query = db.selectFrom("call_sessions").selectAll();
  if (filter.sessionId) query = query.where("session_id", "=", filter.sessionId);
  if (filter.subscriptionId) query = query.where("subscription_id", "=", filter.subscriptionId);
  if (filter.virtualNum) query = query.where("virtual_num", "=", filter.virtualNum);
  if (filter.bindNum) query = query.where("bind_num", "=", filter.bindNum);
  if (filter.statuses && filter.statuses.length > 0)
    query = query.where("status", "in", [...filter.statuses]);
  if (filter.callStartFrom) query = query.where("started_at", ">=", filter.callStartFrom);
  if (filter.callStartTo) query = query.where("started_at", "<", filter.callStartTo);
  if (filter.outcome) query = query.where("outcome", "=", filter.outcome);
  if (typeof filter.hangUpCause === "number") query = query.where("hangup_code", "=", filter.hangUpCause);
  if (page.after !== undefined) query = query.where("id", "<", page.after);
  if (page.before !== undefined) query = query.where("id", ">", page.before);
  return query
    .orderBy("id", page.inverted ? "asc" : "desc")
    .limit(page.limit)
    .execute();
}

/**
 * The calls of each of these bindings, one keyset page per binding (newest first), in one query: what
 * {@link listCallSessions} with a `subscriptionId` filter returns for each, grouped by binding.
 */
export async function listCallSessionsOfBindings(
  db: Executor,
  subscriptionIds: readonly string[],
  page: PageRequest,
): Promise<CallSessionRow[]> {
  return pagesPerParent<"call_sessions", CallSessionRow>(db, {
    table: "call_sessions",
    parentColumn: "subscription_id",
    parentIds: subscriptionIds,
    page,
  });
}

/** In-memory twin of the filter above, for live subscriptions. */
export function matchesCallSessionFilter(row: CallSessionRow, filter: CallSessionFilter): boolean {
  if (filter.sessionId && row.session_id !== filter.sessionId) return false;
  if (filter.subscriptionId && row.subscription_id !== filter.subscriptionId) return false;
  if (filter.virtualNum && row.virtual_num !== filter.virtualNum) return false;
  if (filter.bindNum && row.bind_num !== filter.bindNum) return false;
  if (filter.statuses && filter.statuses.length > 0 && !filter.statuses.includes(row.status)) return false;
  if (filter.callStartFrom && !(row.started_at && row.started_at >= filter.callStartFrom)) return false;
  if (filter.callStartTo && !(row.started_at && row.started_at < filter.callStartTo)) return false;
  if (filter.outcome && storedOutcome(row) !== filter.outcome) return false;
  if (typeof filter.hangUpCause === "number" && storedHangupCode(row) !== filter.hangUpCause) return false;
  return true;
}

// A change snapshot stored before these columns existed carries neither: derive them as a refold would.
function storedOutcome(row: CallSessionRow): CallOutcome | null {
  return row.outcome !== undefined ? row.outcome : callSessionOutcome(row.session as StoredCallSession, null);
}

function storedHangupCode(row: CallSessionRow): number | null {
  return row.hangup_code !== undefined
    ? row.hangup_code
    : callSessionHangupCode(row.session as StoredCallSession);
}
