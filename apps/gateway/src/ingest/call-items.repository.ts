import { type RawBuilder, sql } from "kysely";
import { callEventRowsOf, callEventsInsert, type InsertedCallEvent } from "../calls/call-event.repository.js";
import type { CallEventRow, NewCallEventRow } from "../calls/call-event.table.js";
import {
  callRecordRowsOf,
  callRecordsInsert,
  type InsertedCallRecord,
} from "../calls/call-record.repository.js";
import type { CallRecordRow, NewCallRecordRow } from "../calls/call-record.table.js";
import { toDate } from "../database/column-values.js";
import type { Executor } from "../database/database.js";
import { PREPARED } from "../database/prepared-statements.js";
import { virtualNumbersRemember } from "../numbers/virtual-number.repository.js";
import { recordingsQueue } from "../recordings/recording.repository.js";
import { hasRecording } from "../recordings/recording-eligibility.js";

/** What {@link insertCallItems} stores. */
export interface CallItemsToInsert {
  events: readonly NewCallEventRow[];
  records: readonly NewCallRecordRow[];
  /** X numbers not known yet: those that a new event or CDR names are remembered (`virtual_numbers`). */
  unknownNumbers: readonly string[];
  now: Date;
}

/** The new events and CDRs {@link insertCallItems} stored, each list in id order. */
export interface InsertedCallItems {
  events: CallEventRow[];
  records: CallRecordRow[];
}

/** A row the statement returns: a new event (`kind` 0) or a new CDR (1), the other's columns null. */
type InsertedRow = { kind: number } & InsertedCallEvent & InsertedCallRecord;

/**
 * Insert a batch's call events and CDRs (see `insertCallEvents`, `insertCallRecords`: what is already stored
 * is skipped), queue the recordings of its new CDRs (see `queueRecordings`) and remember the unknown X
 * numbers its new items name (see `rememberVirtualNumbers`), in one statement: one round trip instead of up
 * to four. Nothing is asked when there is nothing to insert.
 */
export async function insertCallItems(
  tx: Executor,
  { events, records, unknownNumbers, now }: CallItemsToInsert,
): Promise<InsertedCallItems> {
  if (events.length === 0 && records.length === 0) return { events: [], records: [] };
  const ctes: RawBuilder<unknown>[] = [];
  const selects: RawBuilder<unknown>[] = [];
  const named: RawBuilder<unknown>[] = [];
  if (events.length > 0) {
    ctes.push(callEventsInsert(events));
    selects.push(sql`select 0 as kind, id, inserted_at, session_id, event_type, event_timestamp,
      null::int4 as n, null::bytea as content_hash, null::bool as conflict from inserted_events`);
    named.push(sql`select virtual_num from inserted_events`);
  }
  if (records.length > 0) {
    ctes.push(callRecordsInsert(records));
    selects.push(sql`select 1 as kind, id, inserted_at, null::text as session_id, null::text as event_type,
      null::text as event_timestamp, n, content_hash, conflict from inserted_records`);
    named.push(sql`select virtual_num from inserted_record_rows`);
    const eligible = records.flatMap((row, i) =>
      hasRecording({
        record_domain: row.record_domain ?? null,
        record_object_name: row.record_object_name ?? null,
        record_file_download_url: row.record_file_download_url ?? null,
        fwd_answer_time: toDate(row.fwd_answer_time),
        call_end_time: toDate(row.call_end_time),
      })
        ? [i + 1]
        : [],
    );
    if (eligible.length > 0) ctes.push(recordingsQueue(sql`inserted_records`, eligible));
  }
  if (unknownNumbers.length > 0) {
    ctes.push(virtualNumbersRemember(sql`(${sql.join(named, sql` union all `)})`, unknownNumbers, now));
  }
  // Prepared without CDRs only: a CDR's insert looks its icid up in call_records, which a generic plan made
  // while the table was small would scan (see PREPARED).
  const { rows } = await sql<InsertedRow>`${records.length === 0 ? PREPARED : sql``}with ${sql.join(ctes)}
    ${sql.join(selects, sql` union all `)}`.execute(tx);
  const insertedEvents: InsertedCallEvent[] = [];
  const insertedRecords: InsertedCallRecord[] = [];
  for (const row of rows) {
    if (row.kind === 0) insertedEvents.push(row);
    else insertedRecords.push(row);
  }
  return {
    events: callEventRowsOf(events, insertedEvents),
    records: callRecordRowsOf(records, insertedRecords),
  };
}
