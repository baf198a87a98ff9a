import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { parseNotification } from "@privnum/notification-schemas";
import { createMemoryNonceStore, createVerifier, type Scheme } from "@privnum/wsse-auth";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import {
  type AppConfig,
  RETRY_SCHEDULE_MINUTES,
  type Simulator,
  type SimulatorConfig,
} from "../src/index.js";
import {
  APP_KEY,
  APP_SECRET,
  bind,
  MINUTE,
  type Receiver,
  START,
  startReceiver,
  startSimulator,
  waitFor,
  X1,
  X2,
} from "./helpers.js";

const A = "+8613800000021";
const B = "+8613900000031";
const bNumber = (i: number) => `+86139${String(i).padStart(8, "0")}`;

describe("pushes", () => {
  let sim: Simulator;
  let receiver: Receiver;

  beforeEach(async () => {
    receiver = await startReceiver();
  });
  afterEach(async () => {
    await sim.stop();
    await receiver.close();
  });

  async function start(app: Partial<AppConfig> = {}, config: SimulatorConfig = {}): Promise<Simulator> {
    sim = await startSimulator({
      apps: [
        { appKey: APP_KEY, appSecret: APP_SECRET, virtualNumbers: [X1, X2], notifyUrl: receiver.url, ...app },
      ],
      ...config,
    });
    return sim;
  }

  it.each(["aksk", "wsse-hex", "wsse-raw"] as const)(
    "signs pushes with the %s scheme",
    async (scheme: Scheme) => {
      await start({ pushScheme: scheme });
      await sim.setNumberStatus({ number: X1, status: "9" });
      await sim.flush();
      expect(receiver.received).toHaveLength(1);
      // Verified independently of how the simulator signs: only this scheme is accepted.
      const verifier = createVerifier({
        lookupSecret: (key) => (key === APP_KEY ? APP_SECRET : undefined),
        schemes: [scheme],
        nonceStore: createMemoryNonceStore(),
      });
      const verified = await verifier.verify(receiver.received[0]!.headers);
      expect(verified).toMatchObject({ ok: true, appKey: APP_KEY, scheme });
      expect(receiver.received[0]!.headers["content-type"]).toBe("application/json;charset=UTF-8");
    },
  );

  it("pushes numStatus to the number-status URL, then the call-event URL, then notifyUrl", async () => {
    const other = await startReceiver();
    try {
      await start({ callEventUrl: `${other.url}/events` });
      await sim.setNumberStatus({ number: X1, status: "10", cause: "2" });
      await sim.flush();
      expect(receiver.received).toHaveLength(0);
      expect(other.received.map((r) => [r.path, r.body])).toEqual([
        ["/events", { eventType: "numStatus", numInfo: [{ number: X1, status: "10", cause: "2" }] }],
      ]);
      expect(parseNotification(other.received[0]!.raw).ok).toBe(true);
    } finally {
      await other.close();
    }
  });

  it("sends fee pushes to feeUrl and events to callEventUrl", async () => {
    const fees = await startReceiver();
    try {
      await start({ feeUrl: `${fees.url}/fee` });
      await bind(sim, { bindNum: A });
      await sim.simulateCall({ caller: B, virtualNum: X1, digits: "0001", talkSeconds: 5 });
      await sim.clock.advance(MINUTE);
      expect(fees.received.map((r) => r.body.eventType)).toEqual(["fee"]);
      expect(receiver.received.every((r) => r.body.eventType !== "fee")).toBe(true);
      expect(receiver.received).toHaveLength(6);
    } finally {
      await fees.close();
    }
  });

  it("retries a failing push at +1, +4, +9, +106, +203 and +300 minutes, then gives up", async () => {
    await start();
    receiver.respondWith(() => 503);
    await sim.setNumberStatus({ number: X1, status: "9" });
    await sim.clock.advance(400 * MINUTE);
    const attempts = sim.deliveries();
    expect(attempts.map((d) => d.attempt)).toEqual([1, 2, 3, 4, 5, 6, 7]);
    const offsets = attempts.map((d) => (Date.parse(d.at) - START.getTime()) / MINUTE);
    expect(offsets).toEqual([0, ...RETRY_SCHEDULE_MINUTES]);
    expect(RETRY_SCHEDULE_MINUTES).toEqual([1, 4, 9, 106, 203, 300]);
    expect(attempts.every((d) => d.outcome === "failed" && d.status === 503)).toBe(true);
    expect(attempts.map((d) => d.final)).toEqual([false, false, false, false, false, false, true]);
    expect(receiver.received).toHaveLength(7);
    expect(new Set(attempts.map((d) => d.pushId)).size).toBe(1);
  });

  it("counts only HTTP 200 as success: 204 and a redirect are retried", async () => {
    await start();
    const statuses = [204, 302, 200];
    receiver.respondWith(() => statuses.shift() ?? 200);
    await sim.setNumberStatus({ number: X1, status: "9" });
    await sim.clock.advance(10 * MINUTE);
    expect(sim.deliveries().map((d) => [d.attempt, d.status, d.outcome])).toEqual([
      [1, 204, "failed"],
      [2, 302, "failed"],
      [3, 200, "delivered"],
    ]);
  });

  it("stops retrying once a retry is answered 200", async () => {
    await start();
    let n = 0;
    receiver.respondWith(() => (++n < 3 ? 500 : 200));
    await sim.setNumberStatus({ number: X1, status: "9" });
    await sim.clock.advance(400 * MINUTE);
    expect(sim.deliveries().map((d) => d.outcome)).toEqual(["failed", "failed", "delivered"]);
    expect(sim.deliveries().at(-1)?.final).toBe(true);
  });

  it("never retries callin; retries every other event and the CDR", async () => {
    await start();
    receiver.respondWith(() => 500);
    await bind(sim, { bindNum: A });
    await sim.simulateCall({ caller: B, virtualNum: X1, digits: "0001", talkSeconds: 10 });
    await sim.clock.advance(400 * MINUTE);
    const byType = new Map<string, number>();
    for (const d of sim.deliveries()) byType.set(d.eventType, (byType.get(d.eventType) ?? 0) + 1);
    expect(Object.fromEntries(byType)).toEqual({
      callin: 1,
      collectInfo: 7,
      callout: 7,
      alerting: 7,
      answer: 7,
      disconnect: 7,
      fee: 7,
    });
    const callin = sim.deliveries().find((d) => d.eventType === "callin");
    expect(callin?.final).toBe(true);
  });

  it("fails an attempt whose receiver is unreachable or too slow", async () => {
    await start({ notifyUrl: "http://127.0.0.1:1/closed" }, { pushTimeoutMs: 200 });
    await sim.setNumberStatus({ number: X1, status: "9" });
    await sim.flush();
    expect(sim.deliveries()[0]).toMatchObject({ outcome: "failed", error: expect.any(String) });
    expect(sim.deliveries()[0]).not.toHaveProperty("status");
  });

  it("fails an attempt whose receiver never answers within pushTimeoutMs, and retries it", async () => {
    const silent = createServer(() => {
      // Never answers.
    });
    await new Promise<void>((resolve) => silent.listen(0, "127.0.0.1", resolve));
    try {
      const { port } = silent.address() as AddressInfo;
      await start({ notifyUrl: `http://127.0.0.1:${port}/slow` }, { pushTimeoutMs: 100 });
      await sim.setNumberStatus({ number: X1, status: "9" });
      await sim.clock.advance(MINUTE);
      expect(sim.deliveries().map((d) => [d.attempt, d.outcome, d.error, d.final])).toEqual([
        [1, "failed", "timeout", false],
        [2, "failed", "timeout", false],
      ]);
    } finally {
      silent.closeAllConnections();
      await new Promise<void>((resolve) => silent.close(() => resolve()));
    }
  });

  it("logs a push without a URL once as skipped", async () => {
    sim = await startSimulator();
    await sim.setNumberStatus({ number: X1, status: "9" });
    await sim.clock.advance(400 * MINUTE);
    expect(sim.deliveries()).toEqual([
      expect.objectContaining({ kind: "numStatus", outcome: "skipped", attempt: 1, final: true }),
    ]);
    expect(sim.deliveries()[0]).not.toHaveProperty("url");
  });

  it("keeps the last maxDeliveries attempts", async () => {
    await start({}, { maxDeliveries: 3 });
    receiver.respondWith(() => 500);
    await sim.setNumberStatus({ number: X1, status: "9" });
    await sim.clock.advance(400 * MINUTE);
    expect(sim.deliveries().map((d) => d.attempt)).toEqual([5, 6, 7]);
    expect(sim.deliveries().map((d) => d.id)).toEqual([5, 6, 7]);
  });

  describe("CDR batching", () => {
    it("merges the CDRs of calls ending within the window into one fee push", async () => {
      await start({}, { cdrBatchWindowMs: 5000 });
      await bind(sim, { bindNum: A });
      for (let i = 0; i < 3; i++) {
        await sim.simulateCall({ caller: bNumber(i), virtualNum: X1, digits: "0001", talkSeconds: 10 });
        await sim.clock.advance(1000);
      }
      // Calls 2 s apart end 2 s apart: inside one 5 s window.
      await sim.clock.advance(MINUTE);
      const fees = receiver.received.filter((r) => r.body.eventType === "fee");
      expect(fees).toHaveLength(1);
      expect((fees[0]!.body.feeLst as unknown[]).length).toBe(3);
      expect(parseNotification(fees[0]!.raw).ok).toBe(true);
    });

    it("starts a new push for CDRs after the window", async () => {
      await start({}, { cdrBatchWindowMs: 2000 });
      await bind(sim, { bindNum: A });
      await sim.simulateCall({ caller: bNumber(1), virtualNum: X1, digits: "0001", talkSeconds: 10 });
      await sim.clock.advance(10_000);
      await sim.simulateCall({ caller: bNumber(2), virtualNum: X1, digits: "0001", talkSeconds: 10 });
      await sim.clock.advance(MINUTE);
      const fees = receiver.received.filter((r) => r.body.eventType === "fee");
      expect(fees.map((f) => (f.body.feeLst as unknown[]).length)).toEqual([1, 1]);
    });

    it("puts at most 50 CDRs in one push", async () => {
      // Only CDRs go over HTTP here (call events have no URL and are logged as skipped), to keep the test quick.
      await start({ notifyUrl: undefined, feeUrl: receiver.url }, { cdrBatchWindowMs: 60_000 });
      await bind(sim, { bindNum: A });
      for (let i = 0; i < 120; i++) {
        await sim.simulateCall({ caller: bNumber(i), virtualNum: X1, digits: "0001", talkSeconds: 10 });
      }
      await sim.clock.advance(5 * MINUTE);
      const fees = receiver.received.filter((r) => r.body.eventType === "fee");
      expect(fees.map((f) => (f.body.feeLst as unknown[]).length)).toEqual([50, 50, 20]);
      for (const f of fees) expect(parseNotification(f.raw).ok).toBe(true);
    });

    it("honours a smaller configured maximum", async () => {
      await start({}, { cdrBatchWindowMs: 60_000, cdrBatchMax: 2 });
      await bind(sim, { bindNum: A });
      for (let i = 0; i < 5; i++) {
        await sim.simulateCall({ caller: bNumber(i), virtualNum: X1, digits: "0001", talkSeconds: 10 });
      }
      await sim.clock.advance(5 * MINUTE);
      const fees = receiver.received.filter((r) => r.body.eventType === "fee");
      expect(fees.map((f) => (f.body.feeLst as unknown[]).length)).toEqual([2, 2, 1]);
    });
  });

  it("runs the retry schedule in real time under a time scale, without touching the clock", async () => {
    // 60 000 virtual ms per real ms: the 300-minute schedule takes about 0.3 s.
    await start({}, { timeScale: 60_000 });
    receiver.respondWith(() => 500);
    await sim.setNumberStatus({ number: X1, status: "9" });
    await waitFor(() => sim.deliveries().length === 7);
    expect(sim.deliveries().map((d) => d.attempt)).toEqual([1, 2, 3, 4, 5, 6, 7]);
    const first = Date.parse(sim.deliveries()[0]!.at);
    const offsets = sim.deliveries().map((d) => (Date.parse(d.at) - first) / MINUTE);
    // Real timers fire at, or (by their granularity) after, the scheduled offset; never before.
    offsets.slice(1).forEach((o, i) => {
      expect(o).toBeGreaterThanOrEqual(RETRY_SCHEDULE_MINUTES[i]!);
    });
  });
});
