import { canonicalJson } from "./canonical-json.js";
import type { CodeInfo } from "./code-table.js";
import { CallSessionError } from "./errors.js";
import { describeQ850Cause } from "./q850.table.js";
import { describeStateCode, type StateCodeCategory } from "./state-code.table.js";
import type { CallEventNotification, CallEventOf, FeeRecord } from "./types.js";
import { describeUlFailReason } from "./ul-fail-reason.table.js";
import type { CallEventType } from "./wire-schemas.js";

/** How far a call got, in order. `billed` means its CDR arrived. */
export type CallSessionState =
  | "ringing"
  | "digits-collected"
  | "forwarding"
  | "alerting"
  | "answered"
  | "ended"
  | "billed";

/** The states in the order a call goes through them. */
export const CALL_SESSION_STATES: readonly CallSessionState[] = [
  "ringing",
  "digits-collected",
  "forwarding",
  "alerting",
  "answered",
  "ended",
  "billed",
];

/**
 * `callee`: someone called X and keyed the extension E to reach A. `callback`: A called X and was put
 * through to the last party that reached A via X. `unknown`: the events seen so far do not tell.
 */
export type CallScenario = "callee" | "callback" | "unknown";

/** Why the call ended. */
export interface HangupReason {
  /** Where the code comes from: the `disconnect` event, or the CDR when no `disconnect` arrived. */
  readonly source: "stateCode" | "ulFailReason";
  readonly code: number;
  /** Whether the code is in its table (then `description` and `zh` are set). */
  readonly known: boolean;
  /** English description from the code table. */
  readonly description?: string;
  /** Huawei's Chinese term. */
  readonly zh?: string;
  /** The group of a known `stateCode`. */
  readonly category?: StateCodeCategory;
  /** The platform's own text, `stateDesc` of the `disconnect` event. */
  readonly stateDesc?: string;
}

/** A Q.850 cause with its description. */
export interface DescribedCause extends Partial<CodeInfo> {
  readonly code: number;
  readonly known: boolean;
}

/** Where the call's recording is; pass `recordDomain` and `fileName` to the recording download API. */
export interface RecordingReference {
  readonly recordDomain?: string;
  /** `recordObjectName` of the CDR. */
  readonly fileName?: string;
  readonly bucketName?: string;
  /** Direct download URL, used when `recordDomain` is empty. */
  readonly downloadUrl?: string;
  /** Recording start, ISO-8601. */
  readonly startedAt?: string;
}

/** One call, folded from its events and CDR. Times are ISO-8601 instants. */
export interface CallSession {
  readonly sessionId: string;
  readonly state: CallSessionState;
  readonly scenario: CallScenario;
  /** Who dialled X: the outside party in `callee`, A in `callback`. From the CDR when present. */
  readonly caller?: string;
  /** The privacy number X. */
  readonly virtualNum?: string;
  /** Whom X rang: A in `callee`; the last caller (or the binding's callbackNum) in `callback`. */
  readonly forwardedTo?: string;
  /** The digits keyed at the prompt (`collectInfo.digitInfo`); empty if the caller keyed nothing. */
  readonly digits?: string;
  /** The extension E, from the CDR. */
  readonly extendNum?: string;
  readonly subscriptionId?: string;
  readonly userData?: string;
  readonly startedAt?: string;
  readonly digitsCollectedAt?: string;
  readonly forwardedAt?: string;
  readonly alertingAt?: string;
  readonly answeredAt?: string;
  readonly endedAt?: string;
  /** Seconds from answer to end; 0 for an ended call that was never answered. */
  readonly talkSeconds?: number;
  /** The platform's billed duration (talk time rounded up to whole minutes); set once the CDR arrived. */
  readonly billedMinutes?: number;
  readonly hangup?: HangupReason;
  /** Q.850 cause of a failed forwarded leg (`fwdUnaswRsn`), when the CDR gives a non-zero one. */
  readonly forwardFailure?: DescribedCause;
  readonly recording?: RecordingReference;
  /** The events folded, duplicates removed, in canonical order. */
  readonly events: readonly CallEventNotification[];
  /** The CDRs folded, duplicates removed, in canonical order. */
  readonly records: readonly FeeRecord[];
}

const PHASE: Readonly<Record<CallEventType, number>> = {
  callin: 0,
  collectInfo: 1,
  callout: 2,
  alerting: 3,
  answer: 4,
  disconnect: 5,
};

const STATE_OF_EVENT: Readonly<Record<CallEventType, CallSessionState>> = {
  callin: "ringing",
  collectInfo: "digits-collected",
  callout: "forwarding",
  alerting: "alerting",
  answer: "answered",
  disconnect: "ended",
};

// Hang-up reasons that only occur in one scenario (docs/axe-platform.md §3, §11.1).
const CALLBACK_STATE_CODES: ReadonlySet<number> = new Set([8019]);
const CALLEE_STATE_CODES: ReadonlySet<number> = new Set([8022, 8033, 7516]);

interface Keyed<T> {
  readonly item: T;
  readonly canonical: string;
}

/**
 * Folds the call events (and CDRs, when present) of one `sessionId` into a call session. The platform
 * re-pushes events and does not order them, so the input is deduplicated (same `sessionId`, `eventType` and
 * `timestamp`; CDRs by `icid`) and sorted canonically first: any order and any number of repeats of the same
 * events give an equal result.
 *
 * @throws {CallSessionError} `empty` when there is nothing to fold; `mixed-sessions` when the input spans
 *   more than one `sessionId`.
 */
export function foldCallSession(
  events: readonly CallEventNotification[],
  records: readonly FeeRecord[] = [],
): CallSession {
  const sessionId = singleSessionId(events, records);
  const ordered = dedupeEvents(events);
  const bills = dedupeRecords(records);

  const first = <E extends CallEventType>(type: E): CallEventOf<E> | undefined =>
    ordered.find((event) => event.eventType === type) as CallEventOf<E> | undefined;
  const callin = first("callin");
  const collectInfo = first("collectInfo");
  const callout = first("callout");
  const alerting = first("alerting");
  const answer = first("answer");
  const disconnect = first("disconnect");
  const cdr = bills[0];

  let rank = -1;
  for (const event of ordered)
    rank = Math.max(rank, CALL_SESSION_STATES.indexOf(STATE_OF_EVENT[event.eventType]));
  if (cdr) rank = CALL_SESSION_STATES.length - 1;
  const state = CALL_SESSION_STATES[rank] as CallSessionState;

  const answeredAt = cdr?.fwdAnswerTimeIso ?? answer?.statusInfo.timestampIso;
  const endedAt = cdr?.callEndTimeIso ?? cdr?.failTimeIso ?? disconnect?.statusInfo.timestampIso;
  const talkSeconds =
    answeredAt !== undefined && endedAt !== undefined
      ? Math.max(0, Math.round((Date.parse(endedAt) - Date.parse(answeredAt)) / 1000))
      : endedAt !== undefined
        ? 0
        : undefined;

  const session: Mutable<CallSession> = {
    sessionId,
    state,
    scenario: scenarioOf(ordered, cdr, disconnect),
    events: ordered,
    records: bills,
  };
  set(session, "caller", nonEmpty(cdr?.callerNum) ?? callin?.statusInfo.caller);
  set(session, "virtualNum", nonEmpty(cdr?.bindNum) ?? callin?.statusInfo.called);
  set(
    session,
    "forwardedTo",
    nonEmpty(cdr?.fwdDstNum) ??
      callout?.statusInfo.called ??
      alerting?.statusInfo.called ??
      answer?.statusInfo.called,
  );
  set(session, "digits", collectInfo?.statusInfo.digitInfo);
  set(
    session,
    "extendNum",
    nonEmpty(cdr?.extendNum) ?? ordered.find((e) => e.statusInfo.extendNum)?.statusInfo.extendNum,
  );
  set(
    session,
    "subscriptionId",
    nonEmpty(cdr?.subscriptionId) ??
      ordered.find((e) => e.statusInfo.subscriptionId)?.statusInfo.subscriptionId,
  );
  set(session, "userData", callin?.statusInfo.userData ?? nonEmpty(cdr?.userData));
  set(session, "startedAt", cdr?.callInTimeIso ?? callin?.statusInfo.timestampIso);
  set(session, "digitsCollectedAt", collectInfo?.statusInfo.timestampIso);
  set(session, "forwardedAt", cdr?.fwdStartTimeIso ?? callout?.statusInfo.timestampIso);
  set(session, "alertingAt", cdr?.fwdAlertingTimeIso ?? alerting?.statusInfo.timestampIso);
  set(session, "answeredAt", answeredAt);
  set(session, "endedAt", endedAt);
  set(session, "talkSeconds", talkSeconds);
  if (cdr) session.billedMinutes = answeredAt !== undefined ? Math.ceil((talkSeconds ?? 0) / 60) : 0;
  set(session, "hangup", hangupOf(disconnect, cdr));
  if (cdr?.fwdUnaswRsn !== undefined && cdr.fwdUnaswRsn !== 0) {
    const found = describeQ850Cause(cdr.fwdUnaswRsn);
    session.forwardFailure = found.known
      ? { code: found.code, known: true, description: found.description, zh: found.zh }
      : { code: cdr.fwdUnaswRsn, known: false };
  }
  set(session, "recording", recordingOf(cdr));
  return session;
}

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

function set<K extends keyof CallSession>(
  session: Mutable<CallSession>,
  key: K,
  value: CallSession[K] | undefined,
) {
  if (value !== undefined) session[key] = value;
}

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value === "" ? undefined : value;
}

function singleSessionId(events: readonly CallEventNotification[], records: readonly FeeRecord[]): string {
  const ids = new Set<string>();
  for (const event of events) ids.add(event.statusInfo.sessionId);
  for (const record of records) ids.add(record.sessionId);
  if (ids.size === 0)
    throw new CallSessionError("empty", "foldCallSession needs at least one event or record");
  if (ids.size > 1) {
    const listed = [...ids].sort().slice(0, 3).join(", ");
    throw new CallSessionError(
      "mixed-sessions",
      `foldCallSession folds one session; the input spans ${ids.size} sessionIds (${listed}${ids.size > 3 ? ", …" : ""})`,
    );
  }
  return ids.values().next().value as string;
}

// Of several copies with the same key, the one with the smallest canonical JSON wins, so the choice does
// not depend on arrival order even when a re-push differs in some field.
function pickCanonical<T>(
  items: readonly T[],
  keyOf: (item: T) => string,
  rawOf: (item: T) => unknown,
): Keyed<T>[] {
  const byKey = new Map<string, Keyed<T>>();
  for (const item of items) {
    const key = keyOf(item);
    const canonical = canonicalJson(rawOf(item));
    const kept = byKey.get(key);
    if (kept === undefined || canonical < kept.canonical) byKey.set(key, { item, canonical });
  }
  return [...byKey.values()];
}

function dedupeEvents(events: readonly CallEventNotification[]): CallEventNotification[] {
  const kept = pickCanonical(
    events,
    (event) => `${event.statusInfo.sessionId}\u0000${event.eventType}\u0000${event.statusInfo.timestamp}`,
    (event) => event.raw,
  );
  kept.sort(
    (a, b) =>
      compare(a.item.statusInfo.timestampIso, b.item.statusInfo.timestampIso) ||
      PHASE[a.item.eventType] - PHASE[b.item.eventType] ||
      compare(a.canonical, b.canonical),
  );
  return kept.map((entry) => entry.item);
}

function dedupeRecords(records: readonly FeeRecord[]): FeeRecord[] {
  const kept = pickCanonical(
    records,
    (record) => `${record.sessionId}\u0000${record.icid}`,
    (record) => record.raw,
  );
  kept.sort(
    (a, b) =>
      compare(a.item.callInTimeIso ?? "", b.item.callInTimeIso ?? "") ||
      compare(a.item.icid, b.item.icid) ||
      compare(a.canonical, b.canonical),
  );
  return kept.map((entry) => entry.item);
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function scenarioOf(
  events: readonly CallEventNotification[],
  cdr: FeeRecord | undefined,
  disconnect: CallEventOf<"disconnect"> | undefined,
): CallScenario {
  // Strongest evidence first: only the callee scenario collects digits; the CDR states the direction.
  if (events.some((event) => event.eventType === "collectInfo")) return "callee";
  if (cdr?.direction === 0) return "callee";
  if (cdr?.direction === 1) return "callback";
  const stateCode = disconnect?.statusInfo.stateCode;
  if (stateCode !== undefined && CALLBACK_STATE_CODES.has(stateCode)) return "callback";
  if (stateCode !== undefined && CALLEE_STATE_CODES.has(stateCode)) return "callee";
  // The callee scenario cannot forward before it has collected the extension, so forwarding without a
  // collectInfo means A called back.
  if (events.some((event) => PHASE[event.eventType] >= PHASE.callout && event.eventType !== "disconnect")) {
    return "callback";
  }
  return "unknown";
}

function hangupOf(
  disconnect: CallEventOf<"disconnect"> | undefined,
  cdr: FeeRecord | undefined,
): HangupReason | undefined {
  if (disconnect) {
    const { stateCode, stateDesc } = disconnect.statusInfo;
    const found = describeStateCode(stateCode);
    const reason: Mutable<HangupReason> = { source: "stateCode", code: stateCode, known: found.known };
    if (found.known) {
      reason.description = found.description;
      reason.zh = found.zh;
      reason.category = found.category;
    }
    if (stateDesc !== undefined && stateDesc !== "") reason.stateDesc = stateDesc;
    return reason;
  }
  if (cdr?.ulFailReason !== undefined) {
    const found = describeUlFailReason(cdr.ulFailReason);
    const reason: Mutable<HangupReason> = {
      source: "ulFailReason",
      code: cdr.ulFailReason,
      known: found.known,
    };
    if (found.known) {
      reason.description = found.description;
      reason.zh = found.zh;
    }
    return reason;
  }
  return undefined;
}

function recordingOf(cdr: FeeRecord | undefined): RecordingReference | undefined {
  if (!cdr) return undefined;
  const fileName = nonEmpty(cdr.recordObjectName);
  const downloadUrl = nonEmpty(cdr.recordFileDownloadUrl);
  if (cdr.recordFlag !== 1 && fileName === undefined && downloadUrl === undefined) return undefined;
  const recording: Mutable<RecordingReference> = {};
  const domain = nonEmpty(cdr.recordDomain);
  const bucket = nonEmpty(cdr.recordBucketName);
  if (domain !== undefined) recording.recordDomain = domain;
  if (fileName !== undefined) recording.fileName = fileName;
  if (bucket !== undefined) recording.bucketName = bucket;
  if (downloadUrl !== undefined) recording.downloadUrl = downloadUrl;
  if (cdr.recordStartTimeIso !== undefined) recording.startedAt = cdr.recordStartTimeIso;
  return recording;
}
