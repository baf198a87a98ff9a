import type { PageRequest } from "./binding-repository.js";
import type { CallSessionRow, NewCallSessionRow } from "./call-session.table.js";
import type { Executor } from "./database.js";

/** Which call sessions a reader wants; absent fields do not filter. */
export interface CallSessionFilter {
  sessionId?: string | null;
  subscriptionId?: string | null;
  virtualNum?: string | null;
  bindNum?: string | null;
  statuses?: readonly string[] | null;
}

/**
 * Store the refolded state of calls (insert or replace, one statement). The caller holds the sessions'
 * locks. `created_at` of an existing row is kept.
 */
export async function upsertCallSessions(
  tx: Executor,
  rows: readonly NewCallSessionRow[],
): Promise<CallSessionRow[]> {
  if (rows.length === 0) return [];
  return tx
    .insertInto("call_sessions")
    .values(rows.map((row) => ({ ...row, session: JSON.stringify(row.session) })))
    .onConflict((oc) =>
      oc.column("session_id").doUpdateSet((eb) => ({
        subscription_id: eb.ref("excluded.subscription_id"),
        virtual_num: eb.ref("excluded.virtual_num"),
        bind_num: eb.ref("excluded.bind_num"),
        status: eb.ref("excluded.status"),
        started_at: eb.ref("excluded.started_at"),
        ended_at: eb.ref("excluded.ended_at"),
        session: eb.ref("excluded.session"),
        event_count: eb.ref("excluded.event_count"),
        record_count: eb.ref("excluded.record_count"),
        updated_at: eb.ref("excluded.updated_at"),
      })),
    )
    .returningAll()
    .execute();
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
    .where("session_id", "in", [...new Set(sessionIds)])
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
  if (page.after !== undefined) query = query.where("id", "<", page.after);
  if (page.before !== undefined) query = query.where("id", ">", page.before);
  return query
    .orderBy("id", page.inverted ? "asc" : "desc")
    .limit(page.limit)
    .execute();
}

/** In-memory twin of the filter above, for live subscriptions. */
export function matchesCallSessionFilter(row: CallSessionRow, filter: CallSessionFilter): boolean {
  if (filter.sessionId && row.session_id !== filter.sessionId) return false;
  if (filter.subscriptionId && row.subscription_id !== filter.subscriptionId) return false;
  if (filter.virtualNum && row.virtual_num !== filter.virtualNum) return false;
  if (filter.bindNum && row.bind_num !== filter.bindNum) return false;
  if (filter.statuses && filter.statuses.length > 0 && !filter.statuses.includes(row.status)) return false;
  return true;
}
