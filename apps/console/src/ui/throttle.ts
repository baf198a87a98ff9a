// Live pages refetch when something changes; a burst of changes (a bulk import, a reconciliation) must cost one
// refetch per interval, not one per change.

/** A throttled call: `call()` runs at most once per interval; `cancel()` drops a pending run. */
export interface Throttled {
  call(): void;
  cancel(): void;
}

/** The timer functions a throttle uses (injected by tests). */
export interface ThrottleTimers {
  now(): number;
  setTimeout(run: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

/** A throttle was asked for with an interval that is not a number of milliseconds, 0 or more. */
export class ThrottleIntervalError extends RangeError {
  override name = "ThrottleIntervalError";
  readonly code = "THROTTLE_INTERVAL_INVALID";
  constructor(intervalMs: number) {
    super(`intervalMs must be a number of milliseconds, 0 or more (got ${intervalMs})`);
  }
}

const realTimers: ThrottleTimers = {
  now: () => Date.now(),
  setTimeout: (run, ms) => globalThis.setTimeout(run, ms),
  clearTimeout: (handle) => globalThis.clearTimeout(handle as ReturnType<typeof setTimeout>),
};

/**
 * Run `fn` at once on the first call, then at most once per `intervalMs`: calls inside the interval are folded
 * into one run at its end, so the last change is never missed.
 */
export function throttle(fn: () => void, intervalMs: number, timers: ThrottleTimers = realTimers): Throttled {
  if (!Number.isFinite(intervalMs) || intervalMs < 0) {
    throw new ThrottleIntervalError(intervalMs);
  }
  let lastRun = Number.NEGATIVE_INFINITY;
  let pending: unknown;
  const run = () => {
    pending = undefined;
    lastRun = timers.now();
    fn();
  };
  return {
    call() {
      if (pending !== undefined) return;
      const wait = lastRun + intervalMs - timers.now();
      if (wait <= 0) run();
      else pending = timers.setTimeout(run, wait);
    },
    cancel() {
      if (pending !== undefined) timers.clearTimeout(pending);
      pending = undefined;
    },
  };
}
