import { setTimeout as delay } from "node:timers/promises";
import type { Logger } from "pino";
import { withinMs } from "../shared/within-ms.js";
import type { BindingReconciler } from "./binding-reconcile.js";

/**
 * Longest `stop` waits for the run in flight once it is cancelled, in ms. Its platform calls end at once; a
 * statement stuck on a silent database link does not, and is not waited for: the database's close, a later
 * step of a shutdown, ends it, and the run's transaction rolls back. Well inside one shutdown step's bound.
 */
const STOP_WAIT_MS = 1500;

/** Options for {@link startReconcileSchedule}. */
export interface ReconcileScheduleOptions {
  /** Time between the end of one run and the start of the next, in ms; 0 = only the run at start. */
  intervalMs: number;
  logger: Logger;
}

/** The reconciliations the gateway runs by itself. */
export interface ReconcileSchedule {
  /**
   * Cancel the run in flight (aborting its platform calls), plan no more, and wait until it has ended, or
   * {@link STOP_WAIT_MS} when it waits on a database that does not answer.
   */
  stop(): Promise<void>;
}

/**
 * Reconcile in the background: once at start (after the current turn, so that start is not delayed), then
 * `intervalMs` after each run ends (so that runs never overlap). A failed run is logged; the next one
 * happens as planned. Timers do not keep the process alive.
 */
export function startReconcileSchedule(
  run: BindingReconciler["run"],
  options: ReconcileScheduleOptions,
): ReconcileSchedule {
  const { intervalMs, logger } = options;
  const controller = new AbortController();
  const { signal } = controller;

  async function runOnce(): Promise<void> {
    try {
      await run({ signal });
    } catch (error) {
      if (!signal.aborted) logger.warn({ err: error }, "reconciling the bindings with the platform failed");
    }
  }

  async function loop(): Promise<void> {
    await new Promise<void>((resolve) => setImmediate(resolve));
    while (!signal.aborted) {
      await runOnce();
      if (intervalMs <= 0) return;
      try {
        await delay(intervalMs, undefined, { signal, ref: false });
      } catch {
        return; // stopped while waiting
      }
    }
  }

  const running = loop();
  return {
    async stop() {
      controller.abort();
      const ended = await withinMs(
        running.then(() => true),
        STOP_WAIT_MS,
      );
      if (!ended) {
        logger.warn(
          "the reconciliation in flight was left to end with the database: it did not answer in time",
        );
      }
    },
  };
}
