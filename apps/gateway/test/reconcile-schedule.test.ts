// The reconciliations the gateway runs by itself: how their stop ends a run in flight.
import { describe, expect, it } from "vitest";
import type { BindingReconciler } from "../src/bindings/binding-reconcile.js";
import { startReconcileSchedule } from "../src/bindings/reconcile-schedule.js";
import { createLogger } from "../src/shared/logger.js";

type Run = BindingReconciler["run"];
const REPORT = {} as Awaited<ReturnType<Run>>;

function capturedLogger() {
  const lines: { level: number; msg: string }[] = [];
  const logger = createLogger({
    level: "info",
    destination: { write: (line: string) => void lines.push(JSON.parse(line)) },
  });
  return { logger, lines };
}

/**
 * A run that starts and then waits: when `honoursSignal`, it ends a moment after its signal (as a run ends
 * once its aborted platform call has settled); otherwise never (a statement on a silent database link).
 */
function waitingRun(honoursSignal: boolean) {
  let runs = 0;
  let ended = false;
  let started!: () => void;
  const startedOnce = new Promise<void>((resolve) => {
    started = resolve;
  });
  const run: Run = ({ signal } = {}) => {
    runs += 1;
    started();
    return new Promise((_, reject) => {
      if (!honoursSignal) return;
      signal?.addEventListener("abort", () =>
        setTimeout(() => {
          ended = true;
          reject(signal.reason);
        }, 100),
      );
    });
  };
  return { run, startedOnce, runs: () => runs, ended: () => ended };
}

describe("startReconcileSchedule", () => {
  it("runs once at start; stop cancels the run in flight and waits for it to end, silently", async () => {
    const { logger, lines } = capturedLogger();
    const waiting = waitingRun(true);
    const schedule = startReconcileSchedule(waiting.run, { intervalMs: 60_000, logger });
    await waiting.startedOnce;
    await schedule.stop();
    expect(waiting.ended()).toBe(true);
    expect(waiting.runs()).toBe(1);
    // Nothing logged: the cancelled run is not reported as failed, and stop did not reach its bound.
    expect(lines).toEqual([]);
  });

  it("stop returns without a run stuck on the database, and says so", async () => {
    const { logger, lines } = capturedLogger();
    const stuck = waitingRun(false);
    const schedule = startReconcileSchedule(stuck.run, { intervalMs: 60_000, logger });
    await stuck.startedOnce;
    // Were stop to wait for the run, this would never resolve (and the test would time out).
    await schedule.stop();
    expect(stuck.ended()).toBe(false);
    expect(lines).toEqual([
      expect.objectContaining({ level: 40, msg: expect.stringMatching(/reconciliation in flight was left/) }),
    ]);
  });

  it("a failed run is logged and the next one follows after the interval; stop ends the wait between runs", async () => {
    const { logger, lines } = capturedLogger();
    let runs = 0;
    const run: Run = async () => {
      runs += 1;
      if (runs === 1) throw new Error("platform down");
      return REPORT;
    };
    const schedule = startReconcileSchedule(run, { intervalMs: 50, logger });
    await expect.poll(() => runs, { timeout: 2000 }).toBeGreaterThanOrEqual(2);
    await schedule.stop();
    const after = runs;
    await new Promise((resolve) => setTimeout(resolve, 150));
    expect(runs).toBe(after);
    expect(lines[0]).toMatchObject({ level: 40, msg: "reconciling the bindings with the platform failed" });
    expect(lines.filter((line) => line.msg.includes("left"))).toEqual([]);
  });
});
