import { sql } from "kysely";
import { BINDING_TIMESTAMPS, type BindingRow } from "../bindings/binding.table.js";
import { eventKey } from "../calls/call-event.repository.js";
import type { NewCallEventRow } from "../calls/call-event.table.js";
import { CALL_SESSION_TIMESTAMPS, type CallSessionRow } from "../calls/call-session.table.js";
import type { CallHistoryItem, FoldBasis } from "../calls/fold-basis.js";
import { withDates } from "../database/column-values.js";
import type { Executor } from "../database/database.js";
import { PREPARED } from "../database/prepared-statements.js";

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
  /** The keys (see `eventKey`) of the pushed events already stored. */
  storedEvents: Set<string>;
  /**
   * Ids drawn (from the sequence of `call_events.id`) for the pushed events not stored yet, ascending: one
   * per such event, given to them in push order before the last statement inserts them.
   */
  eventIds: number[];
}

/** The rows a call's fold basis names (see fold-basis.ts). */
export interface BasisItems {
  events: CallHistoryItem[];
  records: CallHistoryItem[];
}

/** A pushed event's dedupe key: what `call_events_dedupe_key` holds unique. */
export type EventKey = Pick<NewCallEventRow, "session_id" | "event_type" | "event_timestamp">;

/**
 * The calls `sessionIds` as stored, with the events and CDRs their fold bases name, and the current (not superseded) bindings of
 * `subscriptionIds` and of the calls' own subscriptionIds, in one round trip (instead of one for the calls
 * and one for the bindings), drawing the ids of the calls not stored yet. Of `eventKeys` (distinct), it says
 * which are stored already and draws an id for each of the others. Rows travel as JSON (the two tables' rows differ in shape); their timestamps
 * are turned back into Dates. The caller holds the calls' locks, taken in an earlier statement (a
 * statement's snapshot predates any lock it takes itself).
 */
export async function findCallsToStore(
  tx: Executor,
  sessionIds: readonly string[],
  subscriptionIds: readonly string[],
  eventKeys: readonly EventKey[] = [],
): Promise<CallsToStore> {
  const found: CallsToStore = {
    sessions: new Map(),
    bases: new Map(),
    bindings: new Map(),
    newIds: new Map(),
    storedEvents: new Set(),
    eventIds: [],
  };
  if (sessionIds.length === 0 && subscriptionIds.length === 0 && eventKeys.length === 0) return found;
  const ids = [...new Set(sessionIds)];
  // Every row is looked up by its key, one lookup per key, each behind `offset 0`: a fenced lateral subquery is
  // planned on its own, and an equality on a unique index is an index scan there whatever the table's size.
  // So the plan is the same for any keys and any table sizes, and the statement runs prepared (see PREPARED):
  // no join a generic plan made while a table was small would turn into a scan of it. The keys come as JSON
  // arrays, whose length the planner does not read (it does an array's): every plan costs the same, so
  // PostgreSQL keeps the generic one and stops planning.
  const { rows } = await sql<{
    kind: number;
    row: Record<string, unknown>;
    basis: FoldBasis | null;
  }>`${PREPARED}
    with keys as materialized (select distinct id from jsonb_array_elements_text(${JSON.stringify(ids)}::jsonb) as u(id)),
    stored as materialized (
      select k.id, s.row, s.subscription_id, b.basis
        from keys as k
             left join lateral (select to_jsonb(c) as row, c.subscription_id from call_sessions as c
                                 where c.session_id = k.id offset 0) as s on true
             left join lateral (select f.basis from call_fold_bases as f
                                 where f.session_id = k.id offset 0) as b on true),
    subscriptions as (
      select distinct id from (select jsonb_array_elements_text(${JSON.stringify([...new Set(subscriptionIds)])}::jsonb) as id
                               union all select subscription_id from stored) as named
       where id is not null),
    pushed_events as materialized (
      select k.session_id, k.event_type, k.event_timestamp, e.id is not null as stored
        from jsonb_to_recordset(${JSON.stringify(eventKeys.map(({ session_id, event_type, event_timestamp }) => ({ session_id, event_type, event_timestamp })))}::jsonb)
               as k(session_id text, event_type text, event_timestamp text)
             left join lateral (select c.id from call_events as c
                                 where c.session_id = k.session_id and c.event_type = k.event_type
                                   and c.event_timestamp = k.event_timestamp offset 0) as e on true)
    select 0 as kind, row, basis from stored where row is not null
    union all
    select 1, d.row, null
      from subscriptions as n
           cross join lateral (select to_jsonb(b) as row from bindings as b
                                where b.subscription_id = n.id and b.superseded_at is null offset 0) as d
    union all
    select 2, e.item, null
      from stored as s
           cross join lateral jsonb_array_elements_text(s.basis -> 'events') as k(id)
           cross join lateral (
             select jsonb_build_object('id', e.id, 'occurred_at', e.occurred_at, 'session_id', e.session_id,
                      'subscription_id', e.subscription_id, 'virtual_num', e.virtual_num,
                      'bind_num', e.bind_num, 'item', e.event) as item
               from call_events as e where e.id = k.id::int8 offset 0) as e
     where s.basis is not null
    union all
    select 3, r.item, null
      from stored as s
           cross join lateral jsonb_array_elements_text(s.basis -> 'records') as k(id)
           cross join lateral (
             select jsonb_build_object('id', r.id, 'occurred_at', null, 'session_id', r.session_id,
                      'subscription_id', r.subscription_id, 'virtual_num', r.virtual_num,
                      'bind_num', r.bind_num, 'item', r.record) as item
               from call_records as r where r.id = k.id::int8 offset 0) as r
     where s.basis is not null
    union all
    select 4, jsonb_build_object('session_id', id, 'id', nextval('call_sessions_id_seq')), null
      from stored where row is null
    union all
    select 5, jsonb_build_object('session_id', session_id, 'event_type', event_type,
                                 'event_timestamp', event_timestamp), null
      from pushed_events where stored
    union all
    select 6, jsonb_build_object('id', nextval('call_events_id_seq')), null
      from pushed_events where not stored`.execute(tx);
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
    } else if (kind === 5) {
      found.storedEvents.add(eventKey(row as unknown as EventKey));
    } else if (kind === 6) {
      found.eventIds.push(Number(row.id));
    } else {
      const item = withDates(row, ["occurred_at"]) as unknown as CallHistoryItem;
      item.id = Number(item.id);
      const own = items.get(item.session_id) ?? { events: [], records: [] };
      items.set(item.session_id, own);
      (kind === 2 ? own.events : own.records).push(item);
    }
  }
  found.eventIds.sort((a, b) => a - b);
  // A basis is used only when every row it names was found.
  for (const [sessionId, basis] of named) {
    const own = items.get(sessionId) ?? { events: [], records: [] };
    if (own.events.length === basis.events.length && own.records.length === basis.records.length) {
      found.bases.set(sessionId, own);
    }
  }
  return found;
}
