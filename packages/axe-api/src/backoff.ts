import type { AxeErrorCategory } from "./errors.js";

/** How failed attempts are repeated. Every field is optional in `createAxeClient({ retry })`. */
export interface RetryOptions {
  /** Attempts in total, the first included; `1` disables retries. @default 3 */
  maxAttempts: number;
  /** Backoff before the second attempt; doubles (×`factor`) per attempt, with jitter. @default 200 */
  baseDelayMs: number;
  /** Upper bound of one exponential backoff step. @default 5000 */
  maxDelayMs: number;
  /** Growth of the backoff per attempt. @default 2 */
  factor: number;
  /**
   * Minimum wait after platform flow control (1010010 with 403, 1011006): Huawei asks for about a minute.
   * When it does not fit in `maxElapsedMs`, the flow-control error is thrown at once instead.
   * @default 60000
   */
  flowControlDelayMs: number;
  /** Budget of one call: all attempts, waits and reconcile lookups together. @default 90000 */
  maxElapsedMs: number;
}

/** The defaults of `RetryOptions`. */
export const DEFAULT_RETRY_OPTIONS: Readonly<RetryOptions> = Object.freeze({
  maxAttempts: 3,
  baseDelayMs: 200,
  maxDelayMs: 5000,
  factor: 2,
  flowControlDelayMs: 60_000,
  maxElapsedMs: 90_000,
});

const LIMITS: Record<keyof RetryOptions, [min: number, max: number, integer: boolean]> = {
  maxAttempts: [1, 10, true],
  baseDelayMs: [0, 600_000, false],
  maxDelayMs: [0, 600_000, false],
  factor: [1, 10, false],
  flowControlDelayMs: [0, 600_000, false],
  maxElapsedMs: [1, 3_600_000, false],
};

/**
 * Merge user retry settings over the defaults; `false` means a single attempt. Throws a `RangeError` naming
 * the option when a value is out of range (a misconfigured client must not start).
 */
export function resolveRetryOptions(input: Partial<RetryOptions> | false | undefined): RetryOptions {
  if (input === false) return { ...DEFAULT_RETRY_OPTIONS, maxAttempts: 1 };
  const merged: RetryOptions = { ...DEFAULT_RETRY_OPTIONS };
  for (const key of Object.keys(LIMITS) as (keyof RetryOptions)[]) {
    const value = input?.[key];
    if (value === undefined) continue;
    const [min, max, integer] = LIMITS[key];
    if (typeof value !== "number" || !Number.isFinite(value) || value < min || value > max) {
      throw new RangeError(`retry.${key} must be a number from ${min} to ${max}`);
    }
    if (integer && !Number.isInteger(value)) throw new RangeError(`retry.${key} must be an integer`);
    merged[key] = value;
  }
  return merged;
}

/** What the delay before the next attempt depends on. */
export interface DelayInput {
  /** The attempt that just failed, from 1. */
  attempt: number;
  category: AxeErrorCategory;
  /** Server's `Retry-After`, if it sent one. */
  retryAfterMs?: number | undefined;
}

/**
 * Delay before the next attempt: "equal jitter" exponential backoff (half fixed, half random, so retries from
 * many clients spread out but never come back-to-back), at least `flowControlDelayMs` (+0–20 %) after flow
 * control, and at least the server's `Retry-After`.
 */
export function computeDelay(
  input: DelayInput,
  options: RetryOptions,
  random: () => number = Math.random,
): number {
  const r = random();
  const step = Math.min(options.maxDelayMs, options.baseDelayMs * options.factor ** (input.attempt - 1));
  let delay = step / 2 + (r * step) / 2;
  if (input.category === "flow-control") delay = Math.max(delay, options.flowControlDelayMs * (1 + 0.2 * r));
  if (input.retryAfterMs !== undefined) delay = Math.max(delay, input.retryAfterMs);
  return Math.round(delay);
}

/** `Retry-After` in milliseconds (delta-seconds or an HTTP date), or `undefined` when absent or unreadable. */
export function parseRetryAfter(value: string | null, now: number = Date.now()): number | undefined {
  if (value === null || value.trim() === "") return undefined;
  const trimmed = value.trim();
  if (/^\d+$/.test(trimmed)) return Math.min(Number(trimmed), 3600) * 1000;
  const at = Date.parse(trimmed);
  if (Number.isNaN(at)) return undefined;
  return Math.min(Math.max(0, at - now), 3_600_000);
}

/** Wait `ms`, or reject with `signal.reason` as soon as the signal aborts. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  if (signal?.aborted) return Promise.reject(signal.reason);
  return new Promise((resolve, reject) => {
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal?.reason);
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener("abort", onAbort);
      resolve();
    }, ms);
    signal?.addEventListener("abort", onAbort, { once: true });
  });
}
