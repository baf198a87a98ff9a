import type { PageRequest } from "./binding-repository.js";
import type { CallRecordRow, NewCallRecordRow } from "./call-record.table.js";
import type { Executor } from "./database.js";

/** Which call records a reader wants; absent fields do not filter. */
export interface CallRecordFilter {
  sessionId?: string | null;
  subscriptionId?: string | null;
  virtualNum?: string | null;
  bindNum?: string | null;
}

/**
 * Insert a push's CDRs in one multi-row statement, skipping `icid`s already stored.
 * Returns only the new rows, in input order.
 */
export async function insertCallRecords(
  tx: Executor,
  rows: readonly NewCallRecordRow[],
): Promise<CallRecordRow[]> {
  if (rows.length === 0) return [];
  const inserted = await tx
    .insertInto("call_records")
    .values(rows.map((row) => ({ ...row, record: JSON.stringify(row.record) })))
    .onConflict((oc) => oc.column("icid").doNothing())
    .returningAll()
    .execute();
  return inserted.sort((a, b) => a.id - b.id);
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
    .where("session_id", "in", [...new Set(sessionIds)])
    .orderBy("id")
    .execute();
}

/** The CDR with this `icid`. */
export async function findCallRecord(db: Executor, icid: string): Promise<CallRecordRow | undefined> {
  return db.selectFrom("call_records").selectAll().where("icid", "=", icid).executeTakeFirst();
}

/** CDRs matching `filter`, one keyset page (newest first). */
export async function listCallRecords(
  db: Executor,
  filter: CallRecordFilter,
  page: PageRequest,
): Promise<CallRecordRow[]> {
  let query = db.selectFrom("call_records").selectAll();
  if (filter.sessionId) query = query.where("session_id", "=", filter.sessionId);
  if (filter.subscriptionId) query = query.where("subscription_id", "=", filter.subscriptionId);
  if (filter.virtualNum) query = query.where("virtual_num", "=", filter.virtualNum);
  if (filter.bindNum) query = query.where("bind_num", "=", filter.bindNum);
  if (page.after !== undefined) query = query.where("id", "<", page.after);
  if (page.before !== undefined) query = query.where("id", ">", page.before);
  return query
    .orderBy("id", page.inverted ? "asc" : "desc")
    .limit(page.limit)
    .execute();
}

/** In-memory twin of the filter above, for live subscriptions. */
export function matchesCallRecordFilter(row: CallRecordRow, filter: CallRecordFilter): boolean {
  if (filter.sessionId && row.session_id !== filter.sessionId) return false;
  if (filter.subscriptionId && row.subscription_id !== filter.subscriptionId) return false;
  if (filter.virtualNum && row.virtual_num !== filter.virtualNum) return false;
  if (filter.bindNum && row.bind_num !== filter.bindNum) return false;
  return true;
}
