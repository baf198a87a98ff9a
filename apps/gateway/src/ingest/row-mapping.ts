import type { CallEventNotification, FeeRecord } from "@privnum/notification-schemas";
import type { BindingRow } from "../bindings/binding.table.js";
import type { NewCallEventRow } from "../calls/call-event.table.js";
import { callRecordOutcome } from "../calls/call-outcome.js";
import type { NewCallRecordRow } from "../calls/call-record.table.js";
import { isoToDate } from "../database/column-values.js";
import type { Attribution, KnownCall } from "./attribution.js";

/** A string worth storing: empty strings (the platform's "absent") become null. */
export function nonEmpty(value: string | undefined): string | null {
  return value !== undefined && value.length > 0 ? value : null;
}

function withoutRaw<T extends { raw: unknown }>(value: T): Omit<T, "raw"> {
  const { raw: _raw, ...rest } = value;
  return rest;
}

/** The `call_events` row of an event, attributed to `who`. */
export function eventRow(
  event: CallEventNotification,
  who: Attribution,
  receivedId: number,
): NewCallEventRow {
  const info = event.statusInfo;
  return {
    stream_seq: null,
    session_id: info.sessionId,
    event_type: event.eventType,
    event_timestamp: info.timestamp,
    occurred_at: isoToDate(info.timestampIso),
    subscription_id: who.subscriptionId,
    virtual_num: who.virtualNum,
    bind_num: who.bindNum,
    caller: nonEmpty(info.caller),
    called: nonEmpty(info.called),
    digit_info: event.eventType === "collectInfo" ? (event.statusInfo.digitInfo ?? null) : null,
    state_code: event.eventType === "disconnect" ? event.statusInfo.stateCode : null,
    state_desc: event.eventType === "disconnect" ? nonEmpty(event.statusInfo.stateDesc) : null,
    user_data: event.eventType === "callin" ? nonEmpty(event.statusInfo.userData) : null,
    // The original is in the kept body (received_notification_id); storing it twice would double the row.
    event: withoutRaw(event),
    received_notification_id: receivedId,
  };
}

/** A as a CDR shows it: whom the call was forwarded to (someone called A), or the caller (A called back). */
export function shownA(record: FeeRecord): string | null {
  return nonEmpty(
    record.direction === 0 ? record.fwdDstNum : record.direction === 1 ? record.callerNum : undefined,
  );
}

/**
 * Whether a CDR contradicts the mirrored binding of its subscriptionId: another X, or another A. Only what
 * the CDR states is compared.
 */
export function contradictsBinding(record: FeeRecord, binding: BindingRow): boolean {
  const a = shownA(record);
  const x = nonEmpty(record.bindNum);
  return (a !== null && a !== binding.bind_num) || (x !== null && x !== binding.virtual_num);
}

/**
 * The `call_records` row of a CDR. When the CDR contradicts its subscriptionId's binding, what it shows wins
 * over what the call was given.
 */
export function recordRow(
  record: FeeRecord,
  call: KnownCall | undefined,
  binding: BindingRow | undefined,
  receivedId: number,
  contradicted = false,
): NewCallRecordRow {
  const fallbackA = shownA(record);
  return {
    icid: record.icid,
    session_id: record.sessionId,
    subscription_id: nonEmpty(record.subscriptionId) ?? call?.subscription_id ?? null,
    virtual_num: nonEmpty(record.bindNum),
    bind_num: contradicted
      ? (fallbackA ?? call?.bind_num ?? null)
      : (binding?.bind_num ?? call?.bind_num ?? fallbackA),
    extend_num: nonEmpty(record.extendNum),
    direction: record.direction,
    caller_num: nonEmpty(record.callerNum),
    callee_num: nonEmpty(record.calleeNum),
    call_in_time: isoToDate(record.callInTimeIso),
    fwd_answer_time: isoToDate(record.fwdAnswerTimeIso),
    call_end_time: isoToDate(record.callEndTimeIso),
    outcome: callRecordOutcome(record),
    record_flag: record.recordFlag === 1,
    record_domain: nonEmpty(record.recordDomain),
    record_object_name: nonEmpty(record.recordObjectName),
    record_file_download_url: nonEmpty(record.recordFileDownloadUrl),
    // As for events: the original is in the kept body.
    record: withoutRaw(record),
    received_notification_id: receivedId,
  };
}
