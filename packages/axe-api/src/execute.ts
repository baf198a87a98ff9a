import { maskPhoneNumbersInText } from "@privnum/notification-schemas";
import { computeDelay, type RetryOptions, sleep } from "./backoff.js";
import { isAmbiguous, isRetryable } from "./classify.js";
import { type AxeApiError, createAxeApiError } from "./errors.js";
import type { AxeRetryEvent } from "./hooks.js";
import {
  type AttemptFailure,
  type AttemptResult,
  observe,
  requestUrl,
  sendAttempt,
  type TransportConfig,
  type WireRequest,
} from "./transport.js";
import type { AxeOperation } from "./types.js";

/** The client's configuration as the call loop sees it. */
export interface ExecuteConfig extends TransportConfig {
  timeoutMs: number;
  retry: RetryOptions;
  random: () => number;
}

/** One logical call: its ID, the caller's signal, its clock and its attempt counter (shared by lookups). */
export class Call {
  readonly requestId = crypto.randomUUID();
  readonly started = performance.now();
  /** HTTP attempts made so far (requests of any kind within this call). */
  httpAttempts = 0;

  constructor(
    readonly config: ExecuteConfig,
    readonly operation: AxeOperation,
    readonly signal: AbortSignal | undefined,
  ) {}

  /** Milliseconds left of the retry budget. */
  remaining(): number {
    return this.config.retry.maxElapsedMs - (performance.now() - this.started);
  }

  /** Send one attempt of `request` with the per-attempt timeout cut to the remaining budget. */
  send(request: WireRequest): Promise<AttemptResult> {
    this.httpAttempts += 1;
    const timeoutMs = Math.max(1, Math.min(this.config.timeoutMs, Math.floor(this.remaining())));
    return sendAttempt(this.config, request, {
      requestId: this.requestId,
      attempt: this.httpAttempts,
      timeoutMs,
      signal: this.signal,
    });
  }

  /** Turn an attempt failure into the thrown error, with the given retryability. */
  error(failure: AttemptFailure, retryable: boolean): AxeApiError {
    return createAxeApiError({
      category: failure.category,
      message: failure.message,
      resultcode: failure.resultcode,
      resultdesc: failure.resultdesc,
      httpStatus: failure.httpStatus,
      retryable,
      requestId: this.requestId,
      attempts: this.httpAttempts,
      cause: failure.cause,
    });
  }

  /**
   * The wait before the next step, or `undefined` when it would not fit in the budget (so the caller gives up
   * now rather than sleeping past it).
   */
  delayFor(failure: AttemptFailure, failedAttempt: number): number | undefined {
    const delay = computeDelay(
      { attempt: failedAttempt, category: failure.category, retryAfterMs: failure.retryAfterMs },
      this.config.retry,
      this.config.random,
    );
    // Leave room for the next attempt itself, not just the wait.
    return delay < this.remaining() - 1 ? delay : undefined;
  }

  /** Report the coming wait to `onRetry` and the logger, then wait (abortable). */
  async pause(
    request: WireRequest,
    failure: AttemptFailure,
    delayMs: number,
    action: AxeRetryEvent["action"],
    retryable: boolean,
  ): Promise<void> {
    const { hooks, logger } = this.config;
    if (hooks?.onRetry || logger) {
      const error = this.error(failure, retryable);
      const event: AxeRetryEvent = {
        requestId: this.requestId,
        operation: this.operation,
        attempt: this.httpAttempts,
        method: request.method,
        url: maskPhoneNumbersInText(requestUrl(this.config, request)),
        error,
        delayMs,
        action,
      };
      observe(this.config, "onRetry", () => hooks?.onRetry?.(event));
      observe(this.config, "logger", () =>
        logger?.warn(
          {
            requestId: this.requestId,
            operation: this.operation,
            attempt: this.httpAttempts,
            category: error.category,
            resultcode: error.resultcode,
            httpStatus: error.httpStatus,
            delayMs,
            action,
            error: maskPhoneNumbersInText(error.message),
          },
          action === "retry" ? "axe-api retrying" : "axe-api reconciling an ambiguous bind",
        ),
      );
    }
    await sleep(delayMs, this.signal);
  }

  /** Log the final failure of the call at `debug` (the caller gets the error itself). */
  fail(error: AxeApiError): AxeApiError {
    const { logger } = this.config;
    if (logger) {
      observe(this.config, "logger", () =>
        logger.debug(
          {
            requestId: this.requestId,
            operation: this.operation,
            attempts: error.attempts,
            category: error.category,
            resultcode: error.resultcode,
            httpStatus: error.httpStatus,
          },
          "axe-api call failed",
        ),
      );
    }
    return error;
  }
}

/**
 * Run an idempotent request (GET, PUT, DELETE) with retries: transient failures (timeout, network, 5xx,
 * flow control) are repeated with backoff while attempts and budget last; anything else is thrown at once.
 * `treatNotFoundAsDone`: a DELETE that finds nothing after an earlier attempt's outcome was unknown has
 * most likely been done by that attempt.
 */
export async function executeIdempotent(
  call: Call,
  request: WireRequest,
  treatNotFoundAsDone = false,
): Promise<{ json: Record<string, unknown>; location?: string }> {
  const { retry } = call.config;
  let earlierAmbiguous = false;
  for (let attempt = 1; ; attempt++) {
    const result = await call.send(request);
    if (result.ok) return result;
    const { failure } = result;
    if (treatNotFoundAsDone && earlierAmbiguous && failure.category === "not-found") return { json: {} };
    const retryable =
      !failure.permanent && isRetryable(failure.category, request.method, failure.connectFailed);
    if (!retryable || attempt >= retry.maxAttempts) throw call.fail(call.error(failure, retryable));
    const delay = call.delayFor(failure, attempt);
    if (delay === undefined) throw call.fail(call.error(failure, retryable));
    earlierAmbiguous ||= isAmbiguous(failure.category, failure.connectFailed);
    await call.pause(request, failure, delay, "retry", retryable);
  }
}
