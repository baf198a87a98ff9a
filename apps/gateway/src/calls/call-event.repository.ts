import { sql } from "kysely";
import type { Executor } from "../database/database.js";
import type { CallEventRow, NewCallEventRow } from "./call-event.table.js";
import { type CallEventFilter, callEventCondition } from "./call-event-filter.js";

/**
 * The dedupe key of an event: session, type and the platform's timestamp. A storing transaction looks its
 * pushed events' keys up under their calls' locks (see `findCallsToStore`) and inserts only the new ones, with
 * their stream positions, in its last statement (see `appendStreamEntries`).
 */
export function eventKey(
  row: Pick<NewCallEventRow, "session_id" | "event_type" | "event_timestamp">,
): string {
  return `${row.session_id}\u0000${row.event_type}\u0000${row.event_timestamp}`;
}

/** Events after stream position `after` (and up to `through`, when given) that match `filter`, in stream order. */
export async function listCallEventsAfter(
  db: Executor,
  after: number,
  filter: CallEventFilter,
  limit: number,
  through?: number,
): Promise<CallEventRow[]> {
  let query = db
    .selectFrom("call_events")
    .selectAll()
    .where("stream_seq", ">", after)
    .where((eb) => callEventCondition(eb, filter));
  if (through !== undefined) query = query.where("stream_seq", "<=", through);
  return query.orderBy("stream_seq").limit(limit).execute();
}

/**
 * How many events matching `filter` lie after stream position `after` and up to `through`, counting no
 * further than `atMost`: a bounded read that says whether a replay fits its limit.
 */
export async function countCallEventsBetween(
  db: Executor,
  after: number,
  through: number,
  filter: CallEventFilter,
  atMost: number,
): Promise<number> {
  const row = await db
    .selectFrom((eb) =>
      eb
        .selectFrom("call_events")
        .select("stream_seq")
        .where("stream_seq", ">", after)
        .where("stream_seq", "<=", through)
        .where((inner) => callEventCondition(inner, filter))
        .limit(atMost)
        .as("backlog"),
    )
    .select((eb) => eb.fn.countAll<number | string>().as("count"))
    .executeTakeFirstOrThrow();
  return Number(row.count);
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
