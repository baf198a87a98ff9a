import type { FeeRecord } from "@privnum/notification-schemas";
import { type RawBuilder, type SelectQueryBuilder, sql } from "kysely";
import { toDate } from "../database/column-values.js";
import type { Database, Executor } from "../database/database.js";
import { pagesPerParent } from "../database/pages-per-parent.js";
import { createQueryShapeCache } from "../database/query-shape-cache.js";
import type { RecordingState } from "../recordings/recording.table.js";
import type { PageRequest } from "../shared/pagination.js";
import { type CallOutcome, callRecordOutcome } from "./call-outcome.js";
import type { CallRecordRow, CallRecordTable, NewCallRecordRow } from "./call-record.table.js";

/** Which call records a reader wants; absent fields do not filter. */
export interface CallRecordFilter {
  sessionId?: string | null;
  subscriptionId?: string | null;
  virtualNum?: string | null;
  bindNum?: string | null;
  /** true: only CDRs kept under a reused icid (`conflict`); false: only the others. */
  conflict?: boolean | null;
  /** Calls that started (`call_in_time`) at or after this instant. */
  callStartFrom?: Date | null;
  /** Calls that started before this instant. */
  callStartTo?: Date | null;
  outcome?: CallOutcome | null;
  /**
   * The hang-up code of the CDR's call session (`call_sessions.hangup_code`): CDRs do not carry the
   * disconnect's stateCode. Not matched in memory ({@link matchesCallRecordFilter}): the disconnect may be
   * stored after the CDR.
   */
  hangUpCause?: number | null;
  /**
   * The state of the CDR's recording in the archive (`NONE`: the CDR has none). Not matched in memory: the
   * state changes after the CDR is delivered.
   */
  recordingState?: "NONE" | RecordingState | null;
}

/**
 * Insert a push's CDRs in one statement and return only the new rows, in insertion order. A CDR is skipped
 * when one with the same `icid` and the same content is stored (a platform retry; of repeats within `rows`,
 * the first is kept). A CDR whose icid is stored with different content (the platform reused the icid) is
 * kept as a row of its own with `conflict` set, as is a second, different CDR under one icid within `rows`.
 *
 * The rows travel as one JSON parameter expanded by `jsonb_to_recordset`: the statement text is the same for
 * every push (cheap for Postgres to parse and plan), the driver sends the JSON as it is (with an array
 * parameter per column it escapes every CDR's JSON element by element, a visible share of a push's CPU), and
 * only the generated columns come back, the rest being what was sent (reading 50 CDRs back and parsing them
 * again is CPU spent on every push); docs/performance-notes.md has the figures. The content hash is computed
 * by the database from the canonical jsonb text, so it does not depend on how the JSON was spelled.
 */
export async function insertCallRecords(
  tx: Executor,
  rows: readonly NewCallRecordRow[],
): Promise<CallRecordRow[]> {
  if (rows.length === 0) return [];
  const inserted = await sql<InsertedCallRecord>`
    with ${callRecordsInsert(rows)}
    select n, id, inserted_at, content_hash, conflict from inserted_records`.execute(tx);
  return callRecordRowsOf(rows, inserted.rows);
}

/** What the database decides of an inserted CDR, `n` numbering it in the rows sent (from 1). */
export interface InsertedCallRecord {
  n: number;
  id: number | string;
  inserted_at: Date | string;
  content_hash: Uint8Array;
  conflict: boolean;
}

/**
 * What {@link insertCallRecords} runs, as CTEs for a `with` clause of another statement: `record_rows` (the
 * rows sent, numbered `n` from 1), `inserted_record_rows` (the insert, returning `id`, `icid`, `virtual_num`,
 * `content_hash`, `inserted_at`, `conflict`) and `inserted_records` (the columns of {@link InsertedCallRecord},
 * one row per new CDR).
 */
export function callRecordsInsert(rows: readonly NewCallRecordRow[]): RawBuilder<unknown> {
  // `n` numbers the rows as sent. The statement's snapshot is taken before its insert, so `exists` over
  // call_records sees only CDRs stored earlier: a stored row with this icid and this hash makes the insert
  // skip the row, any other stored row with this icid is a conflict. The `offset 0` keeps that lookup a probe
  // of the icid index per row in every plan: without it, PostgreSQL may plan the `exists` as one hashed scan
  // of the whole table, which a generic plan made while the table was small would keep (see PREPARED).
  return sql`record_rows as (
      select r.*, r.ordinality as n, sha256(convert_to(r.record::text, 'UTF8')) as content_hash
      from rows from (jsonb_to_recordset(${JSON.stringify(rows)}::jsonb) as (icid text, session_id text,
        subscription_id text, virtual_num text, bind_num text, extend_num text, direction int4,
        caller_num text, callee_num text, call_in_time timestamptz, fwd_answer_time timestamptz,
        call_end_time timestamptz, outcome text, record_flag bool, record_domain text, record_object_name text,
        record_file_download_url text, record jsonb, received_notification_id int8)) with ordinality as r
    ), inserted_record_rows as (
      insert into call_records (icid, session_id, subscription_id, virtual_num, bind_num, extend_num,
        direction, caller_num, callee_num, call_in_time, fwd_answer_time, call_end_time, outcome, record_flag,
        record_domain, record_object_name, record_file_download_url, record, received_notification_id,
        content_hash, conflict)
      select icid, session_id, subscription_id, virtual_num, bind_num, extend_num, direction, caller_num,
        callee_num, call_in_time, fwd_answer_time, call_end_time, outcome, coalesce(record_flag, false),
        record_domain,
        record_object_name, record_file_download_url, record, received_notification_id, content_hash,
        exists (select 1 from call_records c where c.icid = r.icid offset 0)
          or exists (select 1 from record_rows earlier
                      where earlier.icid = r.icid and earlier.n < r.n and earlier.content_hash <> r.content_hash)
      from record_rows as r
      order by n
      on conflict (icid, content_hash) do nothing
      returning id, icid, virtual_num, content_hash, inserted_at, conflict
    ), inserted_records as (
      select min(r.n)::int4 as n, ins.id, ins.inserted_at, ins.content_hash, ins.conflict
      from inserted_record_rows as ins join record_rows as r on r.icid = ins.icid and r.content_hash = ins.content_hash
      group by ins.id, ins.inserted_at, ins.content_hash, ins.conflict)`;
}

/** The stored rows of the new CDRs among `rows`, from what their insert returned, in id order. */
export function callRecordRowsOf(
  rows: readonly NewCallRecordRow[],
  inserted: readonly InsertedCallRecord[],
): CallRecordRow[] {
  return inserted
    .map((generated) => {
      const row = rows[generated.n - 1]!;
      return {
        id: Number(generated.id),
        icid: row.icid,
        session_id: row.session_id,
        subscription_id: row.subscription_id ?? null,
        virtual_num: row.virtual_num ?? null,
        bind_num: row.bind_num ?? null,
        extend_num: row.extend_num ?? null,
        direction: row.direction ?? null,
        caller_num: row.caller_num ?? null,
        callee_num: row.callee_num ?? null,
        call_in_time: toDate(row.call_in_time),
        fwd_answer_time: toDate(row.fwd_answer_time),
        call_end_time: toDate(row.call_end_time),
        outcome: row.outcome,
        record_flag: row.record_flag ?? false,
        record_domain: row.record_domain ?? null,
        record_object_name: row.record_object_name ?? null,
        record_file_download_url: row.record_file_download_url ?? null,
        record: row.record,
        received_notification_id: row.received_notification_id,
        inserted_at: toDate(generated.inserted_at)!,
        content_hash: generated.content_hash,
        conflict: generated.conflict,
      } satisfies CallRecordRow;
    })
    .sort((a, b) => a.id - b.id);
}

/** Every CDR of these calls (one query). */
export async function listSessionRecords(
  db: Executor,
  sessionIds: readonly string[],
): Promise<CallRecordRow[]> {
  if (sessionIds.length === 0) return [];
  return db
    .selectFrom("call_records")
    .selectAll()
    .where("session_id", "=", sql<string>`any(${[...new Set(sessionIds)]}::text[])`)
    .orderBy("id")
    .execute();
}

/**
 * The CDR with this `icid`: the newest, should the platform have reused the icid for CDRs of different
 * content (see {@link listCallRecordsByIcid} for all of them).
 */
export async function findCallRecord(db: Executor, icid: string): Promise<CallRecordRow | undefined> {
  return db
    .selectFrom("call_records")
    .selectAll()
    .where("icid", "=", icid)
    .orderBy("id", "desc")
    .limit(1)
    .executeTakeFirst();
}

/** Every CDR stored with this `icid`, oldest first (more than one when the platform reused it). */
export async function listCallRecordsByIcid(db: Executor, icid: string): Promise<CallRecordRow[]> {
  return db.selectFrom("call_records").selectAll().where("icid", "=", icid).orderBy("id").execute();
}

/** Every CDR stored with each of these icids, oldest first (one query; see {@link listCallRecordsByIcid}). */
export async function listCallRecordsByIcids(
  db: Executor,
  icids: readonly string[],
): Promise<CallRecordRow[]> {
  if (icids.length === 0) return [];
  return db
    .selectFrom("call_records")
    .selectAll()
    .where("icid", "=", sql<string>`any(${[...new Set(icids)]}::text[])`)
    .orderBy("id")
    .execute();
}

/** The CDRs stored as these row ids (one query; ids without a row are left out). */
export async function findCallRecordsByIds(db: Executor, ids: readonly number[]): Promise<CallRecordRow[]> {
  if (ids.length === 0) return [];
  return db
    .selectFrom("call_records")
    .selectAll()
    .where("id", "=", sql<number>`any(${[...new Set(ids)]}::int8[])`)
    .execute();
}

/** A column of `call_records`. */
export type CallRecordColumn = keyof CallRecordTable & string;

const listCallRecordsShapes = createQueryShapeCache();

/**
 * CDRs matching `filter`, one keyset page (newest first). With `columns`, only those (and `id`) are read (the
 * stored CDR, `record`, is most of a row's size): the rows carry no other column, so give every column the
 * caller will look at.
 */
export async function listCallRecords(
  db: Executor,
  filter: CallRecordFilter,
  page: PageRequest,
  columns?: readonly CallRecordColumn[],
): Promise<CallRecordRow[]> {
  const shape = [
    columns?.join(",") ?? "*",
    filter.sessionId ? "sessionId" : "",
    filter.subscriptionId ? "subscriptionId" : "",
    filter.virtualNum ? "virtualNum" : "",
    filter.bindNum ? "bindNum" : "",
    typeof filter.conflict === "boolean" ? "conflict" : "",
    filter.callStartFrom ? "callStartFrom" : "",
    filter.callStartTo ? "callStartTo" : "",
    filter.outcome ? "outcome" : "",
    typeof filter.hangUpCause === "number" ? "hangUpCause" : "",
    filter.recordingState === "NONE" ? "noRecording" : filter.recordingState ? "recordingState" : "",
    page.after !== undefined ? "after" : "",
    page.before !== undefined ? "before" : "",
    page.inverted ? "inverted" : "",
  ].join("|");
  const values = { ...filter, after: page.after, before: page.before, limit: page.limit };
  const query = listCallRecordsShapes(shape, values, (v) => {
    const from = db.selectFrom("call_records");
    let query = (
      columns ? from.select(["id", ...columns.filter((c) => c !== "id")]) : from.selectAll()
    ) as SelectQueryBuilder<Database, "call_records", CallRecordRow>;
    if (filter.sessionId) query = query.where("session_id", "=", v.sessionId!);
    if (filter.subscriptionId) query = query.where("subscription_id", "=", v.subscriptionId!);
    if (filter.virtualNum) query = query.where("virtual_num", "=", v.virtualNum!);
    if (filter.bindNum) query = query.where("bind_num", "=", v.bindNum!);
    if (typeof filter.conflict === "boolean") query = query.where("conflict", "=", v.conflict!);
    if (filter.callStartFrom) query = query.where("call_in_time", ">=", v.callStartFrom!);
    if (filter.callStartTo) query = query.where("call_in_time", "<", v.callStartTo!);
    if (filter.outcome) query = query.where("outcome", "=", v.outcome!);
    if (typeof filter.hangUpCause === "number") {
      query = query.where(({ exists, selectFrom }) =>
        exists(
          selectFrom("call_sessions")
            .select(sql`1`.as("one"))
            .whereRef("call_sessions.session_id", "=", "call_records.session_id")
            .where("call_sessions.hangup_code", "=", v.hangUpCause!),
        ),
      );
    }
    if (filter.recordingState) {
      query = query.where(({ exists, not, selectFrom }) => {
        const archive = selectFrom("recordings")
          .select(sql`1`.as("one"))
          .whereRef("recordings.call_record_id", "=", "call_records.id");
        return filter.recordingState === "NONE"
          ? not(exists(archive))
          : exists(archive.where("recordings.state", "=", v.recordingState as RecordingState));
      });
    }
    if (page.after !== undefined) query = query.where("id", "<", v.after!);
    if (page.before !== undefined) query = query.where("id", ">", v.before!);
    return query.orderBy("id", page.inverted ? "asc" : "desc").limit(v.limit);
  });
  return (await db.executeQuery(query)).rows;
}

/**
 * The CDRs of each of these bindings, one keyset page per binding (newest first), in one query: what
 * {@link listCallRecords} with a `subscriptionId` filter returns for each, grouped by binding. With
 * `columns`, only those (and `id`, `subscription_id`) are read.
 */
export async function listCallRecordsOfBindings(
  db: Executor,
  subscriptionIds: readonly string[],
  page: PageRequest,
  columns?: readonly CallRecordColumn[],
): Promise<CallRecordRow[]> {
  return pagesPerParent<"call_records", CallRecordRow>(db, {
    table: "call_records",
    parentColumn: "subscription_id",
    parentIds: subscriptionIds,
    page,
    columns,
  });
}

/**
 * In-memory twin of the filter above, for live subscriptions; `hangUpCause` is not matched here (it lives on
 * the call session, whose disconnect may be stored after the CDR: the subscription refuses it).
 */
export function matchesCallRecordFilter(
  row: CallRecordRow,
  filter: Omit<CallRecordFilter, "hangUpCause" | "recordingState">,
): boolean {
  if (filter.sessionId && row.session_id !== filter.sessionId) return false;
  if (filter.subscriptionId && row.subscription_id !== filter.subscriptionId) return false;
  if (filter.virtualNum && row.virtual_num !== filter.virtualNum) return false;
  if (filter.bindNum && row.bind_num !== filter.bindNum) return false;
  if (typeof filter.conflict === "boolean" && row.conflict !== filter.conflict) return false;
  if (filter.callStartFrom && !(row.call_in_time && row.call_in_time >= filter.callStartFrom)) return false;
  if (filter.callStartTo && !(row.call_in_time && row.call_in_time < filter.callStartTo)) return false;
  if (filter.outcome && storedOutcome(row) !== filter.outcome) return false;
  return true;
}

// A change snapshot stored before the outcome column existed carries none: derive it as the insert would.
function storedOutcome(row: CallRecordRow): CallOutcome {
  return row.outcome ?? callRecordOutcome(row.record as FeeRecord);
}
