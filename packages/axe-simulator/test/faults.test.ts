import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { Delivery, FaultConfig, Simulator } from "../src/index.js";
import {
  APP_KEY,
  APP_SECRET,
  bind,
  call,
  MINUTE,
  type Receiver,
  START,
  startReceiver,
  startSimulator,
  X1,
  X2,
} from "./helpers.js";

const A = "+8613800000021";
const bNumber = (i: number) => `+86139${String(i).padStart(8, "0")}`;

describe("fault injection", () => {
  let sims: Simulator[] = [];
  let receiver: Receiver;

  beforeEach(async () => {
    receiver = await startReceiver();
  });
  afterEach(async () => {
    for (const s of sims) await s.stop();
    sims = [];
    await receiver.close();
  });

  async function start(faults: FaultConfig = {}, seed = 1): Promise<Simulator> {
    const sim = await startSimulator({
      seed,
      faults,
      lockout: { threshold: 0 },
      apps: [{ appKey: APP_KEY, appSecret: APP_SECRET, virtualNumbers: [X1, X2], notifyUrl: receiver.url }],
    });
    sims.push(sim);
    return sim;
  }

  /** The same script of calls for every run; returns what matters of each attempt. */
  async function script(sim: Simulator): Promise<unknown[]> {
    await bind(sim, { bindNum: A });
    for (let i = 0; i < 4; i++) {
      await sim.simulateCall({ caller: bNumber(i), virtualNum: X1, digits: "0001", talkSeconds: 20 });
      await sim.clock.advance(30_000);
    }
    await sim.clock.advance(400 * MINUTE);
    return sim
      .deliveries()
      .map((d: Delivery) => [d.eventType, d.attempt, d.outcome, d.at, !!d.duplicate, !!d.reordered]);
  }

  describe("pushes", () => {
    const faults: FaultConfig = { push: { drop: 0.3, duplicate: 0.2, reorder: 0.2, delayMs: 3000 } };

    it("are deterministic: the same seed gives the same outcomes, another seed others", async () => {
      const first = await script(await start(faults, 7));
      const second = await script(await start(faults, 7));
      const other = await script(await start(faults, 8));
      expect(second).toEqual(first);
      expect(other).not.toEqual(first);
      // Every kind of fault actually happened in this run.
      const outcomes = first as Array<[string, number, string, string, boolean, boolean]>;
      expect(outcomes.some((d) => d[2] === "dropped")).toBe(true);
      expect(outcomes.some((d) => d[4])).toBe(true);
      expect(outcomes.some((d) => d[5])).toBe(true);
    });

    it("drop loses an attempt: retried on schedule, except callin which is lost for good", async () => {
      const sim = await start({ push: { drop: 1 } });
      await bind(sim, { bindNum: A });
      await sim.simulateCall({ caller: bNumber(1), virtualNum: X1, digits: "0001", talkSeconds: 5 });
      await sim.clock.advance(400 * MINUTE);
      expect(receiver.received).toHaveLength(0);
      const attempts = sim.deliveries();
      expect(attempts.filter((d) => d.eventType === "callin")).toHaveLength(1);
      expect(attempts.filter((d) => d.eventType === "disconnect")).toHaveLength(7);
      expect(attempts.every((d) => d.outcome === "dropped")).toBe(true);
    });

    it("a dropped attempt is delivered by its retry once the fault is lifted", async () => {
      const sim = await start({ push: { drop: 1 } });
      await sim.setNumberStatus({ number: X1, status: "9" });
      await sim.flush();
      sim.setFaults({ push: {} });
      await sim.clock.advance(MINUTE);
      expect(sim.deliveries().map((d) => [d.attempt, d.outcome])).toEqual([
        [1, "dropped"],
        [2, "delivered"],
      ]);
      expect(receiver.received).toHaveLength(1);
    });

    it("duplicate sends the same body twice", async () => {
      const sim = await start({ push: { duplicate: 1 } });
      await sim.setNumberStatus({ number: X1, status: "9" });
      await sim.flush();
      expect(receiver.received).toHaveLength(2);
      expect(receiver.received[0]!.raw).toBe(receiver.received[1]!.raw);
      expect(sim.deliveries().map((d) => !!d.duplicate)).toEqual([false, true]);
    });

    it("reorder holds a push back until the next push of the app", async () => {
      const sim = await start({ push: { reorder: 1 } });
      await sim.setNumberStatus({ number: X1, status: "9" });
      await sim.flush();
      expect(receiver.received).toHaveLength(0);
      sim.setFaults({ push: { reorder: 0 } });
      await sim.setNumberStatus({ number: X2, status: "9" });
      await sim.flush();
      const numbers = receiver.received.map((r) => (r.body.numInfo as Array<{ number: string }>)[0]!.number);
      expect(numbers).toEqual([X2, X1]);
      expect(sim.deliveries().find((d) => d.reordered)?.body).toMatchObject({ numInfo: [{ number: X1 }] });
    });

    it("reorder releases a held push after 60 s when nothing follows", async () => {
      const sim = await start({ push: { reorder: 1 } });
      await sim.setNumberStatus({ number: X1, status: "9" });
      await sim.clock.advance(59_999);
      expect(receiver.received).toHaveLength(0);
      await sim.clock.advance(1);
      expect(receiver.received).toHaveLength(1);
    });

    it("delay postpones each push's first attempt by up to delayMs", async () => {
      const sim = await start({ push: { delayMs: 10_000 } });
      for (const number of [X1, X2]) await sim.setNumberStatus({ number, status: "9" });
      await sim.clock.advance(10_000);
      expect(receiver.received).toHaveLength(2);
      const delays = sim.deliveries().map((d) => Date.parse(d.at) - START.getTime());
      for (const d of delays) {
        expect(d).toBeGreaterThanOrEqual(0);
        expect(d).toBeLessThanOrEqual(10_000);
      }
      expect(delays.some((d) => d > 0)).toBe(true);
    });
  });

  describe("platform API", () => {
    it("error500 answers 500 1010001 without processing the request", async () => {
      const sim = await start({ api: { error500: 1 } });
      const res = await call(sim, { method: "POST", body: { virtualNum: X1, bindNum: A } });
      expect(res.status).toBe(500);
      expect(res.body).toEqual({ resultcode: "1010001", resultdesc: "Internal system error." });
      expect(sim.state().bindings).toHaveLength(0);
    });

    it("flowControl answers 403 1010010 with the flow-control text", async () => {
      const sim = await start();
      sim.setFaults({ api: { flowControl: 1 } });
      const res = await call(sim, { method: "POST", body: { virtualNum: X1, bindNum: A } });
      expect(res.status).toBe(403);
      expect(res.body).toEqual({
        resultcode: "1010010",
        resultdesc: "The flow control upper limit is reached on the platform.",
      });
      expect(sim.state().bindings).toHaveLength(0);
    });

    it("hang processes the request but drops the connection instead of answering", async () => {
      const sim = await start({ api: { hang: 1, hangMs: 200 } });
      await expect(call(sim, { method: "POST", body: { virtualNum: X1, bindNum: A } })).rejects.toThrow();
      // The bind took effect: a client retrying blindly now meets 1013102.
      expect(sim.state().bindings).toHaveLength(1);
      sim.setFaults({ api: {} });
      const retry = await call(sim, { method: "POST", body: { virtualNum: X1, bindNum: A } });
      expect(retry.body.resultcode).toBe("1013102");
    });

    it("stop() releases a hung request at once", async () => {
      const sim = await start({ api: { hang: 1, hangMs: 600_000 } });
      const pending = call(sim, { method: "POST", body: { virtualNum: X1, bindNum: A } });
      await new Promise((r) => setTimeout(r, 50));
      await sim.stop();
      await expect(pending).rejects.toThrow();
    });

    it("draws API faults deterministically from the seed", async () => {
      const runs: number[][] = [];
      for (const seed of [3, 3]) {
        const sim = await start({ api: { error500: 0.5 } }, seed);
        const statuses: number[] = [];
        for (let i = 0; i < 20; i++) {
          statuses.push((await call(sim, { query: { virtualNum: X1, extendNum: "0001" } })).status);
        }
        runs.push(statuses);
      }
      expect(runs[1]).toEqual(runs[0]);
      expect(runs[0]).toContain(500);
      expect(runs[0]).toContain(403);
    });

    it("rejects invalid fault settings", async () => {
      const sim = await start();
      expect(() => sim.setFaults({ api: { error500: 2 } })).toThrow(/error500/);
      expect(() => sim.setFaults({ push: { delayMs: -1 } })).toThrow(/delayMs/);
    });
  });
});
