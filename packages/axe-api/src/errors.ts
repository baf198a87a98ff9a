/**
 * Every kind of failure an `AxeApiError` can be, in a stable order (handy for exhaustive tests and switch
 * helpers). The one list: {@link AxeErrorCategory} derives from it.
 */
export const AXE_ERROR_CATEGORIES = Object.freeze([
  "authentication",
  "invalid-request",
  "not-found",
  "no-resources",
  "flow-control",
  "platform",
  "timeout",
  "network",
] as const);

/** What kind of failure an `AxeApiError` is; the discriminant of the error family. */
export type AxeErrorCategory = (typeof AXE_ERROR_CATEGORIES)[number];

/** Fields every `AxeApiError` is built from. */
export interface AxeApiErrorInit {
  category: AxeErrorCategory;
  message: string;
  /** Platform `resultcode`; absent when no platform answer was read (timeout, network). */
  resultcode?: string | undefined;
  /** Platform `resultdesc`, phone numbers masked. */
  resultdesc?: string | undefined;
  /** HTTP status of the answer; absent for timeout and network failures. */
  httpStatus?: number | undefined;
  /** Whether repeating this operation is safe and may succeed. */
  retryable: boolean;
  /** The client's ID of the logical call (the same across its attempts, hooks and logs). */
  requestId: string;
  /** How many HTTP attempts were made before giving up. */
  attempts?: number;
  cause?: unknown;
}

/**
 * A failed platform call. Branch on `category` (or `instanceof` the subclass); `resultcode`, `resultdesc` and
 * `httpStatus` carry the platform's answer when there was one. Messages never contain full phone numbers or
 * credentials.
 */
export class AxeApiError extends Error {
  override name = "AxeApiError";
  readonly category: AxeErrorCategory;
  readonly resultcode: string | undefined;
  readonly resultdesc: string | undefined;
  readonly httpStatus: number | undefined;
  readonly retryable: boolean;
  readonly requestId: string;
  readonly attempts: number;

  constructor(init: AxeApiErrorInit) {
    super(init.message, init.cause === undefined ? undefined : { cause: init.cause });
    this.category = init.category;
    this.resultcode = init.resultcode;
    this.resultdesc = init.resultdesc;
    this.httpStatus = init.httpStatus;
    this.retryable = init.retryable;
    this.requestId = init.requestId;
    this.attempts = init.attempts ?? 1;
  }
}

/**
 * Credentials, clock or caller IP rejected (1023xxx header codes, 1010010 with HTTP 401, 1010013, 1010003,
 * 1010004/1010008, 1010040, 1020166, 1020176). Never retried: repeated failures lock the caller's IP out.
 */
export class AxeAuthenticationError extends AxeApiError {
  override name = "AxeAuthenticationError";
  declare readonly category: "authentication";
}

/** The platform refused the parameters (1010002, 1011001, 1011004, 1012001, 1012012, unknown 4xx, 404 URI). */
export class AxeInvalidRequestError extends AxeApiError {
  override name = "AxeInvalidRequestError";
  declare readonly category: "invalid-request";
}

/** No such binding or recording (1012007, 1016001). */
export class AxeNotFoundError extends AxeApiError {
  override name = "AxeNotFoundError";
  declare readonly category: "not-found";
}

/**
 * No number or extension available: X full or no idle X (1012008, 1011002), the extension is taken
 * (1020167), A already holds an extension on X (1013102, 1012010), X frozen or abnormal (1010029, 1012102).
 */
export class AxeNoResourcesError extends AxeApiError {
  override name = "AxeNoResourcesError";
  declare readonly category: "no-resources";
}

/** Platform or caller flow control (1010010 with HTTP 403, 1011006, HTTP 429). Retried after a long backoff. */
export class AxeFlowControlError extends AxeApiError {
  override name = "AxeFlowControlError";
  declare readonly category: "flow-control";
}

/** The platform failed (5xx, 1010001, 1023001, 1023002) or answered something unreadable. */
export class AxePlatformError extends AxeApiError {
  override name = "AxePlatformError";
  declare readonly category: "platform";
}

/** No complete answer within `timeoutMs` (or the retry budget). */
export class AxeTimeoutError extends AxeApiError {
  override name = "AxeTimeoutError";
  declare readonly category: "timeout";
}

/** The connection failed (refused, reset, DNS, TLS). */
export class AxeNetworkError extends AxeApiError {
  override name = "AxeNetworkError";
  declare readonly category: "network";
}

const classByCategory: Record<AxeErrorCategory, new (init: AxeApiErrorInit) => AxeApiError> = {
  authentication: AxeAuthenticationError,
  "invalid-request": AxeInvalidRequestError,
  "not-found": AxeNotFoundError,
  "no-resources": AxeNoResourcesError,
  "flow-control": AxeFlowControlError,
  platform: AxePlatformError,
  timeout: AxeTimeoutError,
  network: AxeNetworkError,
};

/** Build the subclass that matches `init.category`. */
export function createAxeApiError(init: AxeApiErrorInit): AxeApiError {
  return new classByCategory[init.category](init);
}

/** One problem found in an input, naming the field (`bindNum`, `ref.extendNum`, `changes`). */
export interface ValidationIssue {
  field: string;
  message: string;
}

/** An input was rejected before anything was sent. `issues` lists every problem found. */
export class AxeValidationError extends Error {
  override name = "AxeValidationError";
  readonly issues: readonly ValidationIssue[];

  constructor(operation: string, issues: readonly ValidationIssue[]) {
    super(`${operation}: invalid input: ${issues.map((i) => `${i.field}: ${i.message}`).join("; ")}`);
    this.issues = issues;
  }
}

/** Whether `error` is any error of this package's API family. */
export function isAxeApiError(error: unknown): error is AxeApiError {
  return error instanceof AxeApiError;
}
