// The outcome of a binding mutation as the forms use it: the binding, or the explanation of why not (a typed
// failure result, or the request itself failing).
import type { CombinedError } from "@urql/core";
import { combinedErrorMessage } from "../ui/combined-error-message.js";
import {
  type BindingCommandFailure,
  type Explanation,
  explainBindingFailure,
} from "./binding-error-explanation.js";

/** What a form shows after sending. */
export type CommandOutcome<T> = { ok: true; value: T } | { ok: false; explanation: Explanation };

/**
 * Fold a mutation's answer: `success` picks the payload out of the result (undefined when the result is a
 * failure type); a request error (no data) becomes a plain explanation with the gateway's message.
 */
export function commandOutcome<R extends { __typename: string }, T>(
  answer: { data?: R | undefined; error?: CombinedError | undefined },
  success: (result: R) => T | undefined,
): CommandOutcome<T> {
  if (!answer.data) {
    const message = answer.error ? combinedErrorMessage(answer.error) : "The gateway sent no answer.";
    return { ok: false, explanation: { headline: message, details: [], fields: {} } };
  }
  const value = success(answer.data);
  if (value !== undefined) return { ok: true, value };
  return { ok: false, explanation: explainBindingFailure(answer.data as unknown as BindingCommandFailure) };
}
