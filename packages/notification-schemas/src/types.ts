import type { CallEventType } from "./wire-schemas.js";

/** A JSON object as received; the untouched original of a parsed value. */
export type RawObject = Readonly<Record<string, unknown>>;

// The normalised shapes stay close to the wire: the platform's field names and nesting, with normalised
// siblings added (`…Iso` instants) and codes turned into numbers. Fields the platform adds later are kept on
// the objects as they arrived, and every value keeps its original in `raw`.

/** Fields every call event's `statusInfo` has or may have. */
export interface CallStatusInfoBase {
  /** Time of the event as sent: UTC `yyyy-MM-dd HH:mm:ss`. */
  readonly timestamp: string;
  /** `timestamp` as an ISO-8601 instant, e.g. `2019-01-24T07:03:28Z`. */
  readonly timestampIso: string;
  /** ID of the call session, shared by its events and its CDR. */
  readonly sessionId: string;
  /** Binding ID; absent in `callin` and before an extension matched a binding. */
  readonly subscriptionId?: string;
  /** Extension E, if the platform ever sends it in an event (not seen in samples). */
  readonly extendNum?: string;
}

/** `statusInfo` of events that name both parties. */
export interface CallPartiesStatusInfo extends CallStatusInfoBase {
  /** Caller number (E.164). Not necessarily the real party; the CDR carries the real numbers. */
  readonly caller: string;
  /** Called number (E.164); X in `callin`. */
  readonly called: string;
}

/** `statusInfo` of `callin`: the call reached X. */
export interface CallinStatusInfo extends CallPartiesStatusInfo {
  /** The binding's userData. */
  readonly userData?: string;
}

/** `statusInfo` of `collectInfo`: the caller keyed the extension (callee scenario only). */
export interface CollectInfoStatusInfo extends CallStatusInfoBase {
  /** The digits the caller keyed in; empty when nothing was keyed. */
  readonly digitInfo?: string;
  readonly caller?: string;
  readonly called?: string;
}

/** `statusInfo` of `disconnect`: the call ended. */
export interface DisconnectStatusInfo extends CallPartiesStatusInfo {
  /**
   * Hang-up reason (docs/axe-platform.md §11.1), as a number; 0 is a normal hang-up. See `describeStateCode`.
   */
  readonly stateCode: number;
  /** The platform's text for `stateCode`. */
  readonly stateDesc?: string;
}

/** The `statusInfo` shape of each call event type. */
export interface CallStatusInfoByType {
  readonly callin: CallinStatusInfo;
  readonly collectInfo: CollectInfoStatusInfo;
  readonly callout: CallPartiesStatusInfo;
  readonly alerting: CallPartiesStatusInfo;
  readonly answer: CallPartiesStatusInfo;
  readonly disconnect: DisconnectStatusInfo;
}

/** A call event of one type. */
export interface CallEventOf<E extends CallEventType> {
  readonly kind: "callEvent";
  readonly eventType: E;
  readonly statusInfo: CallStatusInfoByType[E];
  /** The body exactly as received. */
  readonly raw: RawObject;
}

/** A call event notification, discriminated on `eventType`. */
export type CallEventNotification = { [E in CallEventType]: CallEventOf<E> }[CallEventType];

/** A call detail record (one entry of `feeLst`), normalised. */
export interface FeeRecord {
  /** 0 another user called A; 1 A called back; 2 abnormal (e.g. no binding). See `describeDirection`. */
  readonly direction: number;
  /** The customer's cloud account. */
  readonly spId: string;
  /** The application's APP_Key. */
  readonly appKey: string;
  /** Unique ID of the call record. */
  readonly icid: string;
  /** The privacy number X (E.164). */
  readonly bindNum: string;
  /** ID of the call session, shared with the call events. */
  readonly sessionId: string;
  /** Caller number (E.164). */
  readonly callerNum: string;
  /** Called number (E.164); X in the callee scenario. */
  readonly calleeNum: string;
  /** Display number of the forwarded leg. */
  readonly fwdDisplayNum?: string;
  /** Destination of the forwarded leg (A, or the callback target). */
  readonly fwdDstNum?: string;
  /** Start of the inbound leg, as sent (UTC `yyyy-MM-dd HH:mm:ss`). */
  readonly callInTime?: string;
  /** `callInTime` as an ISO-8601 instant. */
  readonly callInTimeIso?: string;
  readonly fwdStartTime?: string;
  readonly fwdStartTimeIso?: string;
  readonly fwdAlertingTime?: string;
  readonly fwdAlertingTimeIso?: string;
  readonly fwdAnswerTime?: string;
  readonly fwdAnswerTimeIso?: string;
  readonly callEndTime?: string;
  readonly callEndTimeIso?: string;
  /** Q.850 cause of a failed forwarded leg. See `describeQ850Cause`. */
  readonly fwdUnaswRsn?: number;
  readonly failTime?: string;
  readonly failTimeIso?: string;
  /** Teardown point of a failed call. See `describeUlFailReason`. */
  readonly ulFailReason?: number;
  readonly sipStatusCode?: number;
  /** Q.850 cause of a failed outbound call. See `describeQ850Cause`. */
  readonly callOutUnaswRsn?: number;
  /** 1 when the call was recorded, 0 when not. */
  readonly recordFlag?: number;
  readonly recordStartTime?: string;
  readonly recordStartTimeIso?: string;
  /** Recording file name: `fileName` of the recording download API. */
  readonly recordObjectName?: string;
  readonly recordBucketName?: string;
  /** Recording storage domain: `recordDomain` of the recording download API. */
  readonly recordDomain?: string;
  /** Direct download URL, used when `recordDomain` is empty. */
  readonly recordFileDownloadUrl?: string;
  readonly ttsPlayTimes?: number;
  readonly ttsTransDuration?: number;
  readonly mptyId?: string;
  /** `"005"` is AXE mode. */
  readonly serviceType?: string;
  readonly hostName?: string;
  /** Binding ID; empty when no binding matched. */
  readonly subscriptionId?: string;
  /** Extension E. Sent as `extendNumber` (Huawei's AXE CDR) or `extendNum`; always exposed here. */
  readonly extendNum?: string;
  readonly areaCode?: string;
  /** Call duration in seconds, when the platform sends it. */
  readonly callDuration?: number;
  readonly userData?: string;
  readonly voiceCheckType?: number | null;
  /** The record exactly as received (with `extendNumber` if that is how it came). */
  readonly raw: RawObject;
}

/** A fee (CDR) notification: 1 to 50 records. */
export interface FeeNotification {
  readonly kind: "fee";
  readonly eventType: "fee";
  readonly feeLst: readonly FeeRecord[];
  /** The body exactly as received. */
  readonly raw: RawObject;
}

/** One entry of `numInfo`. */
export interface NumStatusEntry {
  /** The X number (E.164). */
  readonly number: string;
  /**
   * The status as a number (sent as the string `"5"` etc.): 5 normal, 9 paused, 10 unavailable, 11 binding
   * frozen; see `describeNumStatus`. The string as sent is in `raw`.
   */
  readonly status: number;
  /** Why the number is unavailable, as a number (1–3, 5–9; sent as a string); see `describeNumStatusCause`. */
  readonly cause?: number;
  /** The entry exactly as received. */
  readonly raw: RawObject;
}

/** An X-number status notification: 1 to 100 entries. */
export interface NumStatusNotification {
  readonly kind: "numStatus";
  readonly eventType: "numStatus";
  readonly numInfo: readonly NumStatusEntry[];
  /** The body exactly as received. */
  readonly raw: RawObject;
}

/** A well-formed envelope whose `eventType` this package does not know; kept whole for forward compatibility. */
export interface UnknownNotification {
  readonly kind: "unknown";
  readonly eventType: string;
  /** The body exactly as received. */
  readonly raw: RawObject;
}

/** Any notification, discriminated on `kind`. */
export type Notification =
  | CallEventNotification
  | FeeNotification
  | NumStatusNotification
  | UnknownNotification;
