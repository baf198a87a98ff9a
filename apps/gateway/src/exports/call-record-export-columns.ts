import type { FeeRecord } from "@privnum/notification-schemas";
import type { CallRecordColumn } from "../calls/call-record.repository.js";
import type { CallRecordRow } from "../calls/call-record.table.js";

/** A value of an exported cell: text, number, boolean, or null (an empty CSV cell, JSON null). */
export type ExportValue = string | number | boolean | null;

/**
 * A CDR as the export reads it: the table columns its {@link ExportColumn}s name in `reads`, and of the
 * stored CDR (`record`, most of a row's size) only the fields they name in `recordFields`.
 */
export type CallRecordExportRow = Omit<CallRecordRow, "record"> & {
  record: Partial<FeeRecord>;
  /** The state of the CDR's recording in the archive (`recordings.state`); null when it has none. */
  recording_state: string | null;
};

/** One column of the export: its name (CSV header, JSON key), what it reads, and its value for a row. */
export interface ExportColumn {
  name: string;
  /** The `call_records` columns `value` reads. */
  reads: readonly CallRecordColumn[];
  /** The fields of the stored CDR (`record`) `value` reads. */
  recordFields?: readonly (keyof FeeRecord)[];
  value(row: CallRecordExportRow): ExportValue;
}

const iso = (date: Date | null) => (date === null ? null : date.toISOString());

/**
 * The columns of `/exports/call-records.csv` and `.jsonl`, in order: a column is added here and nowhere
 * else (the query reads what `reads` and `recordFields` name; both formats write every column). Phone
 * numbers are whole (only operators and admins may export); times are ISO-8601 UTC.
 */
export const CALL_RECORD_EXPORT_COLUMNS: readonly ExportColumn[] = [
  { name: "icid", reads: ["icid"], value: (r) => r.icid },
  { name: "sessionId", reads: ["session_id"], value: (r) => r.session_id },
  { name: "subscriptionId", reads: ["subscription_id"], value: (r) => r.subscription_id },
  { name: "virtualNum", reads: ["virtual_num"], value: (r) => r.virtual_num },
  { name: "bindNum", reads: ["bind_num"], value: (r) => r.bind_num },
  { name: "extendNum", reads: ["extend_num"], value: (r) => r.extend_num },
  { name: "direction", reads: ["direction"], value: (r) => r.direction },
  { name: "callerNum", reads: ["caller_num"], value: (r) => r.caller_num },
  { name: "calleeNum", reads: ["callee_num"], value: (r) => r.callee_num },
  { name: "fwdDstNum", reads: [], recordFields: ["fwdDstNum"], value: (r) => r.record.fwdDstNum || null },
  { name: "callInTime", reads: ["call_in_time"], value: (r) => iso(r.call_in_time) },
  { name: "fwdAnswerTime", reads: ["fwd_answer_time"], value: (r) => iso(r.fwd_answer_time) },
  { name: "callEndTime", reads: ["call_end_time"], value: (r) => iso(r.call_end_time) },
  {
    name: "talkSeconds",
    reads: ["fwd_answer_time", "call_end_time"],
    // As CallRecord.talkSeconds: callEndTime − fwdAnswerTime, when answered.
    value: (r) =>
      r.fwd_answer_time && r.call_end_time
        ? Math.max(0, Math.round((r.call_end_time.getTime() - r.fwd_answer_time.getTime()) / 1000))
        : null,
  },
  { name: "outcome", reads: ["outcome"], value: (r) => r.outcome.toUpperCase() },
  {
    name: "recordingState",
    reads: [],
    // As CallRecord.recording.state: NONE when the CDR has no recording.
    value: (r) => r.recording_state ?? "NONE",
  },
  {
    name: "ulFailReason",
    reads: [],
    recordFields: ["ulFailReason"],
    value: (r) => r.record.ulFailReason ?? null,
  },
  {
    name: "fwdUnaswRsn",
    reads: [],
    recordFields: ["fwdUnaswRsn"],
    value: (r) => r.record.fwdUnaswRsn ?? null,
  },
  { name: "recordFlag", reads: ["record_flag"], value: (r) => r.record_flag },
  { name: "receivedAt", reads: ["inserted_at"], value: (r) => iso(r.inserted_at) },
  { name: "conflict", reads: ["conflict"], value: (r) => r.conflict },
];
