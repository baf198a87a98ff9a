import { sql } from "kysely";
import type { BindingRow } from "../bindings/binding.table.js";
import type { CallSessionRow } from "../calls/call-session.table.js";
import type { FoldBasis } from "../calls/fold-basis.js";
import { toDate } from "../database/column-values.js";
import type { Executor } from "../database/database.js";

/** What storing a batch's call items starts from: the calls stored so far and the bindings they name. */
export interface CallsToStore {
  /** The stored calls, by sessionId. */
  sessions: Map<string, CallSessionRow>;
  /** Their fold bases, by sessionId (a call stored before fold bases existed has none). */
  bases: Map<string, FoldBasis>;
  /** The current bindings of the subscriptionIds the pushes or those calls name, by subscriptionId. */
  bindings: Map<string, BindingRow>;
}

const SESSION_TIMESTAMPS = ["started_at", "ended_at", "created_at", "updated_at"] as const;
const BINDING_TIMESTAMPS = [
  "expires_at",
  "created_at",
  "updated_at",
  "deleted_at",
  "expiry_announced_at",
  "superseded_at",
  "conflict_at",
  "platform_missing_at",
] as const;

/**
 * The calls `sessionIds` as stored, with their fold bases, and the current (not superseded) bindings of
 * `subscriptionIds` and of the calls' own subscriptionIds, in one round trip (instead of one for the calls
 * and one for the bindings). Rows travel as JSON (the two tables' rows differ in shape); their timestamps
 * are turned back into Dates. The caller holds the calls' locks, taken in an earlier statement (a
 * statement's snapshot predates any lock it takes itself).
 */
export async function findCallsToStore(
  tx: Executor,
  sessionIds: readonly string[],
  subscriptionIds: readonly string[],
): Promise<CallsToStore> {
  const found: CallsToStore = { sessions: new Map(), bases: new Map(), bindings: new Map() };
  if (sessionIds.length === 0 && subscriptionIds.length === 0) return found;
  const ids = [...new Set(sessionIds)];
  const { rows } = await sql<{ kind: number; row: Record<string, unknown>; basis: FoldBasis | null }>`
    select 0 as kind, to_jsonb(s) as row, b.basis
      from call_sessions as s left join call_fold_bases as b on b.session_id = s.session_id
     where s.session_id = any(${ids}::text[])
    union all
    select 1, to_jsonb(d), null
      from bindings as d
     where d.superseded_at is null
       and (d.subscription_id = any(${[...new Set(subscriptionIds)]}::text[])
            or d.subscription_id in (select subscription_id from call_sessions
                                      where session_id = any(${ids}::text[])))`.execute(tx);
  for (const { kind, row, basis } of rows) {
    if (kind === 0) {
      const session = withDates(row, SESSION_TIMESTAMPS) as unknown as CallSessionRow;
      found.sessions.set(session.session_id, session);
      if (basis) found.bases.set(session.session_id, basis);
    } else {
      const binding = withDates(row, BINDING_TIMESTAMPS) as unknown as BindingRow;
      found.bindings.set(binding.subscription_id, binding);
    }
  }
  return found;
}

function withDates(row: Record<string, unknown>, columns: readonly string[]): Record<string, unknown> {
  for (const column of columns) row[column] = toDate(row[column] as string | null);
  return row;
}
