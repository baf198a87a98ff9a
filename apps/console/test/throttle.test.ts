// At most one run per interval: the first trigger runs at once, a burst collapses into one trailing run, and a
// cancelled throttle runs nothing more.
import { describe, expect, it } from "vitest";
import { ThrottleIntervalError, type ThrottleTimers, throttle } from "../src/ui/throttle.js";

function fakeTimers() {
  let now = 0;
  let nextId = 0;
  const pending = new Map<number, { at: number; run: () => void }>();
  const timers: ThrottleTimers = {
    now: () => now,
    setTimeout: (run, ms) => {
      nextId += 1;
      pending.set(nextId, { at: now + ms, run });
      return nextId;
    },
    clearTimeout: (handle) => {
      pending.delete(handle as number);
    },
  };
  return {
    timers,
    pending,
    advance(ms: number) {
      now += ms;
      for (const [id, task] of [...pending].sort((a, b) => a[1].at - b[1].at)) {
        if (task.at <= now) {
          pending.delete(id);
          task.run();
        }
      }
    },
  };
}

describe("throttle", () => {
  it("runs the first trigger at once and a burst once more when the interval is over", () => {
    const clock = fakeTimers();
    let runs = 0;
    const throttled = throttle(() => runs++, 2000, clock.timers);
    throttled.trigger();
    expect(runs).toBe(1);
    for (let i = 0; i < 10; i++) {
      clock.advance(100);
      throttled.trigger();
    }
    expect(runs).toBe(1);
    clock.advance(999);
    expect(runs).toBe(1);
    clock.advance(1);
    expect(runs).toBe(2);
    expect(clock.pending.size).toBe(0);
  });

  it("runs at once again once a whole interval passed without a run", () => {
    const clock = fakeTimers();
    let runs = 0;
    const throttled = throttle(() => runs++, 2000, clock.timers);
    throttled.trigger();
    clock.advance(2000);
    throttled.trigger();
    expect(runs).toBe(2);
    expect(clock.pending.size).toBe(0);
  });

  it("drops the pending run when cancelled and ignores later triggers", () => {
    const clock = fakeTimers();
    let runs = 0;
    const throttled = throttle(() => runs++, 2000, clock.timers);
    throttled.trigger();
    throttled.trigger();
    expect(clock.pending.size).toBe(1);
    throttled.cancel();
    expect(clock.pending.size).toBe(0);
    clock.advance(5000);
    throttled.trigger();
    expect(runs).toBe(1);
  });

  it("refuses an interval it cannot keep", () => {
    expect(() => throttle(() => {}, -1)).toThrow(ThrottleIntervalError);
    expect(() => throttle(() => {}, Number.NaN)).toThrow(/finite number of milliseconds/);
  });
});
