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

/** A run that starts and then waits: on its signal when `honoursSignal`, or forever (a silent database). */
function waitingRun(honoursSignal: boolean) {
  let runs = 0;
  let started!: () => void;
  const startedOnce = new Promise<void>((resolve) => {
    started = resolve;
  });
  const run: Run = ({ signal } = {}) => {
    runs += 1;
    started();
    return new Promise((_, reject) => {
      if (honoursSignal) signal?.addEventListener("abort", () => reject(signal.reason));
    });
  };
  return { run, startedOnce, runs: () => runs };
}

describe("startReconcileSchedule", () => {
  it("runs once at start; stop cancels the run in flight and waits for it to end, silently", async () => {
    const { logger, lines } = capturedLogger();
    const waiting = waitingRun(true);
    const schedule = startReconcileSchedule(waiting.run, { intervalMs: 60_000, logger });
    await waiting.startedOnce;
    await schedule.stop();
    expect(waiting.runs()).toBe(1);
    // Nothing logged: the cancelled run is not reported as failed, and stop did not reach its bound.
    expect(lines).toEqual([]);
  });

  it("stop does not wait past its bound for a run stuck on the database, and says so", async () => {
    const { logger, lines } = capturedLogger();
    const stuck = waitingRun(false);
    const schedule = startReconcileSchedule(stuck.run, { intervalMs: 60_000, logger });
    await stuck.startedOnce;
    const before = Date.now();
    await schedule.stop();
    const waited = Date.now() - before;
    expect(waited).toBeGreaterThanOrEqual(1400);
    expect(waited).toBeLessThan(5000);
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
