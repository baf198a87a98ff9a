// The public API of @privnum/notification-schemas, by name.

export type {
  CallScenario,
  CallSession,
  CallSessionState,
  DescribedCause,
  HangupReason,
  RecordingReference,
} from "./call-session.js";
export { CALL_SESSION_STATES, foldCallSession } from "./call-session.js";
export type { CodeInfo, CodeLookup, KnownCode, UnknownCode } from "./code-table.js";
export type { DirectionInfo, FeeDirection } from "./direction.table.js";
export { describeDirection, FEE_DIRECTIONS } from "./direction.table.js";
export { E164_PATTERN, isE164, MASKED_E164_PATTERN } from "./e164.js";
export type { CallSessionErrorCode } from "./errors.js";
export { CallSessionError, ParseOptionsError } from "./errors.js";
export type { ParseIssue, ParseIssueCode, ParseResult } from "./issues.js";
export {
  callEventNotificationSchema,
  createNotificationSchema,
  feeNotificationSchema,
  notificationSchema,
  numStatusNotificationSchema,
} from "./notification-schema.js";
export type { NumStatus, NumStatusCause, NumStatusInfo } from "./num-status.table.js";
export {
  describeNumStatus,
  describeNumStatusCause,
  NUM_STATUS_CAUSES,
  NUM_STATUSES,
} from "./num-status.table.js";
export type { ParseOptions } from "./options.js";
export { DEFAULT_PARSE_OPTIONS } from "./options.js";
export type { NotificationInput } from "./parse.js";
export {
  parseCallEvent,
  parseFeeNotification,
  parseNotification,
  parseNumStatusNotification,
} from "./parse.js";
export type { PhoneNumberKey } from "./phone-number.js";
export {
  isLenientPhoneNumber,
  isPhoneNumberKey,
  isStrictPhoneNumber,
  LENIENT_PHONE_NUMBER_PATTERN,
  maskPhoneNumber,
  maskPhoneNumbersInText,
  maskPhoneNumbersInValue,
  PHONE_NUMBER_KEYS,
  STRICT_PHONE_NUMBER_PATTERN,
} from "./phone-number.js";
export { isPlatformTime, PLATFORM_TIME_PATTERN, platformTimeToIso } from "./platform-time.js";
export type { Q850Cause } from "./q850.table.js";
export { describeQ850Cause, Q850_CAUSES } from "./q850.table.js";
export type { ResultCode, ResultCodeInfo } from "./result-code.table.js";
export { describeResultCode, RESULT_CODES } from "./result-code.table.js";
export type { StateCode, StateCodeCategory, StateCodeInfo } from "./state-code.table.js";
export { describeStateCode, STATE_CODE_CATEGORY_ZH, STATE_CODES } from "./state-code.table.js";
export type {
  CallEventNotification,
  CallEventOf,
  CallinStatusInfo,
  CallPartiesStatusInfo,
  CallStatusInfoBase,
  CallStatusInfoByType,
  CollectInfoStatusInfo,
  DisconnectStatusInfo,
  FeeNotification,
  FeeRecord,
  Notification,
  NumStatusEntry,
  NumStatusNotification,
  RawObject,
  UnknownNotification,
} from "./types.js";
export type { UlFailReason } from "./ul-fail-reason.table.js";
export { describeUlFailReason, UL_FAIL_REASONS } from "./ul-fail-reason.table.js";
export type {
  CallEventType,
  CallEventWire,
  FeeRecordWire,
  FeeWire,
  NotificationWire,
  NumInfoWire,
  NumStatusWire,
} from "./wire-schemas.js";
export {
  CALL_EVENT_TYPES,
  callEventWireSchema,
  feeRecordWireSchema,
  feeWireSchema,
  MAX_FEE_RECORDS,
  MAX_NUM_STATUS_ENTRIES,
  notificationWireSchema,
  numInfoWireSchema,
  numStatusWireSchema,
} from "./wire-schemas.js";
