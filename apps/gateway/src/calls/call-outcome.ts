import type { FeeRecord } from "@privnum/notification-schemas";
import type { StoredCallSession } from "./session-fold.js";

/** How a finished call went, as `outcome` columns store it and the `CallOutcome` enum shows it. */
export type CallOutcome = "answered" | "unanswered" | "failed";

/** Every {@link CallOutcome}, for validation. */
export const CALL_OUTCOMES: readonly CallOutcome[] = ["answered", "unanswered", "failed"];

/**
 * Q.850 causes of the forwarded leg (`fwdUnaswRsn`) that mean the far side was reached and did not answer:
 * 17 user busy, 18 no user responding, 19 no answer (alerted), 21 call rejected.
 */
export const UNANSWERED_Q850_CAUSES: ReadonlySet<number> = new Set([17, 18, 19, 21]);

/**
 * Hang-up codes (`disconnect.stateCode`, else the CDR's `ulFailReason`; both tables agree on these numbers)
 * that mean the forwarded leg was under way and nobody answered: the caller gave up (7501 before, 7502
 * after the callee rang), the callee hung up or rejected (7503, 7504), ringing timed out (8003, 8035, 8101),
 * the user hung up while ringing (8004), the callee was busy (8102).
 */
export const UNANSWERED_HANGUP_CODES: ReadonlySet<number> = new Set([
  7501, 7502, 7503, 7504, 8003, 8004, 8035, 8101, 8102,
]);

/** What the outcome rule looks at; CDRs and folded sessions each provide it from their own fields. */
export interface OutcomeEvidence {
  /** The forwarded leg was answered (`fwdAnswerTime`, or an `answer` event). */
  answered: boolean;
  /** The call is over (a CDR, or a folded state of `ended` / `billed`). */
  ended: boolean;
  /** The CDR's `direction`: 2 means no binding matched, so the call was never forwarded. */
  direction: number | null;
  /** The forwarded leg rang (`fwdAlertingTime`, or an `alerting` event). */
  alerted: boolean;
  /** The hang-up code (stateCode or ulFailReason). */
  hangupCode: number | null;
  /** The forwarded leg's Q.850 cause (`fwdUnaswRsn`), when non-zero. */
  q850: number | null;
}

/**
 * The outcome rule, in order (the first that applies wins):
 * 1. ANSWERED: the forwarded leg was answered.
 * 2. null: the call is still in progress (no outcome yet; outcome filters never match it).
 * 3. FAILED: direction 2 (no binding matched: unknown or unusable X, wrong or empty extension, expired
 *    binding, caller hung up before keying E): the call was never put through.
 * 4. UNANSWERED: the forwarded leg rang (alerting) but was not answered: no answer, rejected, or the caller
 *    gave up while it rang.
 * 5. UNANSWERED: the Q.850 cause is busy / no user responding / no answer / rejected
 *    ({@link UNANSWERED_Q850_CAUSES}), or the hang-up code is one of {@link UNANSWERED_HANGUP_CODES}.
 * 6. FAILED: anything else: binding, number, tenant, control, platform and network reasons (the stateCode
 *    table's categories other than caller/callee), callee unreachable (does not exist, powered off, suspended).
 */
export function classifyOutcome(evidence: OutcomeEvidence): CallOutcome | null {
  if (evidence.answered) return "answered";
  if (!evidence.ended) return null;
  if (evidence.direction === 2) return "failed";
  if (evidence.alerted) return "unanswered";
  if (evidence.q850 !== null && UNANSWERED_Q850_CAUSES.has(evidence.q850)) return "unanswered";
  if (evidence.hangupCode !== null && UNANSWERED_HANGUP_CODES.has(evidence.hangupCode)) return "unanswered";
  return "failed";
}

const nonZero = (code: number | undefined) => (code === undefined || code === 0 ? null : code);

/** The outcome of one CDR, from its own fields (a CDR is written once the call is over). */
export function callRecordOutcome(record: FeeRecord): CallOutcome {
  return classifyOutcome({
    answered: record.fwdAnswerTimeIso !== undefined,
    ended: true,
    direction: record.direction,
    alerted: record.fwdAlertingTimeIso !== undefined,
    hangupCode: record.ulFailReason ?? null,
    q850: nonZero(record.fwdUnaswRsn),
  }) as CallOutcome;
}

/**
 * The outcome of a folded call: null while it is in progress. `direction` is that of the call's first CDR,
 * when one arrived.
 */
export function callSessionOutcome(session: StoredCallSession, direction: number | null): CallOutcome | null {
  return classifyOutcome({
    answered: session.answeredAt !== undefined,
    ended: session.state === "ended" || session.state === "billed",
    direction,
    alerted: session.alertingAt !== undefined,
    hangupCode: session.hangup?.code ?? null,
    q850: session.forwardFailure?.code ?? null,
  });
}

/** The hang-up code a folded call reports (`hangup.code`: the disconnect's stateCode, else ulFailReason). */
export function callSessionHangupCode(session: StoredCallSession): number | null {
  return session.hangup?.code ?? null;
}
