// How a call reads on the Live calls page: its step in words, its hang-up reason, its talk time counting up.
import { describe, expect, it } from "vitest";
import {
  callStatusWords,
  eventStateInWords,
  hangupInWords,
  outcomeBadge,
  talkSecondsOf,
} from "../src/calls/call-state-words.js";
import type { LiveCall, LiveCallEvent, LiveCallSession } from "../src/calls/live-calls-fold.js";

const T0 = Date.parse("2026-06-01T10:00:00.000Z");
const at = (seconds: number) => new Date(T0 + seconds * 1000).toISOString();

function call(change: Partial<LiveCallSession>, events: LiveCallEvent[] = []): LiveCall {
  return {
    sessionId: "s1",
    events,
    session: {
      sessionId: "s1",
      state: "RINGING",
      outcome: null,
      scenario: "CALLEE",
      caller: "+8613900000042",
      virtualNum: "+8617000000001",
      bindNum: "+8613800000021",
      forwardedTo: null,
      digits: null,
      extendNum: null,
      startedAt: at(0),
      answeredAt: null,
      endedAt: null,
      talkSeconds: null,
      updatedAt: at(0),
      eventCount: 1,
      hangup: null,
      ...change,
    },
  };
}

const NORMAL = {
  code: 0,
  description: "Normal hang-up after the call was connected",
  zh: "接通后主动挂机",
  category: "normal",
  source: "stateCode",
  stateDesc: null,
};

describe("a call in words", () => {
  it("names each step the way an AXE user knows it", () => {
    const now = T0 + 20_000;
    expect(callStatusWords(call({ state: "RINGING" }), now)).toMatchObject({
      step: 0,
      label: "Incoming",
      detail: "Calling +8617000000001",
      inProgress: true,
    });
    expect(callStatusWords(call({ state: "DIGITS_COLLECTED", digits: "12#" }), now).detail).toBe(
      "Extension 12# keyed",
    );
    expect(callStatusWords(call({ state: "FORWARDING", forwardedTo: "+8613800000021" }), now)).toMatchObject({
      label: "Forwarding",
      detail: "Forwarding to +8613800000021",
    });
    expect(callStatusWords(call({ state: "ALERTING", forwardedTo: "+8613800000021" }), now)).toMatchObject({
      label: "Ringing",
      detail: "Ringing +8613800000021",
    });
    expect(
      callStatusWords(call({ state: "ANSWERED", outcome: "ANSWERED", answeredAt: at(12) }), now),
    ).toMatchObject({
      label: "Answered",
      detail: "Answered · talking 0:08",
      inProgress: true,
    });
    expect(
      callStatusWords(
        call({ state: "BILLED", outcome: "ANSWERED", answeredAt: at(12), talkSeconds: 20, hangup: NORMAL }),
        now,
      ),
    ).toMatchObject({
      step: 5,
      label: "Ended",
      detail: "Normal hang-up after the call was connected (code 0) · talked 0:20",
      inProgress: false,
    });
  });

  it("says so when a call ended without a hang-up reason yet", () => {
    expect(callStatusWords(call({ state: "ENDED", outcome: "FAILED" }), T0)).toMatchObject({
      label: "Ended",
      detail: "Hang-up reason not reported yet",
      inProgress: false,
    });
  });

  it("describes a hang-up code the table lacks by the platform's own text, else says it is not in the table", () => {
    expect(hangupInWords({ ...NORMAL, code: 9999, description: null, stateDesc: "odd" })).toBe(
      "odd (code 9999)",
    );
    expect(hangupInWords({ ...NORMAL, code: 9999, description: null })).toBe(
      "Reason not in the published table (code 9999)",
    );
    expect(hangupInWords({ ...NORMAL, code: 8022, source: "ulFailReason", description: "No binding" })).toBe(
      "No binding (fail reason 8022)",
    );
    expect(hangupInWords(null)).toBe("");
  });

  it("counts the talk time up from the answer, never below zero, and takes the call's own once ended", () => {
    // The gateway says ANSWERED as soon as the call is answered: the talk time still counts up.
    const answered = call({ state: "ANSWERED", outcome: "ANSWERED", answeredAt: at(12) });
    expect(talkSecondsOf(answered, T0 + 75_400)).toBe(63);
    // The browser's clock a little behind the platform's.
    expect(talkSecondsOf(answered, T0 + 10_000)).toBe(0);
    expect(
      talkSecondsOf(call({ state: "ENDED", outcome: "ANSWERED", answeredAt: at(12), talkSeconds: 20 }), T0),
    ).toBe(20);
    expect(talkSecondsOf(call({ state: "ALERTING" }), T0 + 60_000)).toBeNull();
  });

  it("gives a call in progress its own badge (even answered), then its outcome once ended", () => {
    expect(outcomeBadge("ANSWERED", true)).toEqual({ text: "In progress", tone: "live" });
    expect(outcomeBadge(null, true)).toEqual({ text: "In progress", tone: "live" });
    expect(outcomeBadge("ANSWERED", false)).toEqual({ text: "Answered", tone: "ok" });
    expect(outcomeBadge("UNANSWERED", false)).toEqual({ text: "Unanswered", tone: "warn" });
    expect(outcomeBadge("FAILED", false)).toEqual({ text: "Failed", tone: "bad" });
    expect(outcomeBadge(null, false)).toEqual({ text: "Outcome unknown", tone: "" });
  });

  it("shows an event's state code with what it means", () => {
    const base: LiveCallEvent = {
      cursor: "c1",
      sessionId: "s1",
      eventType: "DISCONNECT",
      caller: null,
      virtualNum: null,
      receivedAt: at(30),
      timestamp: at(30),
      digitInfo: null,
      stateCode: 0,
      stateDesc: "the platform's words",
      hangupReason: {
        code: "0",
        description: "Normal hang-up after the call was connected",
        zh: null,
        category: null,
      },
    };
    expect(eventStateInWords(base)).toBe("0 — Normal hang-up after the call was connected");
    expect(eventStateInWords({ ...base, hangupReason: null })).toBe("0 — the platform's words");
    expect(eventStateInWords({ ...base, hangupReason: null, stateDesc: null })).toBe("0");
    expect(eventStateInWords({ ...base, stateCode: null })).toBe("");
  });
});
