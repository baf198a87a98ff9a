import { issue, type ParseIssue } from "./issues.js";
import { platformTimeToIso } from "./platform-time.js";
import type { CallEventNotification, FeeNotification, NumStatusNotification, RawObject } from "./types.js";

// Normalisation works in place on zod's output, which is already a fresh copy of the body: the hot path
// (10k CDR/s at the gateway) then allocates one object per record instead of two. `raw` points at the
// untouched input.

type Mutable = Record<string, unknown>;

/** Adds `timestampIso`, makes `stateCode` a number and attaches `raw`. */
export function normaliseCallEvent(parsed: Mutable, raw: RawObject): CallEventNotification {
  const statusInfo = parsed.statusInfo as Mutable;
  statusInfo.timestampIso = platformTimeToIso(statusInfo.timestamp as string);
  if (typeof statusInfo.stateCode === "string") statusInfo.stateCode = Number(statusInfo.stateCode);
  parsed.kind = "callEvent";
  parsed.raw = raw;
  return parsed as unknown as CallEventNotification;
}

/**
 * Normalises every record of a fee push: `…Iso` instants beside the times, codes as numbers, `extendNumber`
 * exposed as `extendNum`. A record that spells the extension both ways with different values is an issue.
 */
export function normaliseFee(parsed: Mutable, raw: RawObject, issues: ParseIssue[]): FeeNotification {
  const records = parsed.feeLst as Mutable[];
  const rawRecords = raw.feeLst as RawObject[];
  for (let i = 0; i < records.length; i++) {
    normaliseFeeRecord(records[i] as Mutable, rawRecords[i] as RawObject, i, issues);
  }
  parsed.kind = "fee";
  parsed.raw = raw;
  return parsed as unknown as FeeNotification;
}

// Written out field by field: stores under a computed key (`record[name + "Iso"] = …`) are several times
// slower in V8 than stores under a literal name, and this runs for every CDR.
function normaliseFeeRecord(record: Mutable, raw: RawObject, index: number, issues: ParseIssue[]): void {
  // First, while it is the last property zod added (see the schema), so that removing it is cheap.
  const spelledLong = record.extendNumber;
  if (spelledLong !== undefined) {
    delete record.extendNumber;
    if (record.extendNum === undefined) record.extendNum = spelledLong;
    else if (record.extendNum !== spelledLong) {
      issues.push(
        issue(
          "invalid-value",
          ["feeLst", index, "extendNumber"],
          "extendNumber and extendNum are both present and disagree; they name the same extension",
        ),
      );
    }
  }
  // The empty string means "not set" (tolerated on optional times): it gets no instant.
  if (record.callInTime) record.callInTimeIso = iso(record.callInTime);
  if (record.fwdStartTime) record.fwdStartTimeIso = iso(record.fwdStartTime);
  if (record.fwdAlertingTime) record.fwdAlertingTimeIso = iso(record.fwdAlertingTime);
  if (record.fwdAnswerTime) record.fwdAnswerTimeIso = iso(record.fwdAnswerTime);
  if (record.callEndTime) record.callEndTimeIso = iso(record.callEndTime);
  if (record.failTime) record.failTimeIso = iso(record.failTime);
  if (record.recordStartTime) record.recordStartTimeIso = iso(record.recordStartTime);
  // Codes sent as digit strings become numbers (integers pass as they are).
  if (typeof record.direction === "string") record.direction = Number(record.direction);
  if (typeof record.fwdUnaswRsn === "string") record.fwdUnaswRsn = Number(record.fwdUnaswRsn);
  if (typeof record.ulFailReason === "string") record.ulFailReason = Number(record.ulFailReason);
  if (typeof record.sipStatusCode === "string") record.sipStatusCode = Number(record.sipStatusCode);
  if (typeof record.callOutUnaswRsn === "string") record.callOutUnaswRsn = Number(record.callOutUnaswRsn);
  if (typeof record.recordFlag === "string") record.recordFlag = Number(record.recordFlag);
  if (typeof record.ttsPlayTimes === "string") record.ttsPlayTimes = Number(record.ttsPlayTimes);
  if (typeof record.ttsTransDuration === "string") record.ttsTransDuration = Number(record.ttsTransDuration);
  if (typeof record.callDuration === "string") record.callDuration = Number(record.callDuration);
  if (typeof record.voiceCheckType === "string") record.voiceCheckType = Number(record.voiceCheckType);
  record.raw = raw;
}

function iso(value: unknown): string {
  return platformTimeToIso(value as string);
}

/** Makes `status` and `cause` numbers (they are sent as digit strings) and attaches `raw`. */
export function normaliseNumStatus(parsed: Mutable, raw: RawObject): NumStatusNotification {
  const entries = parsed.numInfo as Mutable[];
  const rawEntries = raw.numInfo as RawObject[];
  for (let i = 0; i < entries.length; i++) {
    const entry = entries[i] as Mutable;
    if (typeof entry.status === "string") entry.status = Number(entry.status);
    if (typeof entry.cause === "string") entry.cause = Number(entry.cause);
    entry.raw = rawEntries[i];
  }
  parsed.kind = "numStatus";
  parsed.raw = raw;
  return parsed as unknown as NumStatusNotification;
}
