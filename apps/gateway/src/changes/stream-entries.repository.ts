import { sql } from "kysely";
import type { CallEventRow } from "../calls/call-event.table.js";
import type { Executor } from "../database/database.js";
import { streamLock } from "../stream/stream-lock.js";
import { changeKeys, changeSnapshot, type NewChange, type StoredChange } from "./change-topics.js";

/** What {@link appendStreamEntries} positioned: the events (in stream order) and the changes (in the order given). */
export interface AppendedStreamEntries {
  events: CallEventRow[];
  changes: StoredChange[];
}

/**
 * The last statement of a storing transaction: under the stream lock (held until the transaction ends, see
 * `stream-lock.ts`), give its new call events their stream positions and store its changes at the next
 * positions, in the order given, in one round trip: every storing transaction waits on that lock, so what runs
 * while it is held is kept to one statement and the commit. The changes travel as one JSON parameter expanded by
 * `jsonb_to_recordset` (no per-element escaping in the driver), the lock is drawn once (a materialised CTE),
 * and each position is drawn in an expression that reads the lock's result, so none is drawn before the lock is
 * held. (Positions are drawn after each list is sorted, so they follow the order given.)
 */
export async function appendStreamEntries(
  tx: Executor,
  events: readonly CallEventRow[],
  changes: readonly NewChange[],
): Promise<AppendedStreamEntries> {
  if (events.length === 0 && changes.length === 0) return { events: [], changes: [] };
  const entries = changes.map((change, ord) => ({
    ord,
    topic: change.topic,
    ...changeKeys(change),
    payload: changeSnapshot(change),
  }));
  const { rows } = await sql<{ id: number | string | null; position: number | string }>`
    with l as materialized (select ${streamLock()} as held),
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
        from l, jsonb_to_recordset(${JSON.stringify(entries)}::jsonb)
                  as r(ord int, topic text, virtual_num text, subscription_id text, session_id text, payload jsonb)
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
