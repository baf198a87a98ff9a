import { sql } from "kysely";
import type { CallEventRow } from "../calls/call-event.table.js";
import { callSessionsUpsert } from "../calls/call-session.repository.js";
import type { CallSessionRow } from "../calls/call-session.table.js";
import type { FoldBasis } from "../calls/fold-basis.js";
import { toDate } from "../database/column-values.js";
import type { Executor } from "../database/database.js";
import { THEN_COMMIT } from "../database/pipelined-transactions.js";
import { PREPARED } from "../database/prepared-statements.js";
import { streamLock } from "../stream/stream-lock.js";
import { changeContent, changeKeys, type NewChange, type StoredChange } from "./change-topics.js";

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
 * `stream-lock.ts`), insert its new call events at their stream positions (each row written once, its id
 * drawn beforehand, see `findCallsToStore`) and store its changes at the next positions, in the order given,
 * in one round trip: every storing transaction waits on that lock, so what runs while it is held is kept to
 * one statement and the commit. The events and the changes travel as JSON parameters expanded by
 * `jsonb_to_recordset` and read out of them before the lock is taken; the lock is drawn once (a materialised
 * CTE), and each position is drawn in an expression that reads the lock's result, so none is drawn before the
 * lock is held. (Positions are drawn after each list is sorted, so they follow the order given.)
 *
 * `sessions`, when given, are stored by the same statement (see `callSessionsUpsert`), one round trip fewer;
 * the lock is drawn from their count, so they are stored before it is taken and it is held no longer than
 * without them. The caller holds the calls' locks, under which it found the events new: a key stored since
 * would fail the statement (`call_events_dedupe_key`) rather than be skipped.
 *
 * Every part is an insert of rows from a parameter, so the statement runs prepared (see `PREPARED`): no plan
 * of it scans a table, and PostgreSQL stops planning it. With `thenCommit`, the statement also commits the
 * transaction, in its round trip (see `THEN_COMMIT`): the stream lock is then held only while PostgreSQL runs
 * it and commits. The caller runs nothing after it.
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
    ...changeContent(change),
  }));
  // The changes and events are read out of their JSON before the lock is taken, and the calls stored before
  // it too: the lock is drawn from the count of what those CTEs produced (the count must be read, or the
  // planner drops it), and an aggregate emits its row only once they have run to completion. What runs under
  // the lock is then only the two inserts that need positions.
  const rowsToPosition = sql`changed as materialized (
      select * from jsonb_to_recordset(${JSON.stringify(entries)}::jsonb)
        as r(ord int, topic text, virtual_num text, subscription_id text, session_id text, payload jsonb,
             call_record_id int8)),
    new_events as materialized (
      select * from jsonb_to_recordset(${JSON.stringify(events.map(eventEntry))}::jsonb)
        as r(ord int, id int8, session_id text, event_type text, event_timestamp text, occurred_at timestamptz,
             subscription_id text, virtual_num text, bind_num text, caller text, called text, digit_info text,
             state_code int4, state_desc text, user_data text, event jsonb, received_notification_id int8))`;
  const stored = storing
    ? sql`select session_id from stored_fold_bases union all select session_id from stored_sessions
          union all select session_id from changed union all select session_id from new_events`
    : sql`select session_id from changed union all select session_id from new_events`;
  const { rows } = await sql<{
    id: number | string | null;
    position: number | string;
    inserted_at: Date | string | null;
  }>`${PREPARED}${options.thenCommit ? THEN_COMMIT : sql``}with ${storing ? sql`${callSessionsUpsert(sessions.rows, sessions.bases)},` : sql``}
    ${rowsToPosition},
    l as materialized (
      select case when stored.n >= 0 then ${streamLock()} end as held
        from (select count(*) as n from (${stored}) as s) as stored),
    positioned as (
      insert into call_events (id, stream_seq, session_id, event_type, event_timestamp, occurred_at,
        subscription_id, virtual_num, bind_num, caller, called, digit_info, state_code, state_desc, user_data,
        event, received_notification_id)
      select r.id, case when l.held is not null then nextval('call_event_stream_seq') end, r.session_id,
             r.event_type, r.event_timestamp, r.occurred_at, r.subscription_id, r.virtual_num, r.bind_num,
             r.caller, r.called, r.digit_info, r.state_code, r.state_desc, r.user_data, r.event,
             r.received_notification_id
        from l, new_events as r
       order by r.ord
      returning id, stream_seq as position, inserted_at),
    appended as (
      insert into stream_changes (position, topic, virtual_num, subscription_id, session_id, payload,
        call_record_id)
      select case when l.held is not null then nextval('call_event_stream_seq') end,
             r.topic, r.virtual_num, r.subscription_id, r.session_id, r.payload, r.call_record_id
        from l, changed as r
       order by r.ord
      returning position)
    select id, position, inserted_at from positioned
    union all
    select null, position, null from appended`.execute(tx);
  const inserted = new Map<number, { position: number; insertedAt: Date }>();
  const changePositions: number[] = [];
  for (const row of rows) {
    if (row.id === null) changePositions.push(Number(row.position));
    else
      inserted.set(Number(row.id), { position: Number(row.position), insertedAt: toDate(row.inserted_at)! });
  }
  changePositions.sort((a, b) => a - b);
  return {
    events: events
      .map((event) => {
        const stored = inserted.get(event.id);
        if (stored === undefined) throw new Error(`the new event ${event.id} was not inserted`);
        return { ...event, stream_seq: stored.position, inserted_at: stored.insertedAt };
      })
      .sort((a, b) => a.stream_seq - b.stream_seq),
    changes: changes.map((change, i) => ({ ...change, position: changePositions[i]! }) as StoredChange),
  };
}

/** A new event as the last statement reads it (`new_events`), `ord` its place in the order given. */
function eventEntry(event: CallEventRow, ord: number) {
  return {
    ord,
    id: event.id,
    session_id: event.session_id,
    event_type: event.event_type,
    event_timestamp: event.event_timestamp,
    occurred_at: event.occurred_at,
    subscription_id: event.subscription_id,
    virtual_num: event.virtual_num,
    bind_num: event.bind_num,
    caller: event.caller,
    called: event.called,
    digit_info: event.digit_info,
    state_code: event.state_code,
    state_desc: event.state_desc,
    user_data: event.user_data,
    event: event.event,
    received_notification_id: event.received_notification_id,
  };
}
