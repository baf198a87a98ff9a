/** Options for {@link createLogSampler}. */
export interface LogSamplerOptions {
  /** Lines of one kind written per interval; later ones are only counted. @default 10 */
  perInterval?: number;
  /** Length of an interval. @default 60000 */
  intervalMs?: number;
  /** Most kinds counted at once; kinds beyond it share one count, under {@link OTHER_KINDS}. @default 1000 */
  maxKinds?: number;
  /** Told, once an interval ends, how many lines of a kind were left out in it. */
  onSuppressed: (kind: string, suppressed: number) => void;
}

/** The kind that counts lines of kinds beyond `maxKinds`. */
export const OTHER_KINDS = "(other kinds)";

/** Decides which log lines of a repeated kind are written, and reports how many were left out. */
export interface LogSampler {
  /** Whether to write this line of `kind` now; a line left out is counted, and reported when the interval ends. */
  admit(kind: string): boolean;
  /** Report what was left out so far (the interval ends now), and stop the timer. */
  flush(): void;
}

/**
 * Sample log lines by kind, so that a client repeating one bad request (or a field failing on every row of a
 * list) cannot flood the log: the first `perInterval` lines of each kind in an interval are written, the rest
 * only counted, and one summary per kind reports the count when the interval ends. Intervals are fixed
 * windows started by the first line after a quiet one; the timer does not keep the process alive.
 */
export function createLogSampler(options: LogSamplerOptions): LogSampler {
  const perInterval = options.perInterval ?? 10;
  const intervalMs = options.intervalMs ?? 60_000;
  const maxKinds = options.maxKinds ?? 1000;
  /** Lines seen per kind in the current interval. */
  let seen = new Map<string, number>();
  let timer: NodeJS.Timeout | undefined;

  function endInterval(): void {
    const ended = seen;
    seen = new Map();
    if (timer) clearTimeout(timer);
    timer = undefined;
    for (const [kind, count] of ended) {
      if (count > perInterval) options.onSuppressed(kind, count - perInterval);
    }
  }

  return {
    admit(kind) {
      if (!timer) {
        timer = setTimeout(endInterval, intervalMs);
        timer.unref();
      }
      const key = seen.has(kind) || seen.size < maxKinds ? kind : OTHER_KINDS;
      const count = (seen.get(key) ?? 0) + 1;
      seen.set(key, count);
      return count <= perInterval;
    },
    flush: endInterval,
  };
}
