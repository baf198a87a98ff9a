import { isAmbiguous, isRetryable } from "./classify.js";
import type { AxeApiError } from "./errors.js";
import type { Call } from "./execute.js";
import { BIND_PATH } from "./paths.js";
import type { AttemptFailure, WireRequest } from "./transport.js";
import type { CreateBindingInput, CreatedBinding } from "./types.js";
import { fromBinding, fromCreateResponse, toCreateBody, toCreated } from "./wire.js";

// Answers a repeated bind gets when an earlier attempt did create the binding: the extension is taken, A
// already holds an extension on X, or "the same binding was submitted twice" (docs/axe-platform.md §4.3,
// §16.4).
const CONFLICT_CODES = new Set(["1020167", "1013102", "1012008", "1011002", "1012010"]);

type Lookup =
  | { kind: "found"; created: CreatedBinding }
  | { kind: "absent" }
  | { kind: "fatal"; error: AxeApiError };

/**
 * Look up (virtualNum, extendNum) after an ambiguous bind. It is ours only when it binds the same A: the
 * extension may belong to someone else.
 */
async function lookup(call: Call, input: CreateBindingInput): Promise<Lookup> {
  const request: WireRequest = {
    operation: "createBinding",
    method: "GET",
    path: BIND_PATH,
    query: [
      ["virtualNum", input.virtualNum ?? ""],
      ["extendNum", input.extendNum ?? ""],
    ],
  };
  const result = await call.send(request);
  if (result.ok) {
    const binding = fromBinding(result.json);
    return binding && binding.bindNum === input.bindNum
      ? { kind: "found", created: toCreated(binding) }
      : { kind: "absent" };
  }
  if (result.failure.category === "authentication")
    return { kind: "fatal", error: call.error(result.failure, false) };
  // Not found, or the lookup itself failed: either way a repeated bind is safe, because with the extension
  // named the platform refuses a duplicate (handled through CONFLICT_CODES).
  return { kind: "absent" };
}

function malformedSuccess(): AttemptFailure {
  return {
    category: "platform",
    message: "createBinding: success answer without subscriptionId, virtualNum or extendNum",
    httpStatus: 200,
    resultcode: "0",
    connectFailed: false,
    permanent: false,
  };
}

/**
 * Bind, retrying only what is safe. Flow control and refused connections are repeated (the platform did
 * nothing). A failure that leaves the outcome unknown (timeout, reset, 5xx) is repeated only when the caller
 * named `virtualNum` and `extendNum`: the client first looks the pair up and returns the binding when it
 * exists for the same A; otherwise it binds again. Without an explicit extension the error is thrown with
 * `retryable: false`, since a blind repeat could create a second binding.
 */
export async function executeCreate(call: Call, input: CreateBindingInput): Promise<CreatedBinding> {
  const request: WireRequest = {
    operation: "createBinding",
    method: "POST",
    path: BIND_PATH,
    body: toCreateBody(input),
  };
  const reconcilable = input.virtualNum !== undefined && input.extendNum !== undefined;
  const { maxAttempts } = call.config.retry;
  let outcomeUnknown = false;
  let firstAmbiguous: AttemptFailure | undefined;

  for (let attempt = 1; ; attempt++) {
    const result = await call.send(request);
    let failure: AttemptFailure;
    if (result.ok) {
      const created = fromCreateResponse(result.json);
      if (created) return created;
      failure = malformedSuccess();
    } else {
      failure = result.failure;
    }

    if (outcomeUnknown && failure.resultcode !== undefined && CONFLICT_CODES.has(failure.resultcode)) {
      const found = await lookup(call, input);
      if (found.kind === "found") return found.created;
      if (found.kind === "fatal") throw call.fail(found.error);
      throw call.fail(call.error(failure, false));
    }

    if (!failure.permanent && isRetryable(failure.category, "POST", failure.connectFailed)) {
      const delay = attempt < maxAttempts ? call.delayFor(failure, attempt) : undefined;
      // After an earlier ambiguous attempt the first ambiguity is the more useful error to report.
      if (delay === undefined) throw call.fail(call.error(firstAmbiguous ?? failure, !firstAmbiguous));
      await call.pause(request, failure, delay, "retry", true);
      continue;
    }

    if (failure.permanent || !reconcilable || !isAmbiguous(failure.category, failure.connectFailed)) {
      throw call.fail(call.error(failure, false));
    }

    outcomeUnknown = true;
    firstAmbiguous ??= failure;
    if (call.remaining() <= 1) throw call.fail(call.error(failure, false));
    // Give the platform a moment to finish whatever it was doing before looking.
    await call.pause(request, failure, call.delayFor(failure, attempt) ?? 0, "reconcile", false);
    const found = await lookup(call, input);
    if (found.kind === "found") return found.created;
    if (found.kind === "fatal") throw call.fail(found.error);
    if (attempt >= maxAttempts || call.remaining() <= 1) throw call.fail(call.error(failure, false));
  }
}
