import { describe, expect, it } from "vitest";
import { ThrottleIntervalError, type ThrottleTimers, throttle } from "../src/ui/throttle.js";

function fakeTimers() {
  let now = 0;
  let nextId = 1;
  const pending = new Map<number, { at: number; run: () => void }>();
  const timers: ThrottleTimers = {
    now: () => now,
    setTimeout: (run, ms) => {
      const id = nextId++;
      pending.set(id, { at: now + ms, run });
      return id;
    },
    clearTimeout: (id) => pending.delete(id as number),
  };
  const advance = (ms: number) => {
    now += ms;
    for (const [id, timer] of [...pending]) {
      if (timer.at <= now) {
        pending.delete(id);
        timer.run();
      }
    }
  };
  return { timers, advance, pending };
}

describe("throttle", () => {
  it("runs at once, folds a burst into one run at the interval's end, then runs at once again", () => {
    const { timers, advance } = fakeTimers();
    let runs = 0;
    const t = throttle(() => runs++, 1000, timers);
    t.call();
    expect(runs).toBe(1);
    for (let i = 0; i < 10; i++) t.call();
    expect(runs).toBe(1);
    advance(999);
    expect(runs).toBe(1);
    advance(1);
    expect(runs).toBe(2);
    advance(5000);
    t.call();
    expect(runs).toBe(3);
  });

  it("drops a pending run when cancelled", () => {
    const { timers, advance } = fakeTimers();
    let runs = 0;
    const t = throttle(() => runs++, 1000, timers);
    t.call();
    t.call();
    t.cancel();
    advance(2000);
    expect(runs).toBe(1);
  });

  it("refuses a negative interval", () => {
    expect(() => throttle(() => {}, -1)).toThrow(ThrottleIntervalError);
    expect(() => throttle(() => {}, Number.NaN)).toThrow(/got NaN/);
  });
});
