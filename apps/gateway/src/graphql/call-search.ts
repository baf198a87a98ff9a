import { GraphQLError } from "graphql";
import type { CallOutcome } from "../calls/call-outcome.js";
import { builder } from "./builder.js";

/** The `CallOutcome` enum shared by CDRs, calls and their filters. */
export const CallOutcomeEnum = builder.enumType("CallOutcome", {
  description:
    "How a finished call went. ANSWERED: the forwarded leg was answered. UNANSWERED: the call reached the " +
    "far side but nobody answered (busy, no answer, rejected, the caller gave up while it rang). FAILED: the " +
    "call could not be put through (no or expired binding, wrong extension, X unusable, platform or network " +
    "failure, direction 2). A call in progress has none.",
  values: {
    ANSWERED: { value: "answered" },
    UNANSWERED: { value: "unanswered" },
    FAILED: { value: "failed" },
  } as const satisfies Record<string, { value: CallOutcome }>,
});

/** The description of every `callStartFrom` filter field. */
export const CALL_START_FROM = "Calls that started at or after this instant (half-open range [from, to)).";
/** The description of every `callStartTo` filter field. */
export const CALL_START_TO = "Calls that started before this instant (half-open range [from, to)).";

/**
 * Refuses an empty or reversed call-start range: `[from, to)` with from ≥ to matches nothing, which is
 * almost always a mistake (swapped arguments, a `to` meant to be inclusive) better reported than answered
 * with an empty list.
 */
export function refuseEmptyCallStartRange(
  filter: { callStartFrom?: Date | null; callStartTo?: Date | null } | null | undefined,
): void {
  const from = filter?.callStartFrom;
  const to = filter?.callStartTo;
  if (from && to && from.getTime() >= to.getTime()) {
    throw new GraphQLError(
      `callStartFrom (${from.toISOString()}) must be before callStartTo (${to.toISOString()}): the range is [from, to).`,
      { extensions: { code: "BAD_USER_INPUT" } },
    );
  }
}
