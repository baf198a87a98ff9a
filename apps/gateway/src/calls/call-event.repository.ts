import { type RawBuilder, sql } from "kysely";
import { toDate } from "../database/column-values.js";
import type { Executor } from "../database/database.js";
import type { CallEventRow, NewCallEventRow } from "./call-event.table.js";
import { type CallEventFilter, callEventCondition } from "./call-event-filter.js";

/** The dedupe key of an event: session, type and the platform's timestamp. */
function eventKey(row: Pick<NewCallEventRow, "session_id" | "event_type" | "event_timestamp">): string {
  return `${row.session_id}\u0000${row.event_type}\u0000${row.event_timestamp}`;
}

/**
 * Insert events in one statement, skipping those already stored (same session + type + timestamp; of
 * repeats within `rows`, the first). Returns only the rows that were new, in input order. Like
 * `insertCallRecords`: one JSON parameter expanded by `jsonb_to_recordset`, and only what the database
 * decides comes back, the rest being what was sent. See {@link callEventsInsert} for the same within another
 * statement.
 */
export async function insertCallEvents(
  tx: Executor,
  rows: readonly NewCallEventRow[],
): Promise<CallEventRow[]> {
  if (rows.length === 0) return [];
  const inserted = await sql<InsertedCallEvent>`
    with ${callEventsInsert(rows)}
    select id, session_id, event_type, event_timestamp, inserted_at from inserted_events`.execute(tx);
  return callEventRowsOf(rows, inserted.rows);
}

/** What the database decides of an inserted event (see {@link callEventsInsert}). */
export interface InsertedCallEvent {
  id: number | string;
  session_id: string;
  event_type: string;
  event_timestamp: string;
  inserted_at: Date | string;
}

/**
 * What {@link insertCallEvents} runs, as a data-modifying CTE (`inserted_events`, returning the columns of
 * {@link InsertedCallEvent} and `virtual_num` of each new event) for a `with` clause of another statement.
 */
export function callEventsInsert(rows: readonly NewCallEventRow[]): RawBuilder<unknown> {
  return sql`inserted_events as (
    insert into call_events (session_id, event_type, event_timestamp, occurred_at, subscription_id,
      virtual_num, bind_num, caller, called, digit_info, state_code, state_desc, user_data, event,
      received_notification_id)
    select session_id, event_type, event_timestamp, occurred_at, subscription_id, virtual_num, bind_num,
      caller, called, digit_info, state_code, state_desc, user_data, event, received_notification_id
    from jsonb_to_recordset(${JSON.stringify(rows)}::jsonb) as r(session_id text, event_type text,
      event_timestamp text, occurred_at timestamptz, subscription_id text, virtual_num text, bind_num text,
      caller text, called text, digit_info text, state_code int4, state_desc text, user_data text,
      event jsonb, received_notification_id int8)
    on conflict (session_id, event_type, event_timestamp) do nothing
    returning id, session_id, event_type, event_timestamp, inserted_at, virtual_num)`;
}

/** The stored rows of the new events among `rows`, from what their insert returned, in id order. */
export function callEventRowsOf(
  rows: readonly NewCallEventRow[],
  inserted: readonly InsertedCallEvent[],
): CallEventRow[] {
  const byKey = new Map<string, NewCallEventRow>();
  for (const row of rows) if (!byKey.has(eventKey(row))) byKey.set(eventKey(row), row);
  return inserted
    .map((generated) => {
      const row = byKey.get(eventKey(generated))!;
      return {
        id: Number(generated.id),
        stream_seq: null,
        session_id: row.session_id,
        event_type: row.event_type,
        event_timestamp: row.event_timestamp,
        occurred_at: toDate(row.occurred_at),
        subscription_id: row.subscription_id ?? null,
        virtual_num: row.virtual_num ?? null,
        bind_num: row.bind_num ?? null,
        caller: row.caller ?? null,
        called: row.called ?? null,
        digit_info: row.digit_info ?? null,
        state_code: row.state_code ?? null,
        state_desc: row.state_desc ?? null,
        user_data: row.user_data ?? null,
        event: row.event,
        received_notification_id: row.received_notification_id,
        inserted_at: toDate(generated.inserted_at)!,
      } satisfies CallEventRow;
    })
    .sort((a, b) => a.id - b.id);
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
