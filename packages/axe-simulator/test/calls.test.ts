import { parseNotification } from "@privnum/notification-schemas";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createSimulator, type Simulator, type SimulatorConfig } from "../src/index.js";
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
const B = "+8613900000031";
const C = "+8613900000032";
const TIME = /^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d$/;

type Body = Record<string, unknown> & { eventType: string; statusInfo: Record<string, unknown> };

describe("simulated calls", () => {
  let sim: Simulator;
  let receiver: Receiver;

  beforeEach(async () => {
    receiver = await startReceiver();
  });
  afterEach(async () => {
    await sim.stop();
    await receiver.close();
  });

  async function start(config: SimulatorConfig = {}): Promise<Simulator> {
    sim = await startSimulator({
      apps: [
        {
          appKey: APP_KEY,
          appSecret: APP_SECRET,
          virtualNumbers: [{ number: X1, cityCode: "0755" }, X2],
          notifyUrl: receiver.url,
        },
      ],
      ...config,
    });
    return sim;
  }

  /** Runs virtual time well past the call and the CDR window; returns what the receiver got. */
  async function settle(): Promise<{ events: Body[]; fees: Array<Record<string, unknown>> }> {
    await sim.clock.advance(10 * MINUTE);
    for (const push of receiver.received) {
      const parsed = parseNotification(push.raw);
      expect(parsed.ok, JSON.stringify(parsed)).toBe(true);
    }
    const bodies = receiver.received.map((r) => r.body);
    return {
      events: bodies.filter((b) => b.eventType !== "fee") as Body[],
      fees: bodies
        .filter((b) => b.eventType === "fee")
        .flatMap((b) => b.feeLst as Array<Record<string, unknown>>),
    };
  }

  it("plays B→X+E answered: callin → collectInfo → callout → alerting → answer → disconnect, then the CDR", async () => {
    await start();
    const b = await bind(sim, { bindNum: A, userData: "ud" });
    const result = await sim.simulateCall({ caller: B, virtualNum: X1, digits: "0001", talkSeconds: 75 });
    expect(result.scenario).toBe("callee");
    expect(result.stateCode).toBe(0);
    expect(result.notifications.map((n) => n.eventType)).toEqual([
      "callin",
      "collectInfo",
      "callout",
      "alerting",
      "answer",
      "disconnect",
    ]);
    // Nothing is pushed before virtual time reaches the events (callin is due now, at the next flush).
    await sim.flush();
    expect(receiver.received.map((r) => r.body.eventType)).toEqual(["callin"]);

    const { events, fees } = await settle();
    expect(events.map((e) => e.eventType)).toEqual(result.notifications.map((n) => n.eventType));
    expect(events).toEqual(result.notifications);
    const [callin, collect, callout, alerting, answer, disconnect] = events as [
      Body,
      Body,
      Body,
      Body,
      Body,
      Body,
    ];

    expect(callin.statusInfo).toEqual({
      timestamp: "2026-01-27 08:00:00",
      sessionId: result.sessionId,
      caller: B,
      called: X1,
    });
    // collectInfo: {timestamp, sessionId, digitInfo} (docs/axe-platform.md §16.1) plus the matched
    // subscriptionId (§16.4).
    expect(collect.statusInfo).toEqual({
      timestamp: "2026-01-27 08:00:04",
      sessionId: result.sessionId,
      digitInfo: "0001",
      subscriptionId: b.subscriptionId,
    });
    for (const e of [callout, alerting, answer]) {
      expect(e.statusInfo).toEqual({
        timestamp: expect.stringMatching(TIME),
        sessionId: result.sessionId,
        caller: X1,
        called: A,
        subscriptionId: b.subscriptionId,
      });
    }
    expect(disconnect.statusInfo).toEqual({
      timestamp: expect.stringMatching(TIME),
      sessionId: result.sessionId,
      caller: X1,
      called: A,
      stateCode: 0,
      stateDesc: "The user releases the call.",
      subscriptionId: b.subscriptionId,
    });
    // Timestamps never go backwards, and talk time is what was asked for.
    const times = events.map((e) => String(e.statusInfo.timestamp));
    expect([...times].sort()).toEqual(times);
    expect(answer.statusInfo.timestamp).toBe("2026-01-27 08:00:12");
    expect(disconnect.statusInfo.timestamp).toBe("2026-01-27 08:01:27");

    expect(fees).toHaveLength(1);
    expect(fees[0]).toEqual(result.cdr);
    expect(fees[0]).toMatchObject({
      direction: 0,
      spId: "privnum-sim-sp",
      appKey: APP_KEY,
      bindNum: X1,
      sessionId: result.sessionId,
      subscriptionId: b.subscriptionId,
      callerNum: B,
      calleeNum: X1,
      fwdDisplayNum: X1,
      fwdDstNum: A,
      callInTime: "2026-01-27 08:00:00",
      fwdStartTime: "2026-01-27 08:00:05",
      fwdAlertingTime: "2026-01-27 08:00:07",
      fwdAnswerTime: "2026-01-27 08:00:12",
      callEndTime: "2026-01-27 08:01:27",
      fwdUnaswRsn: 0,
      ulFailReason: 0,
      sipStatusCode: 0,
      callOutUnaswRsn: 0,
      recordFlag: 0,
      ttsPlayTimes: 0,
      ttsTransDuration: 0,
      serviceType: "005",
      extendNumber: "0001",
      areaCode: "0755",
      callDuration: 75,
    });
    // Every §8.2 field that applies to an answered, unrecorded call, and nothing else.
    expect(Object.keys(fees[0]!)).toEqual([
      "direction",
      "spId",
      "appKey",
      "icid",
      "bindNum",
      "sessionId",
      "subscriptionId",
      "callerNum",
      "calleeNum",
      "fwdDisplayNum",
      "fwdDstNum",
      "callInTime",
      "fwdStartTime",
      "fwdAlertingTime",
      "fwdAnswerTime",
      "callEndTime",
      "fwdUnaswRsn",
      "ulFailReason",
      "sipStatusCode",
      "callOutUnaswRsn",
      "recordFlag",
      "ttsPlayTimes",
      "ttsTransDuration",
      "mptyId",
      "serviceType",
      "hostName",
      "extendNumber",
      "areaCode",
      "callDuration",
    ]);
    expect(fees[0]?.icid).toEqual(expect.any(String));
    expect(fees[0]?.hostName).toEqual(expect.any(String));
    expect(fees[0]?.mptyId).toEqual(expect.any(String));
  });

  it.each([0, 1, 59, 60, 61, 75])(
    "gives the CDR times that bill a %i s talk: callEndTime − fwdAnswerTime is the talk, in whole seconds",
    async (talkSeconds) => {
      // A start 0.7 s into a second: CDR times are whole seconds, so the difference must still be exact.
      await start({ startTime: new Date("2026-01-27T08:00:00.700Z") });
      await bind(sim, { bindNum: A });
      const { cdr } = await sim.simulateCall({ caller: B, virtualNum: X1, digits: "0001", talkSeconds });
      const instant = (field: string) => Date.parse(`${String(cdr[field]).replace(" ", "T")}Z`);
      expect(instant("callEndTime") - instant("fwdAnswerTime")).toBe(talkSeconds * 1000);
      expect(cdr.callDuration).toBe(talkSeconds);
      expect(cdr.callInTime).toBe("2026-01-27 08:00:00");
    },
  );

  it("adds the recording fields when recordFlag is on, the app records and the talk lasts ≥ 3 s", async () => {
    await start();
    await bind(sim, { bindNum: A, recordFlag: "true" });
    const long = await sim.simulateCall({ caller: B, virtualNum: X1, digits: "0001", talkSeconds: 3 });
    expect(long.cdr).toMatchObject({
      recordFlag: 1,
      recordStartTime: long.cdr.fwdAnswerTime,
      recordDomain: "recordings.axe-simulator.local",
      recordBucketName: "axe-simulator",
      recordObjectName: expect.stringMatching(/\.wav$/),
      recordFileDownloadUrl: expect.stringContaining(`${sim.url}/recordings/`),
    });
    const keys = Object.keys(long.cdr);
    expect(keys.slice(keys.indexOf("recordFlag"), keys.indexOf("ttsPlayTimes"))).toEqual([
      "recordFlag",
      "recordStartTime",
      "recordDomain",
      "recordBucketName",
      "recordObjectName",
      "recordFileDownloadUrl",
    ]);
    const short = await sim.simulateCall({ caller: C, virtualNum: X1, digits: "0001", talkSeconds: 2 });
    expect(short.cdr.recordFlag).toBe(0);
    expect(short.cdr).not.toHaveProperty("recordObjectName");
    const unanswered = await sim.simulateCall({ caller: C, virtualNum: X1, digits: "0001", outcome: "busy" });
    expect(unanswered.cdr.recordFlag).toBe(0);
  });

  it("records nothing when the app has recording disabled", async () => {
    sim = await startSimulator({
      apps: [{ appKey: APP_KEY, appSecret: APP_SECRET, virtualNumbers: [X1], recordingEnabled: false }],
    });
    await bind(sim, { bindNum: A, recordFlag: "true" });
    const c = await sim.simulateCall({ caller: B, virtualNum: X1, digits: "0001", talkSeconds: 30 });
    expect(c.cdr.recordFlag).toBe(0);
    expect(c.cdr).not.toHaveProperty("recordDomain");
  });

  it.each([
    ["no-answer", 8101, 19, 480, 8101, true],
    ["busy", 8102, 17, 486, 8102, false],
    ["rejected", 7503, 21, 603, 7504, true],
  ] as const)(
    "ends a %s forwarded leg with stateCode %i and the CDR's Q.850/SIP/teardown",
    async (outcome, stateCode, q850, sip, ul, rings) => {
      await start();
      await bind(sim, { bindNum: A });
      const c = await sim.simulateCall({ caller: B, virtualNum: X1, digits: "0001", outcome });
      expect(c.stateCode).toBe(stateCode);
      const types = c.notifications.map((n) => n.eventType);
      expect(types).toEqual([
        "callin",
        "collectInfo",
        "callout",
        ...(rings ? ["alerting"] : []),
        "disconnect",
      ]);
      expect(c.cdr).toMatchObject({
        direction: 0,
        fwdUnaswRsn: q850,
        sipStatusCode: sip,
        ulFailReason: ul,
        failTime: c.cdr.callEndTime,
        callDuration: 0,
      });
      expect(c.cdr).not.toHaveProperty("fwdAnswerTime");
      // A missed call still makes B the callback target.
      const back = await sim.simulateCall({ caller: A, virtualNum: X1 });
      expect(back.cdr.fwdDstNum).toBe(B);
      await settle();
    },
  );

  it.each([
    ["no binding for the keyed E", { digits: "0009" }, 8022, ["callin", "collectInfo", "disconnect"]],
    ["an empty extension", { digits: "" }, 8033, ["callin", "collectInfo", "disconnect"]],
    [
      "empty-extension outcome",
      { outcome: "empty-extension" as const },
      8033,
      ["callin", "collectInfo", "disconnect"],
    ],
    [
      "a hang-up before E",
      { outcome: "caller-hangup-before-digits" as const },
      7516,
      ["callin", "disconnect"],
    ],
    ["an unknown X", { virtualNum: "+8617000000999", digits: "0001" }, 8025, ["callin", "disconnect"]],
  ])("fails on %s with stateCode %i", async (_name, input, stateCode, types) => {
    await start();
    await bind(sim, { bindNum: A });
    const c = await sim.simulateCall({ caller: B, virtualNum: X1, ...input });
    expect(c.stateCode).toBe(stateCode);
    expect(c.notifications.map((n) => n.eventType)).toEqual(types);
    const last = c.notifications.at(-1) as Body;
    expect(Object.keys(last.statusInfo).sort()).toEqual(
      ["timestamp", "sessionId", "caller", "called", "stateCode", "stateDesc"].sort(),
    );
    const dialled = (input as { virtualNum?: string }).virtualNum ?? X1;
    expect(last.statusInfo).toMatchObject({ stateCode, caller: B, called: dialled });
    // collectInfo without a matched binding: no parties, no subscriptionId (docs/axe-platform.md §16.1).
    const collect = c.notifications.find((n) => n.eventType === "collectInfo") as Body | undefined;
    expect(collect !== undefined).toBe(types.includes("collectInfo"));
    if (collect) {
      expect(Object.keys(collect.statusInfo).sort()).toEqual(["digitInfo", "sessionId", "timestamp"]);
    }
    expect(c.cdr).toMatchObject({ direction: 2, ulFailReason: stateCode, failTime: c.cdr.callEndTime });
    expect(c.cdr).not.toHaveProperty("subscriptionId");
    expect(c.cdr).not.toHaveProperty("fwdStartTime");
    const { events } = await settle();
    expect(events.map((e) => e.eventType)).toEqual(types);
    // A failed call creates no callback record.
    expect(sim.state().bindings[0]).not.toHaveProperty("callbackRecord");
  });

  it("ends calls to a paused or unavailable X with 8055, and frozen X still connects", async () => {
    await start();
    await bind(sim, { bindNum: A });
    await sim.setNumberStatus({ number: X1, status: "10", cause: "2" });
    expect((await sim.simulateCall({ caller: B, virtualNum: X1, digits: "0001" })).stateCode).toBe(8055);
    await sim.setNumberStatus({ number: X1, status: "11" });
    expect((await sim.simulateCall({ caller: B, virtualNum: X1, digits: "0001" })).stateCode).toBe(0);
  });

  it("blocks calls of a binding with displayNumMode 1 (8024) and fixed-line callers (8023)", async () => {
    await start();
    await bind(sim, { bindNum: A, displayNumMode: "1" });
    const real = await sim.simulateCall({ caller: B, virtualNum: X1, digits: "0001" });
    expect(real.stateCode).toBe(8024);
    expect(real.cdr.subscriptionId).toBeDefined();
    // Shenzhen (0755), Beijing (010: starts with 1 like a mobile, but 10 is an area code) and Shanghai (021).
    for (const caller of ["+8675528000001", "+861062345678", "+862162345678"]) {
      const fixed = await sim.simulateCall({ caller, virtualNum: X1, digits: "0001" });
      expect(fixed.stateCode, caller).toBe(8023);
      expect(fixed.notifications.map((n) => n.eventType)).toEqual(["callin", "disconnect"]);
    }
    // Mobile callers (13x–19x) are not fixed lines.
    for (const caller of ["+8613900000031", "+8619900000031", "+8617100000031"]) {
      expect((await sim.simulateCall({ caller, virtualNum: X1, digits: "0001" })).stateCode).toBe(8024);
    }
  });

  it("refuses a fixed-line A calling X back (8023), before any callback routing", async () => {
    await start();
    await bind(sim, { bindNum: "+861062345678", callbackNum: "+8613700000001" });
    const back = await sim.simulateCall({ caller: "+861062345678", virtualNum: X1 });
    expect(back.stateCode).toBe(8023);
    expect(back.cdr).not.toHaveProperty("fwdDstNum");
  });

  describe("callback (A calls X)", () => {
    it("reaches the latest caller, with callin carrying userData and no subscriptionId", async () => {
      await start();
      const b = await bind(sim, { bindNum: A, userData: "order-7", callbackNum: "+8613700000001" });
      await sim.simulateCall({ caller: B, virtualNum: X1, digits: "0001", talkSeconds: 5 });
      await sim.clock.advance(MINUTE);
      await sim.simulateCall({ caller: C, virtualNum: X1, digits: "0001", talkSeconds: 5 });
      await sim.clock.advance(MINUTE);
      const back = await sim.simulateCall({ caller: A, virtualNum: X1, digits: "9999", talkSeconds: 20 });
      expect(back.scenario).toBe("callback");
      expect(back.notifications.map((n) => n.eventType)).toEqual([
        "callin",
        "callout",
        "alerting",
        "answer",
        "disconnect",
      ]);
      const callin = back.notifications[0] as Body;
      expect(callin.statusInfo).toMatchObject({ caller: A, called: X1, userData: "order-7" });
      expect(callin.statusInfo).not.toHaveProperty("subscriptionId");
      expect((back.notifications[1] as Body).statusInfo).toMatchObject({
        caller: X1,
        called: C,
        subscriptionId: b.subscriptionId,
      });
      expect(back.cdr).toMatchObject({
        direction: 1,
        callerNum: A,
        calleeNum: X1,
        fwdDstNum: C,
        extendNumber: "0001",
        subscriptionId: b.subscriptionId,
        callDuration: 20,
      });
      await settle();
    });

    it("falls back to callbackNum, then to the tone with 8019", async () => {
      await start();
      await bind(sim, { bindNum: A, callbackNum: "+8613700000001" });
      const toNum = await sim.simulateCall({ caller: A, virtualNum: X1 });
      expect(toNum.cdr.fwdDstNum).toBe("+8613700000001");
      expect(toNum.stateCode).toBe(0);

      await bind(sim, { virtualNum: X2, bindNum: A, callbackTone: "cb.wav" });
      const tone = await sim.simulateCall({ caller: A, virtualNum: X2 });
      expect(tone.stateCode).toBe(8019);
      expect(tone.notifications.map((n) => n.eventType)).toEqual(["callin", "disconnect"]);
      expect(tone.cdr).toMatchObject({ direction: 1, ulFailReason: 8019 });
      await settle();
    });

    it("uses the app's console callbackNum when the binding has neither, else 8019", async () => {
      sim = await startSimulator({
        apps: [
          { appKey: APP_KEY, appSecret: APP_SECRET, virtualNumbers: [X1], callbackNum: "+8613700000009" },
          { appKey: "plain", appSecret: "plain-secret", virtualNumbers: [X2] },
        ],
      });
      await bind(sim, { bindNum: A });
      expect((await sim.simulateCall({ caller: A, virtualNum: X1 })).cdr.fwdDstNum).toBe("+8613700000009");
      await bind(sim, { virtualNum: X2, bindNum: A }, { appKey: "plain", appSecret: "plain-secret" });
      expect((await sim.simulateCall({ caller: A, virtualNum: X2 })).stateCode).toBe(8019);
    });

    it("plays the binding's callbackTone (8019) rather than forward to the app's callbackNum", async () => {
      sim = await startSimulator({
        apps: [
          { appKey: APP_KEY, appSecret: APP_SECRET, virtualNumbers: [X1], callbackNum: "+8613700000009" },
        ],
      });
      await bind(sim, { bindNum: A, callbackTone: "cb.wav" });
      const tone = await sim.simulateCall({ caller: A, virtualNum: X1 });
      expect(tone.stateCode).toBe(8019);
      expect(tone.cdr).not.toHaveProperty("fwdDstNum");
      // Once someone reached A, the record wins over the tone.
      await sim.simulateCall({ caller: B, virtualNum: X1, digits: "0001", talkSeconds: 5 });
      expect((await sim.simulateCall({ caller: A, virtualNum: X1 })).cdr.fwdDstNum).toBe(B);
    });

    it('forwards to a callbackNum that modify set, and plays the tone again once modify cleared it with ""', async () => {
      await start();
      const b = await bind(sim, { bindNum: A });
      const id = String(b.subscriptionId);
      await call(sim, { method: "PUT", body: { subscriptionId: id, callbackNum: "+8613700000002" } });
      expect((await sim.simulateCall({ caller: A, virtualNum: X1 })).cdr.fwdDstNum).toBe("+8613700000002");
      const cleared = await call(sim, { method: "PUT", body: { subscriptionId: id, callbackNum: "" } });
      expect(cleared.body.resultcode).toBe("0");
      expect((await sim.simulateCall({ caller: A, virtualNum: X1 })).stateCode).toBe(8019);
    });

    it("keeps working for a call in progress when the binding is removed (evaluated at call start)", async () => {
      await start();
      const b = await bind(sim, { bindNum: A });
      const c = await sim.simulateCall({ caller: B, virtualNum: X1, digits: "0001", talkSeconds: 60 });
      await sim.clock.advance(20_000);
      // Unbind mid-call.
      await call(sim, { method: "DELETE", query: { subscriptionId: String(b.subscriptionId) } });
      const { events } = await settle();
      expect(events.at(-1)?.statusInfo).toMatchObject({ stateCode: 0, subscriptionId: b.subscriptionId });
      expect(c.stateCode).toBe(0);
      // New calls no longer reach A.
      expect((await sim.simulateCall({ caller: B, virtualNum: X1, digits: "0001" })).stateCode).toBe(8022);
    });
  });

  it("gives every call its own sessionId, even thousands starting in the same second", async () => {
    // No server and no push URL: only the planning matters. (Random IDs collided after about 2 000 calls.)
    sim = createSimulator({ timeScale: 0, startTime: START });
    sim.seedBindings({ bindings: [{ virtualNum: X1, bindNum: A }] });
    const ids = new Set<string>();
    for (let i = 0; i < 3000; i++) {
      const c = await sim.simulateCall({
        caller: `+86139${String(i).padStart(8, "0")}`,
        virtualNum: X1,
        digits: "0001",
        talkSeconds: 1,
      });
      expect(c.sessionId).toMatch(/^\d{4}_\d{4}_4294967295_20260127080000@/);
      ids.add(c.sessionId);
    }
    expect(ids.size).toBe(3000);
  });

  it("validates its input", async () => {
    await start();
    await expect(sim.simulateCall({ caller: "138", virtualNum: X1, digits: "1" })).rejects.toMatchObject({
      name: "SimulatorInputError",
      issues: [{ path: "caller", message: expect.stringContaining("6–15 digits") }],
    });
    await expect(sim.simulateCall({ caller: B, virtualNum: X1 })).rejects.toThrow(/digits are required/);
    await expect(sim.simulateCall({ caller: B, virtualNum: X1, digits: "12a" })).rejects.toThrow(/digits/);
    await expect(
      sim.simulateCall({ caller: B, virtualNum: X1, digits: "1", talkSeconds: 90_000 }),
    ).rejects.toThrow(/talkSeconds/);
    await expect(
      sim.simulateCall({ appKey: "nope", caller: B, virtualNum: X1, digits: "1" }),
    ).rejects.toThrow(/unknown appKey/);
    await bind(sim, { bindNum: A });
    await expect(
      sim.simulateCall({ caller: A, virtualNum: X1, outcome: "caller-hangup-before-digits" }),
    ).rejects.toThrow(/caller is A/);
  });
});
