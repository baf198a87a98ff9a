import type { ExpressionBuilder } from "kysely";
import type { CallRecordRow } from "../calls/call-record.table.js";
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

function selected(eb: ExpressionBuilder<{ s: Database["stream_changes"] }, "s">, selection: ChangeSelection) {
  const conditions = [eb("s.topic", "=", selection.topic)];
  if (selection.virtualNum) conditions.push(eb("s.virtual_num", "=", selection.virtualNum));
  if (selection.subscriptionId) conditions.push(eb("s.subscription_id", "=", selection.subscriptionId));
  if (selection.sessionId) conditions.push(eb("s.session_id", "=", selection.sessionId));
  return eb.and(conditions);
}

/**
 * Changes after `after` (and up to `through`, when given), of every topic or of `selection`, in stream order. A
 * change that refers to its CDR gets the CDR's row, read in the same statement; one whose CDR was deleted (by
 * hand: the gateway never deletes a CDR) is left out, as the CDR is.
 */
export async function listChangesAfter(
  db: Executor,
  after: number,
  limit: number,
  options: { through?: number; selection?: ChangeSelection } = {},
): Promise<StoredChange[]> {
  // The CDR's columns, not a JSON of it: PostgreSQL reads them as cheaply as a stored snapshot (a JSON built
  // from the row costs it about twice as much, docs/performance-notes.md).
  let query = db
    .selectFrom("stream_changes as s")
    .leftJoin("call_records as r", "r.id", "s.call_record_id")
    .selectAll("r")
    .select(["s.position", "s.topic", "s.payload"])
    .where("s.position", ">", after)
    .where((eb) => eb.or([eb("s.payload", "is not", null), eb("r.id", "is not", null)]));
  if (options.through !== undefined) query = query.where("s.position", "<=", options.through);
  const { selection } = options;
  if (selection) query = query.where((eb) => selected(eb, selection));
  const rows = await query.orderBy("s.position").limit(limit).execute();
  return rows.map(({ position, topic, payload, ...record }) =>
    payload === null
      ? {
          position: Number(position),
          topic: "callRecord",
          value: { ...record, content_hash: new Uint8Array(0) } as CallRecordRow,
        }
      : toStoredChange({ position, topic, payload }),
  );
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
        .selectFrom("stream_changes as s")
        .select("s.position")
        .where("s.position", ">", after)
        .where("s.position", "<=", through)
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

function toStoredChange(row: Pick<StreamChangeRow, "position" | "topic" | "payload">): StoredChange {
  const topic = row.topic as ChangeTopic;
  return { position: Number(row.position), topic, value: decodeChange(topic, row.payload) } as StoredChange;
}
