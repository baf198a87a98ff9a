// A burst of triggers (every event of every call) becomes at most one run per interval: the first runs at once,
// the rest of the burst collapses into one trailing run, so the last trigger is never lost.

/** Timers a throttle uses; tests pass fake ones. */
export interface ThrottleTimers {
  now(): number;
  setTimeout(run: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

/** A throttled function. */
export interface Throttled {
  /** Ask for a run: now if the last one is at least the interval ago, else once when the interval is over. */
  trigger(): void;
  /** Drop a pending run and stop (the component went away). */
  cancel(): void;
}

/** Thrown when a throttle is given an interval it cannot keep. */
export class ThrottleIntervalError extends Error {
  override name = "ThrottleIntervalError";
  readonly code = "BAD_THROTTLE_INTERVAL";
  constructor(intervalMs: number) {
    super(`A throttle interval must be a finite number of milliseconds ≥ 0, not ${intervalMs}.`);
  }
}

const realTimers: ThrottleTimers = {
  now: () => Date.now(),
  setTimeout: (run, ms) => globalThis.setTimeout(run, ms),
  clearTimeout: (handle) => globalThis.clearTimeout(handle as ReturnType<typeof setTimeout>),
};

/** Run `run` at most once per `intervalMs`, leading and trailing. */
export function throttle(
  run: () => void,
  intervalMs: number,
  timers: ThrottleTimers = realTimers,
): Throttled {
  if (!Number.isFinite(intervalMs) || intervalMs < 0) throw new ThrottleIntervalError(intervalMs);
  let lastRun = Number.NEGATIVE_INFINITY;
  let pending: unknown;
  let cancelled = false;
  const fire = () => {
    pending = undefined;
    lastRun = timers.now();
    run();
  };
  return {
    trigger() {
      if (cancelled || pending !== undefined) return;
      const wait = lastRun + intervalMs - timers.now();
      if (wait <= 0) fire();
      else pending = timers.setTimeout(fire, wait);
    },
    cancel() {
      cancelled = true;
      if (pending !== undefined) timers.clearTimeout(pending);
      pending = undefined;
    },
  };
}
