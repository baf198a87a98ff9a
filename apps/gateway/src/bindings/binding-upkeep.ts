import type { Logger } from "../shared/logger.js";
import { repeatEvery } from "../shared/repeat.js";
import type { BindingCommands } from "./binding-commands.js";
import type { BindingReconciler } from "./binding-reconcile.js";
import { startReconcileSchedule } from "./reconcile-schedule.js";

/** How often the bindings' background work runs, in ms (0 = never; reconciliation still runs once at start). */
export interface BindingUpkeepIntervals {
  sweepMs: number;
  reconcileMs: number;
}

/**
 * The bindings' background work: lapsed bindings swept every `sweepMs`, and the mirror reconciled with the
 * platform at start and every `reconcileMs` (docs/axe-platform.md §7). Resolves the function that stops both,
 * waiting for a reconciliation in flight.
 */
export function startBindingUpkeep(
  bindings: BindingCommands,
  reconciler: BindingReconciler,
  intervals: BindingUpkeepIntervals,
  logger: Logger,
): () => Promise<void> {
  const stopSweeping =
    intervals.sweepMs > 0
      ? repeatEvery(intervals.sweepMs, bindings.sweepExpired, (error) =>
          logger.warn({ err: error }, "expiry sweep failed"),
        )
      : () => {};
  const reconciling = startReconcileSchedule(reconciler.run, { intervalMs: intervals.reconcileMs, logger });
  return async () => {
    stopSweeping();
    await reconciling.stop();
  };
}
