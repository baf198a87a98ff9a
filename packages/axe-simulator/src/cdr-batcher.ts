import type { Scheduler, TaskHandle } from "./scheduler.js";
import type { ResolvedAppConfig } from "./types.js";

interface Batch {
  app: ResolvedAppConfig;
  cdrs: Record<string, unknown>[];
  timer: TaskHandle;
}

interface Deps {
  scheduler: Scheduler;
  now: () => number;
  windowMs: number;
  max: number;
  /** Sends one fee push with the batch's CDRs. */
  flush: (app: ResolvedAppConfig, cdrs: Record<string, unknown>[]) => void;
}

/**
 * Merges the CDRs of calls that end close together (docs/axe-platform.md §8.2): the first CDR of an app opens
 * a window; every CDR ending within it joins the same fee push, which leaves when the window closes or holds
 * `max` CDRs.
 */
export class CdrBatcher {
  private readonly open = new Map<string, Batch>();

  constructor(private readonly deps: Deps) {}

  add(app: ResolvedAppConfig, cdr: Record<string, unknown>): void {
    const batch = this.open.get(app.appKey) ?? this.openBatch(app, [], this.deps.now() + this.deps.windowMs);
    batch.cdrs.push(cdr);
    if (batch.cdrs.length >= this.deps.max) this.close(app.appKey);
  }

  /** Opens again a batch of a previous run that was to close at `closesAt`. */
  restore(app: ResolvedAppConfig, cdrs: Record<string, unknown>[], closesAt: number): void {
    this.openBatch(app, [...cdrs], closesAt);
  }

  private openBatch(app: ResolvedAppConfig, cdrs: Record<string, unknown>[], closesAt: number): Batch {
    const timer = this.deps.scheduler.schedule(
      closesAt,
      () => this.close(app.appKey),
      () => ({ type: "cdr-batch-close", appKey: app.appKey, cdrs: batch.cdrs }),
    );
    const batch: Batch = { app, cdrs, timer };
    this.open.set(app.appKey, batch);
    return batch;
  }

  private close(appKey: string): void {
    const batch = this.open.get(appKey);
    if (!batch) return;
    this.open.delete(appKey);
    batch.timer.cancel();
    this.deps.flush(batch.app, batch.cdrs);
  }
}
