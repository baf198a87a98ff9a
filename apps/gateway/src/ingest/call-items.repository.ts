import { type RawBuilder, sql } from "kysely";
import {
  callRecordRowsOf,
  callRecordsInsert,
  type InsertedCallRecord,
} from "../calls/call-record.repository.js";
import type { CallRecordRow, NewCallRecordRow } from "../calls/call-record.table.js";
import { toDate } from "../database/column-values.js";
import type { Executor } from "../database/database.js";
import { PREPARED } from "../database/prepared-statements.js";
import { rememberVirtualNumbers, virtualNumbersRemember } from "../numbers/virtual-number.repository.js";
import { recordingsQueue } from "../recordings/recording.repository.js";
import { hasRecording } from "../recordings/recording-eligibility.js";

/** What {@link insertCallItems} stores. */
export interface CallItemsToInsert {
  records: readonly NewCallRecordRow[];
  /**
   * The X numbers the batch's new events name. The events themselves are inserted by the transaction's last
   * statement, with their stream positions (see `appendStreamEntries`).
   */
  eventNumbers: readonly string[];
  /** X numbers not known yet: those that a new event or CDR names are remembered (`virtual_numbers`). */
  unknownNumbers: readonly string[];
  now: Date;
}

/**
 * Insert a batch's CDRs (see `insertCallRecords`: what is already stored is skipped), queue the recordings of
 * its new CDRs (see `queueRecordings`) and remember the unknown X numbers its new events and CDRs name (see
 * `rememberVirtualNumbers`), in one statement: one round trip instead of up to three. Returns the new CDRs, in
 * id order. Nothing is asked when there is nothing to store.
 */
export async function insertCallItems(
  tx: Executor,
  { records, eventNumbers, unknownNumbers, now }: CallItemsToInsert,
): Promise<CallRecordRow[]> {
  const unknown = new Set(unknownNumbers);
  if (records.length === 0) {
    await rememberVirtualNumbers(
      tx,
      eventNumbers.filter((n) => unknown.has(n)),
      now,
    );
    return [];
  }
  const ctes: RawBuilder<unknown>[] = [callRecordsInsert(records)];
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
  if (unknown.size > 0) {
    ctes.push(
      virtualNumbersRemember(
        sql`(select virtual_num from inserted_record_rows
             union all select unnest(${[...new Set(eventNumbers)]}::text[]))`,
        [...unknown],
        now,
      ),
    );
  }
  // Prepared: every part inserts rows from a parameter, and a CDR's icid is looked up behind a fence (see
  // `callRecordsInsert`). One text per combination of the optional parts.
  const { rows } = await sql<InsertedCallRecord>`${PREPARED}with ${sql.join(ctes)}
    select n, id, inserted_at, content_hash, conflict from inserted_records`.execute(tx);
  return callRecordRowsOf(records, rows);
}
