/** Longest delay `setTimeout` keeps (about 24.8 days); a later moment is waited for in steps. */
const MAX_TIMER_MS = 2 ** 31 - 1;

/** A wait for a moment of the wall clock. */
export interface WaitUntil {
  /** Resolves once the moment has passed (at once if it has already); never, once cancelled. */
  readonly done: Promise<void>;
  /** Stop waiting and let the timer go. */
  cancel(): void;
}

/**
 * Wait until `at` (epoch ms), however far away: `setTimeout` alone fires at once for a delay over about 24.8
 * days, which a credential's expiry may well be. The timer does not keep the process alive.
 */
export function waitUntil(at: number): WaitUntil {
  let timer: NodeJS.Timeout | undefined;
  const done = new Promise<void>((resolve) => {
    const wait = () => {
      const left = at - Date.now();
      if (left <= 0) return resolve();
      timer = setTimeout(wait, Math.min(left, MAX_TIMER_MS));
      timer.unref();
    };
    wait();
  });
  return { done, cancel: () => clearTimeout(timer) };
}
