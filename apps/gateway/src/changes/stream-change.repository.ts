import type { ExpressionBuilder } from "kysely";
import type { Database, Executor } from "../database/database.js";
import { type ChangeTopic, decodeChange, type NewChange, type StoredChange } from "./change-topics.js";
import type { StreamChangeRow } from "./stream-change.table.js";
import { appendStreamEntries } from "./stream-entries.repository.js";

/** What a replay of the change stream narrows by in SQL (the rest of a subscription's filter runs on the rows). */
export interface ChangeSelection {
  topic: ChangeTopic;
  virtualNum?: string | null | undefined;
  subscriptionId?: string | null | undefined;
  sessionId?: string | null | undefined;
}

/**
 * Store changes in the transaction that made them, at the next positions of the stream, in the order given: the
 * last step before commit (it takes the stream lock). See `appendStreamEntries`, which also positions call events.
 */
export async function appendChanges(tx: Executor, changes: readonly NewChange[]): Promise<StoredChange[]> {
  return (await appendStreamEntries(tx, [], changes)).changes;
}

function selected(eb: ExpressionBuilder<Database, "stream_changes">, selection: ChangeSelection) {
  const conditions = [eb("topic", "=", selection.topic)];
  if (selection.virtualNum) conditions.push(eb("virtual_num", "=", selection.virtualNum));
  if (selection.subscriptionId) conditions.push(eb("subscription_id", "=", selection.subscriptionId));
  if (selection.sessionId) conditions.push(eb("session_id", "=", selection.sessionId));
  return eb.and(conditions);
}

/** Changes after `after` (and up to `through`, when given), of every topic or of `selection`, in stream order. */
export async function listChangesAfter(
  db: Executor,
  after: number,
  limit: number,
  options: { through?: number; selection?: ChangeSelection } = {},
): Promise<StoredChange[]> {
  let query = db.selectFrom("stream_changes").selectAll().where("position", ">", after);
  if (options.through !== undefined) query = query.where("position", "<=", options.through);
  const { selection } = options;
  if (selection) query = query.where((eb) => selected(eb, selection));
  const rows = await query.orderBy("position").limit(limit).execute();
  return rows.map(toStoredChange);
}

/** How many changes of `selection` lie after `after` and up to `through`, counting no further than `atMost`. */
export async function countChangesBetween(
  db: Executor,
  after: number,
  through: number,
  selection: ChangeSelection,
  atMost: number,
): Promise<number> {
  const row = await db
    .selectFrom((eb) =>
      eb
        .selectFrom("stream_changes")
        .select("position")
        .where("position", ">", after)
        .where("position", "<=", through)
        .where((inner) => selected(inner, selection))
        .limit(atMost)
        .as("backlog"),
    )
    .select((eb) => eb.fn.countAll<number | string>().as("count"))
    .executeTakeFirstOrThrow();
  return Number(row.count);
}

/** The highest position of a stored change (0 when none). */
export async function lastChangePosition(db: Executor): Promise<number> {
  const row = await db
    .selectFrom("stream_changes")
    .select((eb) => eb.fn.max("position").as("last"))
    .executeTakeFirst();
  return row?.last == null ? 0 : Number(row.last);
}

/** Delete changes recorded before `before`, at most `limit` of them; returns how many. */
export async function purgeChangesBefore(db: Executor, before: Date, limit: number): Promise<number> {
  const result = await db
    .deleteFrom("stream_changes")
    .where(
      "position",
      "in",
      db.selectFrom("stream_changes").select("position").where("recorded_at", "<", before).limit(limit),
    )
    .executeTakeFirst();
  return Number(result.numDeletedRows);
}

function toStoredChange(row: StreamChangeRow): StoredChange {
  const topic = row.topic as ChangeTopic;
  return { position: Number(row.position), topic, value: decodeChange(topic, row.payload) } as StoredChange;
}
