// The Live calls page's state: every call it knows, by sessionId, each with the gateway's folded session and the
// events seen for it. Three sources feed it in any order — the initial page of calls, the session-update feed and
// the event feed (each event carries its call) — and they may overlap: a session is replaced only by a newer one
// (`updatedAt`), an event is added once (by its stream cursor). Pure, so the merging is tested without a browser.

/** How far a call got, as the gateway names it (`CallSessionState`). */
export type CallState =
  | "RINGING"
  | "DIGITS_COLLECTED"
  | "FORWARDING"
  | "ALERTING"
  | "ANSWERED"
  | "ENDED"
  | "BILLED";

/** How a finished call went (`CallOutcome`). */
export type CallOutcome = "ANSWERED" | "UNANSWERED" | "FAILED";

/** The platform's call event types (`CallEventType`). */
export type CallEventType = "CALLIN" | "COLLECT_INFO" | "CALLOUT" | "ALERTING" | "ANSWER" | "DISCONNECT";

/** Why a call ended (`HangupReason`). */
export interface CallHangup {
  code: number;
  description: string | null;
  zh: string | null;
  category: string | null;
  source: string;
  stateDesc: string | null;
}

/** A call as the gateway folded it (the `LiveCallFields` fragment). */
export interface LiveCallSession {
  sessionId: string;
  state: CallState;
  outcome: CallOutcome | null;
  scenario: string;
  caller: string | null;
  virtualNum: string | null;
  bindNum: string | null;
  forwardedTo: string | null;
  digits: string | null;
  extendNum: string | null;
  startedAt: string | null;
  answeredAt: string | null;
  endedAt: string | null;
  talkSeconds: number | null;
  updatedAt: string;
  eventCount: number;
  hangup: CallHangup | null;
}

/** One event of a call (the `LiveCallEventFields` fragment). */
export interface LiveCallEvent {
  cursor: string;
  sessionId: string;
  eventType: CallEventType;
  caller: string | null;
  virtualNum: string | null;
  receivedAt: string;
  timestamp: string | null;
  digitInfo: string | null;
  stateCode: number | null;
  stateDesc: string | null;
  hangupReason: {
    code: string;
    description: string | null;
    zh: string | null;
    category: string | null;
  } | null;
}

/** One call the page knows. */
export interface LiveCall {
  sessionId: string;
  /** The gateway's folded call; undefined while only an event without its call arrived. */
  session: LiveCallSession | undefined;
  /** The events seen, in the order they happened. */
  events: readonly LiveCallEvent[];
}

/** Every call the page knows, and how many it keeps. */
export interface LiveCalls {
  readonly calls: ReadonlyMap<string, LiveCall>;
  /** The most calls kept: beyond it the oldest finished calls go (a console left open all day stays light). */
  readonly limit: number;
}

/** What changes the state. */
export type LiveCallsAction =
  | { type: "sessions"; sessions: readonly LiveCallSession[] }
  | { type: "session"; session: LiveCallSession }
  | { type: "event"; event: LiveCallEvent; session: LiveCallSession | null | undefined }
  | { type: "timeline"; session: LiveCallSession | null | undefined; events: readonly LiveCallEvent[] };

/** The calls kept when no limit is given. */
export const DEFAULT_LIVE_CALLS_LIMIT = 200;

/** Where each event type comes in a call's life (CALLIN first, DISCONNECT last): its step, and the order of
 * events stamped within the same second. */
export const EVENT_PHASE: Readonly<Record<CallEventType, number>> = {
  CALLIN: 0,
  COLLECT_INFO: 1,
  CALLOUT: 2,
  ALERTING: 3,
  ANSWER: 4,
  DISCONNECT: 5,
};

/** No calls yet; at most `limit` kept. */
export function emptyLiveCalls(limit: number = DEFAULT_LIVE_CALLS_LIMIT): LiveCalls {
  return { calls: new Map(), limit };
}

function instant(iso: string | null | undefined): number {
  if (!iso) return Number.NaN;
  return Date.parse(iso);
}

/** Whether `incoming` should replace `current`: it is newer, or as new and has seen more events. */
export function isNewerSession(incoming: LiveCallSession, current: LiveCallSession | undefined): boolean {
  if (!current) return true;
  const a = instant(incoming.updatedAt);
  const b = instant(current.updatedAt);
  if (a !== b) return !(a < b);
  return incoming.eventCount > current.eventCount;
}

function compareEvents(a: LiveCallEvent, b: LiveCallEvent): number {
  const ta = instant(a.timestamp ?? a.receivedAt);
  const tb = instant(b.timestamp ?? b.receivedAt);
  if (ta !== tb && !Number.isNaN(ta) && !Number.isNaN(tb)) return ta - tb;
  return EVENT_PHASE[a.eventType] - EVENT_PHASE[b.eventType];
}

/** `events` with those of `added` it lacks (by cursor), in the order they happened. Same array when none is new. */
export function mergeEvents(
  events: readonly LiveCallEvent[],
  added: readonly LiveCallEvent[],
): readonly LiveCallEvent[] {
  const known = new Set(events.map((event) => event.cursor));
  const fresh = added.filter((event) => {
    if (known.has(event.cursor)) return false;
    known.add(event.cursor);
    return true;
  });
  if (fresh.length === 0) return events;
  // Stable: events of the same second and phase keep the order they were stored in.
  return [...events, ...fresh].sort(compareEvents);
}

function withCall(state: LiveCalls, call: LiveCall): LiveCalls {
  const calls = new Map(state.calls);
  calls.set(call.sessionId, call);
  return prune({ ...state, calls });
}

function mergeSession(state: LiveCalls, session: LiveCallSession | null | undefined): LiveCalls {
  if (!session) return state;
  const current = state.calls.get(session.sessionId);
  if (current && !isNewerSession(session, current.session)) return state;
  return withCall(state, { sessionId: session.sessionId, events: current?.events ?? [], session });
}

function addEvents(state: LiveCalls, sessionId: string, events: readonly LiveCallEvent[]): LiveCalls {
  const current = state.calls.get(sessionId);
  const merged = mergeEvents(current?.events ?? [], events);
  if (current && merged === current.events) return state;
  return withCall(state, { sessionId, session: current?.session, events: merged });
}

/** The state after `action`. Returns the same object when nothing changed (React then skips the render). */
export function liveCallsReducer(state: LiveCalls, action: LiveCallsAction): LiveCalls {
  switch (action.type) {
    case "sessions":
      return action.sessions.reduce(mergeSession, state);
    case "session":
      return mergeSession(state, action.session);
    case "event":
      return mergeSession(addEvents(state, action.event.sessionId, [action.event]), action.session);
    case "timeline": {
      if (!action.session) return state;
      return addEvents(mergeSession(state, action.session), action.session.sessionId, action.events);
    }
  }
}

/** When a call started, for ordering: its start, else its first event, else its last change (epoch ms). */
export function startOf(call: LiveCall): number {
  const candidates = [call.session?.startedAt, call.events[0]?.timestamp, call.events[0]?.receivedAt];
  for (const iso of candidates) {
    const ms = instant(iso);
    if (!Number.isNaN(ms)) return ms;
  }
  const updated = instant(call.session?.updatedAt);
  return Number.isNaN(updated) ? 0 : updated;
}

/**
 * Whether the call is still going on: until its DISCONNECT (ENDED) or its CDR (BILLED). Not its outcome: the
 * gateway already says ANSWERED while the parties talk.
 */
export function isInProgress(call: LiveCall): boolean {
  const session = call.session;
  if (!session) return !call.events.some((event) => event.eventType === "DISCONNECT");
  return session.state !== "ENDED" && session.state !== "BILLED";
}

/** The calls, newest first (ties: the greater sessionId first, so the order never flickers). */
export function listLiveCalls(state: LiveCalls): LiveCall[] {
  return [...state.calls.values()].sort((a, b) => {
    const diff = startOf(b) - startOf(a);
    if (diff !== 0) return diff;
    return a.sessionId < b.sessionId ? 1 : a.sessionId > b.sessionId ? -1 : 0;
  });
}

/** Whether the page holds every event the gateway stored for the call (else its timeline is asked for). */
export function hasWholeTimeline(call: LiveCall): boolean {
  return call.session !== undefined && call.events.length >= call.session.eventCount;
}

// Beyond the limit, the oldest finished calls go; calls in progress always stay.
function prune(state: LiveCalls): LiveCalls {
  if (state.calls.size <= state.limit) return state;
  const finished = listLiveCalls(state).filter((call) => !isInProgress(call));
  const calls = new Map(state.calls);
  for (const call of finished.reverse()) {
    if (calls.size <= state.limit) break;
    calls.delete(call.sessionId);
  }
  return { ...state, calls };
}
