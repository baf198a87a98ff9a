import type { CallRecordRow } from "../calls/call-record.table.js";

/** The platform records no call shorter than this (docs/axe-platform.md §3, §9). */
export const MIN_RECORDED_SECONDS = 3;

/** The columns of a CDR that decide whether it has a recording. */
export type RecordingEvidence = Pick<
  CallRecordRow,
  "record_domain" | "record_object_name" | "record_file_download_url" | "fwd_answer_time" | "call_end_time"
>;

/**
 * Whether a CDR has a recording to archive: it names a file (`recordDomain` + `recordObjectName`, or
 * `recordFileDownloadUrl`) and is not a call the platform does not record (never answered while its end is
 * known, or answered for less than {@link MIN_RECORDED_SECONDS}). The migration that queued older CDRs states
 * the same rule in SQL.
 */
export function hasRecording(cdr: RecordingEvidence): boolean {
  const named = Boolean((cdr.record_domain && cdr.record_object_name) || cdr.record_file_download_url);
  if (!named) return false;
  if (!cdr.fwd_answer_time) return !cdr.call_end_time;
  if (!cdr.call_end_time) return true;
  return cdr.call_end_time.getTime() - cdr.fwd_answer_time.getTime() >= MIN_RECORDED_SECONDS * 1000;
}
