import { performance } from "node:perf_hooks";
import { afterEach, describe, expect, it } from "vitest";
import type { Simulator } from "../src/index.js";
import { bind, call, HOUR, MINUTE, startSimulator, waitFor, X1 } from "./helpers.js";

const A = "+8613800000021";
const B = "+8613900000031";

describe("expiry under virtual time", () => {
  let sim: Simulator;
  afterEach(async () => {
    await sim.stop();
  });

  const exists = async (id: unknown) =>
    (await call(sim, { query: { subscriptionId: String(id) } })).body.resultcode === "0";

  it("removes a binding when bindExpiredTime (minutes) runs out and frees its extension", async () => {
    sim = await startSimulator();
    const b = await bind(sim, { bindNum: A, timeUnit: "1", bindExpiredTime: 30 });
    await sim.clock.advance(30 * MINUTE - 1);
    expect(await exists(b.subscriptionId)).toBe(true);
    await sim.clock.advance(1);
    expect(await exists(b.subscriptionId)).toBe(false);
    expect(sim.state().bindings).toHaveLength(0);
    expect((await bind(sim, { bindNum: "+8613800000022" })).extendNum).toBe("0001");
  });

  it("counts in hours when timeUnit is absent, and 0 never expires", async () => {
    sim = await startSimulator();
    const hours = await bind(sim, { bindNum: A, bindExpiredTime: 2 });
    const never = await bind(sim, { bindNum: "+8613800000022", bindExpiredTime: 0 });
    await sim.clock.advance(2 * HOUR - 1);
    expect(await exists(hours.subscriptionId)).toBe(true);
    await sim.clock.advance(1);
    expect(await exists(hours.subscriptionId)).toBe(false);
    await sim.clock.advance(10_000 * HOUR);
    expect(await exists(never.subscriptionId)).toBe(true);
  });

  it("restarts the expiry clock when modify sends a new bindExpiredTime", async () => {
    sim = await startSimulator();
    const b = await bind(sim, { bindNum: A, timeUnit: "1", bindExpiredTime: 10 });
    await sim.clock.advance(8 * MINUTE);
    await call(sim, { method: "PUT", body: { subscriptionId: b.subscriptionId, bindExpiredTime: 10 } });
    await sim.clock.advance(9 * MINUTE);
    expect(await exists(b.subscriptionId)).toBe(true);
    await sim.clock.advance(1 * MINUTE);
    expect(await exists(b.subscriptionId)).toBe(false);
  });

  it("a call to an expired binding ends with 8022", async () => {
    sim = await startSimulator();
    await bind(sim, { bindNum: A, timeUnit: "1", bindExpiredTime: 5 });
    await sim.clock.advance(5 * MINUTE);
    const c = await sim.simulateCall({ caller: B, virtualNum: X1, digits: "0001" });
    expect(c.stateCode).toBe(8022);
  });

  it("expires callback records after callbackExpiredTime, then falls back to callbackNum", async () => {
    sim = await startSimulator();
    await bind(sim, { bindNum: A, timeUnit: "1", callbackExpiredTime: 10, callbackNum: "+8613700000001" });
    await sim.simulateCall({ caller: B, virtualNum: X1, digits: "0001", talkSeconds: 10 });
    await sim.clock.advance(2 * MINUTE);
    const within = await sim.simulateCall({ caller: A, virtualNum: X1 });
    expect(within.scenario).toBe("callback");
    expect(within.cdr.fwdDstNum).toBe(B);
    // The record was made when B's call started; it lives 10 minutes from then.
    await sim.clock.advance(8 * MINUTE);
    const after = await sim.simulateCall({ caller: A, virtualNum: X1 });
    expect(after.cdr.fwdDstNum).toBe("+8613700000001");
    expect(sim.state().bindings[0]).not.toHaveProperty("callbackRecord");
  });

  it("moves the clock with set(), forward running due work and backward only moving time", async () => {
    sim = await startSimulator();
    const b = await bind(sim, { bindNum: A, timeUnit: "1", bindExpiredTime: 5 });
    await sim.clock.set(new Date("2026-01-27T08:05:00Z"));
    expect(sim.clock.now().toISOString()).toBe("2026-01-27T08:05:00.000Z");
    expect(await exists(b.subscriptionId)).toBe(false);
    await sim.clock.set(new Date("2026-01-27T07:00:00Z"));
    expect(sim.clock.now().toISOString()).toBe("2026-01-27T07:00:00.000Z");
    await expect(sim.clock.advance(-1)).rejects.toThrow(/ms/);
  });

  it("runs in real time at the configured scale", async () => {
    sim = await startSimulator({ timeScale: 1000 });
    // Bracket each clock reading between two readings of the same monotonic clock the simulator uses, so the
    // bounds hold whatever the machine's load: virtual elapsed = real elapsed × 1000 (±1 ms of flooring).
    const before0 = performance.now();
    const v0 = sim.clock.now().getTime();
    const after0 = performance.now();
    await new Promise((r) => setTimeout(r, 30));
    const before1 = performance.now();
    const v1 = sim.clock.now().getTime();
    const after1 = performance.now();
    expect(v1 - v0).toBeGreaterThanOrEqual(Math.floor((before1 - after0) * 1000) - 1);
    expect(v1 - v0).toBeLessThanOrEqual(Math.ceil((after1 - before0) * 1000) + 1);
    expect(v1).toBeGreaterThan(v0);
  });

  it("expires a binding as scaled real time passes, without the test moving the clock", async () => {
    // 1 virtual minute per real millisecond: a 5-minute binding is gone after about 5 ms of real time.
    sim = await startSimulator({ timeScale: 60_000 });
    const b = await bind(sim, { bindNum: A, timeUnit: "1", bindExpiredTime: 5 });
    await waitFor(() => sim.state().bindings.length === 0);
    expect(await exists(b.subscriptionId)).toBe(false);
  });
});
