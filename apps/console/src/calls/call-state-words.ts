// How a call reads on the Live calls page: where it is (in words a user of AXE mode knows: caller → X, extension
// keyed, forwarding to A, ringing, answered, ended), why it ended, and what each event of its timeline means.
import { formatDuration } from "../ui/format.js";
import {
  type CallEventType,
  type CallHangup,
  type CallOutcome,
  EVENT_PHASE,
  isInProgress,
  type LiveCall,
  type LiveCallEvent,
} from "./live-calls-fold.js";

/** The steps of a call, in order, as the progress line shows them. */
export const CALL_STEPS = [
  "Incoming",
  "Extension keyed",
  "Forwarding",
  "Ringing",
  "Answered",
  "Ended",
] as const;

/** One of {@link CALL_STEPS}. */
export type CallStep = (typeof CALL_STEPS)[number];

/** Where a call is, in words. */
export interface CallStatusWords {
  /** The step reached (an index into {@link CALL_STEPS}). */
  step: number;
  /** The step's name, e.g. "Ringing". */
  label: CallStep;
  /** What the step means for this call, e.g. "Ringing +8613800000021"; for an ended call, why it ended. */
  detail: string;
  /** Whether the call is still going on. */
  inProgress: boolean;
}

// The gateway's RINGING is the call reaching X (callin); ALERTING is the forwarded leg ringing at its destination.
const STEP_OF_STATE: Readonly<Record<string, number>> = {
  RINGING: 0,
  DIGITS_COLLECTED: 1,
  FORWARDING: 2,
  ALERTING: 3,
  ANSWERED: 4,
  ENDED: 5,
  BILLED: 5,
};

/** What each event type means, in words. */
export const EVENT_MEANING: Readonly<Record<CallEventType, string>> = {
  CALLIN: "The call reached X",
  COLLECT_INFO: "The caller keyed the extension",
  CALLOUT: "X dials the destination",
  ALERTING: "The destination rings",
  ANSWER: "The destination answered",
  DISCONNECT: "The call ended",
};

const OUTCOME_WORDS: Readonly<Record<CallOutcome, string>> = {
  ANSWERED: "Answered",
  UNANSWERED: "Unanswered",
  FAILED: "Failed",
};

/** The badge of a call: "In progress" until it ends, then its outcome (ANSWERED, UNANSWERED, FAILED). */
export function outcomeBadge(
  outcome: CallOutcome | null,
  inProgress: boolean,
): { text: string; tone: "ok" | "warn" | "bad" | "live" | "" } {
  if (inProgress) return { text: "In progress", tone: "live" };
  if (outcome === null) return { text: "Outcome unknown", tone: "" };
  const tone = outcome === "ANSWERED" ? "ok" : outcome === "UNANSWERED" ? "warn" : "bad";
  return { text: OUTCOME_WORDS[outcome], tone };
}

/** Why a call ended, in words: the code's description, else the platform's own text, with the code. */
export function hangupInWords(hangup: CallHangup | null | undefined): string {
  if (!hangup) return "";
  const words = hangup.description ?? hangup.stateDesc ?? "Reason not in the published table";
  return `${words} (${hangup.source === "ulFailReason" ? "fail reason" : "code"} ${hangup.code})`;
}

/** An event's state code and what it means, e.g. "0 — Normal hang-up after the call was connected"; "" for none. */
export function eventStateInWords(event: LiveCallEvent): string {
  if (event.stateCode === null) return "";
  const words = event.hangupReason?.description ?? event.stateDesc;
  return words ? `${event.stateCode} — ${words}` : String(event.stateCode);
}

/** The talk time of an answered call: its own once ended, else counted from the answer to `nowMs`. */
export function talkSecondsOf(call: LiveCall, nowMs: number): number | null {
  const session = call.session;
  if (!session?.answeredAt) return null;
  if (session.talkSeconds !== null) return session.talkSeconds;
  if (!isInProgress(call)) return null;
  // The platform's clock and the browser's may differ by a little: never count below zero.
  return Math.max(0, Math.floor((nowMs - Date.parse(session.answeredAt)) / 1000));
}

function stepOf(call: LiveCall): number {
  if (call.session) return STEP_OF_STATE[call.session.state] ?? 0;
  return call.events.reduce((step, event) => Math.max(step, EVENT_PHASE[event.eventType]), 0);
}

/** Where the call is, in words, at `nowMs` (for the talk time counting up). */
export function callStatusWords(call: LiveCall, nowMs: number): CallStatusWords {
  const session = call.session;
  const step = stepOf(call);
  const inProgress = isInProgress(call);
  const x = session?.virtualNum ?? call.events[0]?.virtualNum ?? "X";
  const a = session?.forwardedTo ?? session?.bindNum ?? "A";
  const keyed = session?.digits ?? session?.extendNum;
  const details: readonly string[] = [
    `Calling ${x}`,
    keyed ? `Extension ${keyed} keyed` : "Extension keyed",
    `Forwarding to ${a}`,
    `Ringing ${a}`,
    `Answered · talking ${formatDuration(talkSecondsOf(call, nowMs))}`,
    session?.hangup ? hangupInWords(session.hangup) : "Hang-up reason not reported yet",
  ];
  const label = CALL_STEPS[step] ?? CALL_STEPS[0];
  let detail = details[step] ?? "";
  // An answered call that ended says how long the parties talked.
  if (step === 5 && session?.answeredAt) detail = `${detail} · talked ${formatDuration(session.talkSeconds)}`;
  return { step, label, detail, inProgress };
}
