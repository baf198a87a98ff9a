import type { HttpMethod } from "./classify.js";
import type { AxeApiError } from "./errors.js";
import type { AxeOperation } from "./types.js";

/**
 * Fields shared by every hook event. `url` has phone numbers masked; nothing in an event carries a credential
 * or a full phone number.
 */
export interface AxeEventBase {
  /** The client's ID of the logical call: the same for every attempt (and reconcile lookup) of one call. */
  requestId: string;
  /** The method of the client that was called. */
  operation: AxeOperation;
  /** HTTP attempt number within the call, from 1 (a reconcile lookup counts as an attempt). */
  attempt: number;
  method: HttpMethod;
  /** Request URL with phone numbers masked (`%2B86170****0001`). */
  url: string;
}

/** Passed to `onRequest` just before an HTTP request is sent. */
export interface AxeRequestEvent extends AxeEventBase {
  /** Request headers; `Authorization`, `X-AKSK` and `X-WSSE` are `[redacted]`. */
  headers: Record<string, string>;
  /** JSON body with phone numbers masked, for POST/PUT. */
  body?: unknown;
}

/** Passed to `onResponse` when an HTTP answer was read (whatever its status). */
export interface AxeResponseEvent extends AxeEventBase {
  httpStatus: number;
  /** Platform `resultcode`, when the answer had one. */
  resultcode?: string;
  /** Platform `resultdesc`, phone numbers masked. */
  resultdesc?: string;
  /** Milliseconds from sending to having read the whole answer. */
  durationMs: number;
  /** The JSON answer with phone numbers masked. */
  body?: unknown;
}

/** Passed to `onRetry` before waiting for the next attempt. */
export interface AxeRetryEvent extends AxeEventBase {
  /** The failure of attempt `attempt`. */
  error: AxeApiError;
  /** Milliseconds the client waits before acting. */
  delayMs: number;
  /**
   * `retry` repeats the request; `reconcile` first looks the binding up because a `createBinding` failed in a
   * way that leaves it unknown whether the binding exists.
   */
  action: "retry" | "reconcile";
}

/**
 * Observability hooks. They run synchronously in the request path, so keep them cheap; an exception thrown by a
 * hook is logged (`warn`) and otherwise ignored, so telemetry cannot break a call.
 */
export interface AxeHooks {
  /** Before each HTTP attempt. */
  onRequest?: (event: AxeRequestEvent) => void;
  /** After each HTTP answer was read. */
  onResponse?: (event: AxeResponseEvent) => void;
  /** Before waiting to retry (or to reconcile an ambiguous bind). */
  onRetry?: (event: AxeRetryEvent) => void;
}

/** A structured log function; pino's, bunyan-style `(object, message)`. */
export type AxeLogFn = (object: Record<string, unknown>, message?: string) => void;

/**
 * Where the client logs: requests and answers at `debug`, retries and failing hooks at `warn`. A pino logger
 * fits as is. Records carry the same masked data as hook events.
 */
export interface AxeLogger {
  debug: AxeLogFn;
  warn: AxeLogFn;
}
