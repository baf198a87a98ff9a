import { performance } from "node:perf_hooks";

/**
 * Virtual time: `base + (real elapsed since the last jump) × timeScale`. With timeScale 0 it moves only when
 * jumped. Jumps come from the scheduler (which owns advancing, so that due tasks run in order on the way).
 */
export class VirtualClock {
  private baseMs: number;
  private realBase: number;
  readonly timeScale: number;

  constructor(startMs: number, timeScale: number) {
    this.baseMs = startMs;
    this.realBase = performance.now();
    this.timeScale = timeScale;
  }

  /** Current virtual time in epoch ms (integer). */
  nowMs(): number {
    if (this.timeScale === 0) return this.baseMs;
    return Math.floor(this.baseMs + (performance.now() - this.realBase) * this.timeScale);
  }

  /** Sets virtual time to `ms` exactly (forward or backward). */
  jumpTo(ms: number): void {
    this.baseMs = ms;
    this.realBase = performance.now();
  }

  /** Real ms until virtual time reaches `ms` (Infinity when time is frozen). */
  realDelayUntil(ms: number): number {
    if (this.timeScale === 0) return Number.POSITIVE_INFINITY;
    return Math.max(0, (ms - this.nowMs()) / this.timeScale);
  }
}
