import {
  describeStateCode,
  describeUlFailReason,
  type HangupReason,
  type StateCodeCategory,
} from "@privnum/notification-schemas";

/** Where a hang-up code comes from, as `CallSession.hangup.source` says. */
export type HangupSource = HangupReason["source"];

/** A hang-up code described, without the per-call `stateDesc`. */
export interface HangupCodeDescription {
  source: HangupSource;
  code: number;
  known: boolean;
  description?: string;
  zh?: string;
  category?: StateCodeCategory;
}

/**
 * Describes a hang-up code from its own table, as `foldCallSession` describes `CallSession.hangup`: a
 * disconnect's `stateCode` from the stateCode table (with its category), a CDR's `ulFailReason` from the
 * ulFailReason table. The two tables share most numbers but word many of them differently (7503 is "Callee
 * rejected the call" as a stateCode, "Callee hung up" as an ulFailReason), so the source must be known.
 */
export function describeHangupCode(source: HangupSource, code: number): HangupCodeDescription {
  if (source === "stateCode") {
    const found = describeStateCode(code);
    return found.known
      ? { source, code, known: true, description: found.description, zh: found.zh, category: found.category }
      : { source, code, known: false };
  }
  const found = describeUlFailReason(code);
  return found.known
    ? { source, code, known: true, description: found.description, zh: found.zh }
    : { source, code, known: false };
}
