/** How long `bindExpiredTime` and `callbackExpiredTime` count: the platform's `timeUnit` `"0"` / `"1"`. */
export type TimeUnit = "hours" | "minutes";

/**
 * What A sees when someone calls through X: `"0"` the X number, `"1"` the real caller. Carriers require `"0"`;
 * calls of a binding with `"1"` are blocked (stateCode 8024).
 */
export type DisplayNumMode = "0" | "1";

/**
 * How the platform picks X from `areaCode`: `"0"` strict (fail when the app has no number of that city),
 * `"1"` relaxed (same province first, then any number of the app).
 */
export type AreaMatchMode = "0" | "1";

/** Input of `createBinding` (CreateAXEBinding, `POST /rest/caas/extendnumber/v1.0`). Field names are the platform's. */
export interface CreateBindingInput {
  /** A, the protected real number, in E.164 with `+` (e.g. `+8613800000021`). */
  bindNum: string;
  /** X, the privacy number, in E.164. Give either `virtualNum` or `areaCode`, not both. */
  virtualNum?: string;
  /** City code (e.g. `0755`, `010`) from which the platform picks an idle X. Excludes `virtualNum`. */
  areaCode?: string;
  /** Fallback when no X of `areaCode` is idle; only with `areaCode`. @default "0" (strict, platform default) */
  areaMatchMode?: AreaMatchMode;
  /**
   * Requested extension E: 1–4 digits matching the app's digit count, not all zeros. Only with `virtualNum`.
   * Giving it also makes an ambiguous failure (timeout, reset) recoverable: the client looks the binding up.
   * @default auto-assigned by the platform (lowest free value)
   */
  extendNum?: string;
  /** @default "0" (platform default) */
  displayNumMode?: DisplayNumMode;
  /** Record every call of the binding (only when recording is enabled for the app). @default false */
  recordFlag?: boolean;
  /** Approved recording-announcement file name, 1–128 characters. */
  recordHintTone?: string;
  /** Approved tone file played to A when no callback record exists, 1–128 characters. Excludes `callbackNum`. */
  callbackTone?: string;
  /** E.164 number A is forwarded to when no callback record exists. Excludes `callbackTone`. */
  callbackNum?: string;
  /** Unit of both expiry times. @default "hours" (platform default) */
  timeUnit?: TimeUnit;
  /** Binding lifetime in `timeUnit`, a non-negative integer; `0` never expires. @default 0 */
  bindExpiredTime?: number;
  /** Callback-record lifetime in `timeUnit`, a non-negative integer. */
  callbackExpiredTime?: number;
  /** Opaque data stored on the binding, 1–256 characters, no `{`, `}` or Chinese characters (Base64 them). */
  userData?: string;
}

/** What `createBinding` returns: the platform's bind response. */
export interface CreatedBinding {
  /** Binding ID, the key for update, delete and lookup. */
  subscriptionId: string;
  /** X actually bound. */
  virtualNum: string;
  /** E actually assigned. */
  extendNum: string;
  /** Binding lifetime as stored, when the platform reports it. */
  bindExpiredTime?: number;
  /** Callback-record lifetime as stored, when the platform reports it. */
  callbackExpiredTime?: number;
}

/** A binding as the platform reports it (QueryAXEBinding). Absent fields were never set. */
export interface Binding {
  subscriptionId: string;
  virtualNum: string;
  extendNum: string;
  /** A, the protected number. */
  bindNum: string;
  displayNumMode?: DisplayNumMode;
  recordFlag?: boolean;
  recordHintTone?: string;
  callbackTone?: string;
  callbackNum?: string;
  /** The unit given at create (the platform reports create's value even after a modify). */
  timeUnit?: TimeUnit;
  /** The lifetime given at create (the platform reports create's value even after a modify). */
  bindExpiredTime?: number;
  callbackExpiredTime?: number;
  userData?: string;
}

/** Selects one binding: by its ID, or by X and E together. */
export type BindingRef = { subscriptionId: string } | { virtualNum: string; extendNum: string };

/**
 * Changes for `updateBinding` (ModifyAXEBinding). An absent field is left unchanged; at least one is required.
 * `""` clears `callbackTone` or `callbackNum`.
 */
export interface BindingChanges {
  displayNumMode?: DisplayNumMode;
  recordFlag?: boolean;
  recordHintTone?: string;
  /** New tone, or `""` to clear it. Setting both this and `callbackNum` is allowed only when one of them is `""`. */
  callbackTone?: string;
  /** New E.164 number, or `""` to clear it. */
  callbackNum?: string;
  timeUnit?: TimeUnit;
  /** New lifetime (restarts the expiry clock); `0` never expires. Must be ≥ `callbackExpiredTime` when both are > 0. */
  bindExpiredTime?: number;
  callbackExpiredTime?: number;
  userData?: string;
}

/** Input of `listBindings` (QueryAXEBinding v2.0 cursor pages). */
export interface ListBindingsInput {
  /** X whose bindings are listed, in E.164. */
  virtualNum: string;
  /** Bindings per page, 1–100. @default 20 */
  pageSize?: number;
}

/** Input of `getRecordingDownloadUrl`: both values come from the fee notification (CDR). */
export interface RecordingRef {
  /** The CDR's `recordDomain`, 1–128 characters. */
  recordDomain: string;
  /** The CDR's `recordObjectName`, 1–128 characters. */
  fileName: string;
}

/** Per-call options accepted as the last argument of every method. */
export interface CallOptions {
  /** Aborts the call, including any wait between retries; the call then rejects with `signal.reason`. */
  signal?: AbortSignal;
}

/** Names of the client's operations, as seen by hooks and logs. */
export type AxeOperation =
  | "createBinding"
  | "updateBinding"
  | "deleteBinding"
  | "getBinding"
  | "listBindings"
  | "getRecordingDownloadUrl";
