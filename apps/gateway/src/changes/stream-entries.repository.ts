import { sql } from "kysely";
import type { CallEventRow } from "../calls/call-event.table.js";
import { callSessionsUpsert } from "../calls/call-session.repository.js";
import type { CallSessionRow } from "../calls/call-session.table.js";
import type { FoldBasis } from "../calls/fold-basis.js";
import type { Executor } from "../database/database.js";
import { THEN_COMMIT } from "../database/pipelined-transactions.js";
import { streamLock } from "../stream/stream-lock.js";
import { changeKeys, changeSnapshot, type NewChange, type StoredChange } from "./change-topics.js";

/** What {@link appendStreamEntries} positioned: the events (in stream order) and the changes (in the order given). */
export interface AppendedStreamEntries {
  events: CallEventRow[];
  changes: StoredChange[];
}

/** Calls to store (with their fold bases) before the stream lock is taken: see {@link appendStreamEntries}. */
export interface CallSessionsToStore {
  rows: readonly CallSessionRow[];
  bases: ReadonlyMap<string, FoldBasis>;
}

/**
 * The last statement of a storing transaction: under the stream lock (held until the transaction ends, see
 * `stream-lock.ts`), give its new call events their stream positions and store its changes at the next
 * positions, in the order given, in one round trip: every storing transaction waits on that lock, so what runs
 * while it is held is kept to one statement and the commit. The changes travel as one JSON parameter expanded by
 * `jsonb_to_recordset` (no per-element escaping in the driver), the lock is drawn once (a materialised CTE),
 * and each position is drawn in an expression that reads the lock's result, so none is drawn before the lock is
 * held. (Positions are drawn after each list is sorted, so they follow the order given.)
 *
 * `sessions`, when given, are stored by the same statement (see `callSessionsUpsert`), one round trip fewer;
 * the lock is drawn from their count, so they are stored before it is taken and it is held no longer than
 * without them. The caller holds the calls' locks.
 *
 * With `thenCommit`, the statement also commits the transaction, in its round trip (see `THEN_COMMIT`): the
 * stream lock is then held only while PostgreSQL runs it and commits. The caller runs nothing after it.
 */
export async function appendStreamEntries(
  tx: Executor,
  events: readonly CallEventRow[],
  changes: readonly NewChange[],
  sessions?: CallSessionsToStore,
  options: { thenCommit?: boolean } = {},
): Promise<AppendedStreamEntries> {
  const storing = sessions !== undefined && sessions.rows.length > 0;
  if (events.length === 0 && changes.length === 0 && !storing) return { events: [], changes: [] };
  const entries = changes.map((change, ord) => ({
    ord,
    topic: change.topic,
    ...changeKeys(change),
    payload: changeSnapshot(change),
  }));
  // The changes are read out of their JSON before the lock is taken, and the calls stored before it too: the
  // lock is drawn from the count of what those CTEs produced (the count must be read, or the planner drops
  // it), and an aggregate emits its row only once they have run to completion. What runs under the lock is
  // then only the two writes that need positions.
  const changeRows = sql`changed as materialized (
      select * from jsonb_to_recordset(${JSON.stringify(entries)}::jsonb)
        as r(ord int, topic text, virtual_num text, subscription_id text, session_id text, payload jsonb))`;
  const lock = storing
    ? sql`${callSessionsUpsert(sessions.rows, sessions.bases)},
    ${changeRows},
    l as materialized (
      select case when stored.n >= 0 then ${streamLock()} end as held
        from (select count(*) as n from (select session_id from stored_fold_bases
                                         union all select session_id from stored_sessions
                                         union all select session_id from changed) as s) as stored)`
    : sql`${changeRows},
    l as materialized (
      select case when stored.n >= 0 then ${streamLock()} end as held
        from (select count(*) as n from changed) as stored)`;
  const { rows } = await sql<{ id: number | string | null; position: number | string }>`
    ${options.thenCommit ? THEN_COMMIT : sql``}with ${lock},
    positioned as (
      update call_events as c
         set stream_seq = n.seq
        from (select u.id,
                     case when l.held is not null then nextval('call_event_stream_seq') end as seq
                from l, unnest(${events.map((e) => e.id)}::bigint[]) with ordinality as u(id, ord)
               order by u.ord) as n
       where c.id = n.id
      returning c.id, c.stream_seq as position),
    appended as (
      insert into stream_changes (position, topic, virtual_num, subscription_id, session_id, payload)
      select case when l.held is not null then nextval('call_event_stream_seq') end,
             r.topic, r.virtual_num, r.subscription_id, r.session_id, r.payload
        from l, changed as r
       order by r.ord
      returning position)
    select id, position from positioned
    union all
    select null, position from appended`.execute(tx);
  const eventPositions = new Map<number, number>();
  const changePositions: number[] = [];
  for (const row of rows) {
    if (row.id === null) changePositions.push(Number(row.position));
    else eventPositions.set(Number(row.id), Number(row.position));
  }
  changePositions.sort((a, b) => a - b);
  return {
    events: events
      .filter((event) => eventPositions.has(event.id))
      .map((event) => ({ ...event, stream_seq: eventPositions.get(event.id)! }))
      .sort((a, b) => a.stream_seq - b.stream_seq),
    changes: changes.map((change, i) => ({ ...change, position: changePositions[i]! }) as StoredChange),
  };
}
