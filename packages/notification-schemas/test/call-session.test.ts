import { describe, expect, it } from "vitest";
import {
  type CallEventNotification,
  CallSessionError,
  foldCallSession,
  parseCallEvent,
  parseFeeNotification,
} from "../src/index.js";
import { expectOk, fixtureBody, fixtureText, loadSession } from "./helpers.js";

const X = "+8617000000001";
const A = "+8613800138000";
const B = "+8613900139000";

describe("foldCallSession, callee scenario (someone called X and keyed E)", () => {
  const { events, records } = loadSession("callee");

  it("folds the events and the CDR into a billed call", () => {
    const session = foldCallSession(events, records);
    expect(session).toMatchObject({
      sessionId: "1201_0001_4294967295_20260127080000@callenabler246.huaweicaas.com",
      state: "billed",
      scenario: "callee",
      caller: B,
      virtualNum: X,
      forwardedTo: A,
      digits: "0001",
      extendNum: "0001",
      subscriptionId: "e2b9a0c4f5d64c7e9a1b3c5d7e9f0a12",
      userData: "order-1001",
      startedAt: "2026-01-27T08:00:00Z",
      digitsCollectedAt: "2026-01-27T08:00:04Z",
      forwardedAt: "2026-01-27T08:00:05Z",
      alertingAt: "2026-01-27T08:00:06Z",
      answeredAt: "2026-01-27T08:00:10Z",
      endedAt: "2026-01-27T08:01:15Z",
      talkSeconds: 65,
      billedMinutes: 2,
      hangup: {
        source: "stateCode",
        code: 0,
        known: true,
        category: "normal",
        description: "Normal hang-up after the call was connected",
        zh: "接通后主动挂机",
        stateDesc: "The user releases the call.",
      },
      recording: {
        recordDomain: "record.privnum.test",
        fileName: "1201_0001_20260127080010.wav",
        bucketName: "privnum-recordings",
        startedAt: "2026-01-27T08:00:10Z",
      },
    });
    expect(session.events.map((event) => event.eventType)).toEqual([
      "callin",
      "collectInfo",
      "callout",
      "alerting",
      "answer",
      "disconnect",
    ]);
    expect(session.records).toHaveLength(1);
    expect(session).not.toHaveProperty("forwardFailure");
  });

  it("reports how far the call got as events arrive", () => {
    const states = events.map((_, i) => foldCallSession(events.slice(0, i + 1)).state);
    expect(states).toEqual(["ringing", "digits-collected", "forwarding", "alerting", "answered", "ended"]);
  });

  it("takes the times from the events while the CDR is missing", () => {
    const session = foldCallSession(events);
    expect(session).toMatchObject({ state: "ended", answeredAt: "2026-01-27T08:00:10Z", talkSeconds: 65 });
    expect(session).not.toHaveProperty("billedMinutes");
    expect(session).not.toHaveProperty("recording");
  });

  it("folds a CDR alone (the events were lost)", () => {
    const session = foldCallSession([], records);
    expect(session).toMatchObject({
      state: "billed",
      scenario: "callee",
      caller: B,
      forwardedTo: A,
      talkSeconds: 65,
      hangup: { source: "ulFailReason", code: 0, known: true },
    });
    expect(session).not.toHaveProperty("digits");
  });
});

describe("foldCallSession, callback scenario (A called X back)", () => {
  it("folds A's call through X to the last caller", () => {
    const { events, records } = loadSession("callback");
    const session = foldCallSession(events, records);
    expect(session).toMatchObject({
      state: "billed",
      scenario: "callback",
      caller: A,
      virtualNum: X,
      forwardedTo: B,
      talkSeconds: 120,
      billedMinutes: 2,
    });
    expect(session).not.toHaveProperty("digits");
    expect(session).not.toHaveProperty("recording");
  });

  it("recognises the scenario from the events alone: forwarding without collecting digits", () => {
    const { events } = loadSession("callback");
    expect(foldCallSession(events).scenario).toBe("callback");
    expect(foldCallSession(events.slice(0, 1)).scenario).toBe("unknown");
  });
});

describe("foldCallSession, failed calls", () => {
  it.each([
    ["failure-8022-no-binding", "callee", 8022, "binding", "billed"],
    ["failure-8033-empty-extension", "callee", 8033, "caller", "ended"],
    ["failure-7516-hung-up-before-digits", "callee", 7516, "caller", "ended"],
    ["failure-8019-no-callback-record", "callback", 8019, "binding", "ended"],
    ["failure-8025-unknown-x", "unknown", 8025, "number", "ended"],
  ])("%s: scenario %s, hang-up %i with its description", (folder, scenario, code, category, state) => {
    const { events, records } = loadSession(folder);
    const session = foldCallSession(events, records);
    expect(session).toMatchObject({
      scenario,
      state,
      talkSeconds: 0,
      hangup: { source: "stateCode", code, known: true, category, description: expect.any(String) },
    });
    expect(session).not.toHaveProperty("answeredAt");
    expect(session).not.toHaveProperty("forwardedTo");
  });

  it("keeps an empty extension as empty digits", () => {
    const { events } = loadSession("failure-8033-empty-extension");
    expect(foldCallSession(events).digits).toBe("");
  });

  it("describes a busy callee from the CDR: Q.850 cause and teardown point, nothing billed", () => {
    const fee = expectOk(parseFeeNotification(fixtureText("fee/unanswered-busy.json")));
    const session = foldCallSession([], fee.feeLst);
    expect(session).toMatchObject({
      scenario: "callee",
      talkSeconds: 0,
      billedMinutes: 0,
      forwardFailure: { code: 17, known: true, description: "User busy", zh: "用户忙" },
      hangup: { source: "ulFailReason", code: 8102, known: false },
    });
  });

  it("reports a hang-up code missing from the table as unknown, keeping the platform's text", () => {
    const body = fixtureBody("callee/06-disconnect.json");
    Object.assign(body.statusInfo as object, { stateCode: 9999, stateDesc: "Something new." });
    const session = foldCallSession([expectOk(parseCallEvent(body))]);
    expect(session.hangup).toEqual({
      source: "stateCode",
      code: 9999,
      known: false,
      stateDesc: "Something new.",
    });
  });
});

describe("foldCallSession, duplicates and order", () => {
  const { events, records } = loadSession("callee");

  it("gives the same session for duplicated, reversed input", () => {
    const again = loadSession("callee");
    const messy = [...events, ...again.events].reverse();
    expect(foldCallSession(messy, [...again.records, ...records])).toEqual(foldCallSession(events, records));
  });

  it("picks the same copy of a re-pushed event that differs in a detail, whatever the order", () => {
    const body = fixtureBody("callee/06-disconnect.json");
    Object.assign(body.statusInfo as object, { stateDesc: "Released." });
    const variant = expectOk(parseCallEvent(body));
    const first = foldCallSession([...events, variant]);
    const second = foldCallSession([variant, ...events]);
    expect(first).toEqual(second);
    expect(first.events.filter((event) => event.eventType === "disconnect")).toHaveLength(1);
  });

  it("orders events of the same second by their place in a call", () => {
    const sameSecond = events.map((event) => {
      const body = structuredClone(event.raw) as { statusInfo: { timestamp: string } };
      body.statusInfo.timestamp = "2026-01-27 08:00:00";
      return expectOk(parseCallEvent(body));
    });
    const folded = foldCallSession([...sameSecond].reverse());
    expect(folded.events.map((event: CallEventNotification) => event.eventType)).toEqual([
      "callin",
      "collectInfo",
      "callout",
      "alerting",
      "answer",
      "disconnect",
    ]);
  });
});

describe("foldCallSession, misuse", () => {
  it("throws CallSessionError('empty') when there is nothing to fold", () => {
    expect(() => foldCallSession([])).toThrow(CallSessionError);
    try {
      foldCallSession([], []);
    } catch (error) {
      expect(error).toMatchObject({ name: "CallSessionError", code: "empty" });
    }
  });

  it("throws CallSessionError('mixed-sessions') for events of two sessions", () => {
    const callee = loadSession("callee");
    const callback = loadSession("callback");
    expect(() => foldCallSession([...callee.events, ...callback.events])).toThrow(
      expect.objectContaining({
        name: "CallSessionError",
        code: "mixed-sessions",
        message: expect.stringMatching(/2 sessionIds/),
      }),
    );
    expect(() => foldCallSession(callee.events, callback.records)).toThrow(CallSessionError);
  });
});
