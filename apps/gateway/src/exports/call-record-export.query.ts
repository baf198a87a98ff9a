import { type SelectQueryBuilder, sql } from "kysely";
import type { CallOutcome } from "../calls/call-outcome.js";
import type { Database, Executor } from "../database/database.js";
import type { CallRecordExportRow, ExportColumn } from "./call-record-export-columns.js";

/** Which CDRs an export holds: those whose call started in [from, to), optionally of one X and outcome. */
export interface CallRecordExportFilter {
  from: Date;
  to: Date;
  virtualNum?: string | undefined;
  outcome?: CallOutcome | undefined;
}

/** Where a page ends: the keyset (call start, row id) of its last row. */
export interface ExportPosition {
  /** `call_in_time` as the database wrote it (text keeps its microseconds, which a Date would lose). */
  callInTime: string;
  id: number;
}

/** A page of the export: its rows, and where the next one starts (undefined: this was the last). */
export interface ExportPage {
  rows: CallRecordExportRow[];
  next: ExportPosition | undefined;
}

/**
 * The highest CDR row id stored now (0 when there is none): an export reads rows up to it, so that it holds
 * the CDRs stored when it started and none inserted while it runs.
 */
export async function exportUpperBound(db: Executor): Promise<number> {
  const row = await db
    .selectFrom("call_records")
    .select((eb) => eb.fn.max("id").as("max"))
    .executeTakeFirst();
  return Number(row?.max ?? 0);
}

/**
 * One keyset page of an export, ordered by (call_in_time, id) ascending and served by the index on those
 * columns: rows after `after`, with id ≤ `maxId`, at most `limit`. Only what `columns` read is selected; of
 * the stored CDR only the fields they name, as a small jsonb object.
 */
export async function readExportPage(
  db: Executor,
  filter: CallRecordExportFilter,
  options: {
    columns: readonly ExportColumn[];
    maxId: number;
    after: ExportPosition | undefined;
    limit: number;
  },
): Promise<ExportPage> {
  const { columns, maxId, after, limit } = options;
  const tableColumns = [...new Set(columns.flatMap((c) => c.reads))];
  const recordFields = [...new Set(columns.flatMap((c) => c.recordFields ?? []))];
  let query = db
    .selectFrom("call_records")
    .select(tableColumns)
    .select([
      "id",
      sql<string>`call_in_time::text`.as("position_time"),
      // One primary-key lookup per row: the archive's state of the CDR's recording.
      sql<string | null>`(select r.state from recordings r where r.call_record_id = call_records.id)`.as(
        "recording_state",
      ),
      recordFields.length === 0
        ? sql<object>`'{}'::jsonb`.as("record")
        : sql<object>`jsonb_build_object(${sql.join(
            recordFields.map((field) => sql`${sql.lit(field)}::text, record->${sql.lit(field)}::text`),
          )})`.as("record"),
    ])
    .where("call_in_time", ">=", filter.from)
    .where("call_in_time", "<", filter.to)
    .where("id", "<=", maxId) as unknown as SelectQueryBuilder<
    Database,
    "call_records",
    CallRecordExportRow & { position_time: string }
  >;
  if (filter.virtualNum !== undefined) query = query.where("virtual_num", "=", filter.virtualNum);
  if (filter.outcome !== undefined) query = query.where("outcome", "=", filter.outcome);
  if (after !== undefined) {
    query = query.where(sql<boolean>`(call_in_time, id) > (${after.callInTime}::timestamptz, ${after.id})`);
  }
  const rows = await query.orderBy("call_in_time").orderBy("id").limit(limit).execute();
  const last = rows.at(-1);
  return {
    rows: rows.map(({ position_time: _position, ...row }) => ({ ...row, id: Number(row.id) })),
    next: last && rows.length === limit ? { callInTime: last.position_time, id: Number(last.id) } : undefined,
  };
}
