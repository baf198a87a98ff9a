import { sql } from "kysely";
import { callEventStreamLock } from "./advisory-locks.js";
import type { CallEventRow, NewCallEventRow } from "./call-event.table.js";
import { type CallEventFilter, callEventCondition } from "./call-event-filter.js";
import type { Executor } from "./database.js";

/**
 * Insert events in one statement, skipping those already stored (same session + type + timestamp).
 * Returns only the rows that were new, in input order.
 */
export async function insertCallEvents(
  tx: Executor,
  rows: readonly NewCallEventRow[],
): Promise<CallEventRow[]> {
  if (rows.length === 0) return [];
  const inserted = await tx
    .insertInto("call_events")
    .values(rows.map((row) => ({ ...row, event: JSON.stringify(row.event) })))
    .onConflict((oc) => oc.columns(["session_id", "event_type", "event_timestamp"]).doNothing())
    .returningAll()
    .execute();
  return inserted.sort((a, b) => a.id - b.id);
}

/**
 * Give the new events their stream positions, in the order of `ids`. Takes the stream lock first and
 * keeps it until the transaction ends, so a position becomes visible only after every smaller one that
 * will ever be visible: a reader that has seen position n can never later discover an n' < n.
 * Call it as the last step of the storing transaction, right before commit.
 *
 * Lock and positions are one statement (one round trip less while every writer waits on the lock): each
 * position is drawn in an expression that reads the lock's result, so it cannot be drawn before the lock
 * is held.
 */
export async function assignStreamPositions(tx: Executor, ids: readonly number[]): Promise<CallEventRow[]> {
  if (ids.length === 0) return [];
  const result = await sql<CallEventRow>`
    update call_events as c
       set stream_seq = n.seq
      from (select u.id,
                   case when l.held is not null then nextval('call_event_stream_seq') end as seq
              from (select ${callEventStreamLock()} as held) as l,
                   unnest(${[...ids]}::bigint[]) with ordinality as u(id, ord)
             order by u.ord) as n
     where c.id = n.id
    returning c.*`.execute(tx);
  return result.rows.sort((a, b) => (a.stream_seq ?? 0) - (b.stream_seq ?? 0));
}

/** Events after stream position `after` that match `filter`, in stream order. */
export async function listCallEventsAfter(
  db: Executor,
  after: number,
  filter: CallEventFilter,
  limit: number,
): Promise<CallEventRow[]> {
  return db
    .selectFrom("call_events")
    .selectAll()
    .where("stream_seq", ">", after)
    .where((eb) => callEventCondition(eb, filter))
    .orderBy("stream_seq")
    .limit(limit)
    .execute();
}

/** The highest stream position handed out so far and committed (0 when none). */
export async function lastStreamPosition(db: Executor): Promise<number> {
  const row = await db
    .selectFrom("call_events")
    .select((eb) => eb.fn.max("stream_seq").as("last"))
    .executeTakeFirst();
  return row?.last == null ? 0 : Number(row.last);
}

/** Every stored event of these calls (one query), in the order they happened, then arrived. */
export async function listSessionEvents(
  db: Executor,
  sessionIds: readonly string[],
): Promise<CallEventRow[]> {
  if (sessionIds.length === 0) return [];
  return db
    .selectFrom("call_events")
    .selectAll()
    .where("session_id", "=", sql<string>`any(${[...new Set(sessionIds)]}::text[])`)
    .orderBy("occurred_at")
    .orderBy("id")
    .execute();
}
