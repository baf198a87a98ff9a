import { sql } from "kysely";
import { BINDING_TIMESTAMPS, type BindingRow } from "../bindings/binding.table.js";
import { CALL_SESSION_TIMESTAMPS, type CallSessionRow } from "../calls/call-session.table.js";
import type { CallHistoryItem, FoldBasis } from "../calls/fold-basis.js";
import { withDates } from "../database/column-values.js";
import type { Executor } from "../database/database.js";

/** What storing a batch's call items starts from: the calls stored so far and the bindings they name. */
export interface CallsToStore {
  /** The stored calls, by sessionId. */
  sessions: Map<string, CallSessionRow>;
  /**
   * The stored events and CDRs of their fold bases, by sessionId (a call stored before fold bases existed
   * has none).
   */
  bases: Map<string, BasisItems>;
  /** The current bindings of the subscriptionIds the pushes or those calls name, by subscriptionId. */
  bindings: Map<string, BindingRow>;
  /**
   * Ids drawn (from the sequence of `call_sessions.id`) for the calls not stored yet, by sessionId: the row
   * a storing transaction inserts for such a call is known, id included, before it is stored.
   */
  newIds: Map<string, number>;
}

/** The rows a call's fold basis names (see fold-basis.ts). */
export interface BasisItems {
  events: CallHistoryItem[];
  records: CallHistoryItem[];
}

/**
 * The calls `sessionIds` as stored, with the events and CDRs their fold bases name, and the current (not superseded) bindings of
 * `subscriptionIds` and of the calls' own subscriptionIds, in one round trip (instead of one for the calls
 * and one for the bindings), drawing the ids of the calls not stored yet. Rows travel as JSON (the two tables' rows differ in shape); their timestamps
 * are turned back into Dates. The caller holds the calls' locks, taken in an earlier statement (a
 * statement's snapshot predates any lock it takes itself).
 */
export async function findCallsToStore(
  tx: Executor,
  sessionIds: readonly string[],
  subscriptionIds: readonly string[],
): Promise<CallsToStore> {
  const found: CallsToStore = {
    sessions: new Map(),
    bases: new Map(),
    bindings: new Map(),
    newIds: new Map(),
  };
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
                                      where session_id = any(${ids}::text[])))
    union all
    select 2, jsonb_build_object('id', e.id, 'occurred_at', e.occurred_at, 'session_id', e.session_id,
             'subscription_id', e.subscription_id, 'virtual_num', e.virtual_num, 'bind_num', e.bind_num,
             'item', e.event), null
      from call_fold_bases as b
           cross join lateral jsonb_array_elements_text(b.basis -> 'events') as k(id)
           join call_events as e on e.id = k.id::int8
     where b.session_id = any(${ids}::text[])
    union all
    select 3, jsonb_build_object('id', r.id, 'occurred_at', null, 'session_id', r.session_id,
             'subscription_id', r.subscription_id, 'virtual_num', r.virtual_num, 'bind_num', r.bind_num,
             'item', r.record), null
      from call_fold_bases as b
           cross join lateral jsonb_array_elements_text(b.basis -> 'records') as k(id)
           join call_records as r on r.id = k.id::int8
     where b.session_id = any(${ids}::text[])
    union all
    select 4, jsonb_build_object('session_id', u.id, 'id', nextval('call_sessions_id_seq')), null
      from unnest(${ids}::text[]) as u(id)
     where not exists (select from call_sessions as s where s.session_id = u.id)`.execute(tx);
  const named = new Map<string, FoldBasis>();
  const items = new Map<string, BasisItems>();
  for (const { kind, row, basis } of rows) {
    if (kind === 0) {
      const session = withDates(row, CALL_SESSION_TIMESTAMPS) as unknown as CallSessionRow;
      found.sessions.set(session.session_id, session);
      if (basis) named.set(session.session_id, basis);
    } else if (kind === 1) {
      const binding = withDates(row, BINDING_TIMESTAMPS) as unknown as BindingRow;
      found.bindings.set(binding.subscription_id, binding);
    } else if (kind === 4) {
      found.newIds.set(row.session_id as string, Number(row.id));
    } else {
      const item = withDates(row, ["occurred_at"]) as unknown as CallHistoryItem;
      item.id = Number(item.id);
      const own = items.get(item.session_id) ?? { events: [], records: [] };
      items.set(item.session_id, own);
      (kind === 2 ? own.events : own.records).push(item);
    }
  }
  // A basis is used only when every row it names was found.
  for (const [sessionId, basis] of named) {
    const own = items.get(sessionId) ?? { events: [], records: [] };
    if (own.events.length === basis.events.length && own.records.length === basis.records.length) {
      found.bases.set(sessionId, own);
    }
  }
  return found;
}
