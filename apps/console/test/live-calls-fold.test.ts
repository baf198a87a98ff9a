// Merging the three sources of the Live calls page (the first page of calls, the session-update feed, the event
// feed) into calls: in any order, overlapping, repeated — the newest session wins and every event is kept once.
import { describe, expect, it } from "vitest";
import {
  emptyLiveCalls,
  hasWholeTimeline,
  isInProgress,
  type LiveCallEvent,
  type LiveCallSession,
  type LiveCalls,
  type LiveCallsAction,
  listLiveCalls,
  liveCallsReducer,
} from "../src/calls/live-calls-fold.js";

const T0 = Date.parse("2026-06-01T10:00:00.000Z");
const at = (seconds: number) => new Date(T0 + seconds * 1000).toISOString();

function session(sessionId: string, change: Partial<LiveCallSession> = {}): LiveCallSession {
  return {
    sessionId,
    state: "RINGING",
    outcome: null,
    scenario: "CALLEE",
    caller: "+8613900000042",
    virtualNum: "+8617000000001",
    bindNum: null,
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
  };
}

let cursorSeq = 0;
function event(
  sessionId: string,
  eventType: LiveCallEvent["eventType"],
  second: number,
  change: Partial<LiveCallEvent> = {},
): LiveCallEvent {
  cursorSeq += 1;
  return {
    cursor: `c${String(cursorSeq).padStart(4, "0")}`,
    sessionId,
    eventType,
    caller: "+8613900000042",
    virtualNum: "+8617000000001",
    receivedAt: at(second),
    timestamp: at(second),
    digitInfo: null,
    stateCode: null,
    stateDesc: null,
    hangupReason: null,
    ...change,
  };
}

const run = (actions: LiveCallsAction[], state: LiveCalls = emptyLiveCalls()) =>
  actions.reduce(liveCallsReducer, state);

describe("the live calls fold", () => {
  it("keeps the newest session of a call, whichever source brings it and in whatever order", () => {
    const ringing = session("s1", { state: "RINGING", updatedAt: at(0), eventCount: 1 });
    const answered = session("s1", {
      state: "ANSWERED",
      updatedAt: at(12),
      eventCount: 5,
      answeredAt: at(12),
    });
    const ended = session("s1", { state: "ENDED", outcome: "ANSWERED", updatedAt: at(32), eventCount: 6 });

    // The first page (answered) arrives after the feed brought the end, then a stale update is replayed.
    const state = run([
      { type: "session", session: ended },
      { type: "sessions", sessions: [answered] },
      { type: "session", session: ringing },
    ]);
    expect(state.calls.get("s1")?.session).toEqual(ended);

    const forward = run([
      { type: "session", session: ringing },
      { type: "session", session: answered },
      { type: "session", session: ended },
    ]);
    expect(forward.calls.get("s1")?.session).toEqual(ended);
  });

  it("takes a session stamped at the same instant only when it has seen more events", () => {
    const fewer = session("s1", { updatedAt: at(5), eventCount: 2, state: "DIGITS_COLLECTED" });
    const more = session("s1", { updatedAt: at(5), eventCount: 3, state: "FORWARDING" });
    expect(
      run([
        { type: "session", session: more },
        { type: "session", session: fewer },
      ]).calls.get("s1")?.session,
    ).toEqual(more);
    expect(
      run([
        { type: "session", session: fewer },
        { type: "session", session: more },
      ]).calls.get("s1")?.session,
    ).toEqual(more);
  });

  it("returns the same state for a change that changes nothing, so the page does not render again", () => {
    const s = session("s1", { updatedAt: at(3) });
    const state = run([{ type: "session", session: s }]);
    expect(liveCallsReducer(state, { type: "session", session: { ...s } })).toBe(state);
    const e = event("s1", "CALLIN", 0);
    const withEvent = liveCallsReducer(state, { type: "event", event: e, session: null });
    expect(liveCallsReducer(withEvent, { type: "event", event: { ...e }, session: null })).toBe(withEvent);
  });

  it("keeps each event once (by cursor) and in the order the call produced them", () => {
    const callin = event("s1", "CALLIN", 0);
    const collect = event("s1", "COLLECT_INFO", 4, { digitInfo: "1#" });
    const callout = event("s1", "CALLOUT", 5);
    const alerting = event("s1", "ALERTING", 7);
    // Same second: the phase orders them.
    const answer = event("s1", "ANSWER", 7);
    const state = run([
      { type: "event", event: callin, session: session("s1") },
      { type: "event", event: callout, session: null },
      { type: "event", event: callout, session: null },
      {
        type: "timeline",
        session: session("s1", { updatedAt: at(7), eventCount: 5 }),
        events: [callin, collect, answer, alerting],
      },
    ]);
    const call = state.calls.get("s1")!;
    expect(call.events.map((e) => e.eventType)).toEqual([
      "CALLIN",
      "COLLECT_INFO",
      "CALLOUT",
      "ALERTING",
      "ANSWER",
    ]);
    expect(call.session?.eventCount).toBe(5);
    expect(hasWholeTimeline(call)).toBe(true);
  });

  it("knows a call whose event came without its session, and tells the timeline is not whole", () => {
    const state = run([{ type: "event", event: event("s9", "DISCONNECT", 30), session: undefined }]);
    const call = state.calls.get("s9")!;
    expect(call.session).toBeUndefined();
    expect(isInProgress(call)).toBe(false);
    expect(hasWholeTimeline(call)).toBe(false);
    const later = run([{ type: "event", event: event("s9", "ANSWER", 10), session: undefined }], state);
    expect(later.calls.get("s9")!.events.map((e) => e.eventType)).toEqual(["ANSWER", "DISCONNECT"]);
  });

  it("says a call is in progress until the gateway ends it, whatever outcome it already gives", () => {
    const state = run([
      {
        type: "session",
        session: session("a", { state: "ANSWERED", outcome: "ANSWERED", updatedAt: at(12) }),
      },
      {
        type: "session",
        session: session("b", { state: "ENDED", outcome: "UNANSWERED", updatedAt: at(60) }),
      },
    ]);
    expect(isInProgress(state.calls.get("a")!)).toBe(true);
    expect(isInProgress(state.calls.get("b")!)).toBe(false);
  });

  it("lists calls newest first by their start, the sessionId breaking ties", () => {
    const state = run([
      {
        type: "sessions",
        sessions: [session("old", { startedAt: at(0) }), session("tie-a", { startedAt: at(60) })],
      },
      { type: "session", session: session("new", { startedAt: at(120) }) },
      { type: "session", session: session("tie-b", { startedAt: at(60) }) },
      // No start yet: its first event dates it.
      { type: "event", event: event("evt", "CALLIN", 90), session: undefined },
    ]);
    expect(listLiveCalls(state).map((call) => call.sessionId)).toEqual([
      "new",
      "evt",
      "tie-b",
      "tie-a",
      "old",
    ]);
  });

  it("beyond its limit lets the oldest finished calls go, never one in progress", () => {
    const ended = (id: string, second: number) =>
      session(id, { startedAt: at(second), state: "ENDED", outcome: "ANSWERED", updatedAt: at(second + 30) });
    const state = run(
      [
        { type: "session", session: session("live-oldest", { startedAt: at(0), state: "ANSWERED" }) },
        { type: "session", session: ended("e1", 10) },
        { type: "session", session: ended("e2", 20) },
        { type: "session", session: ended("e3", 30) },
      ],
      emptyLiveCalls(3),
    );
    expect(listLiveCalls(state).map((call) => call.sessionId)).toEqual(["e3", "e2", "live-oldest"]);
  });
});
