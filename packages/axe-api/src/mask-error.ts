import { maskPhoneNumbersInText } from "@privnum/notification-schemas";

// Some `fetch` implementations put the request URL, query string included, into their messages, and a bind
// or query URL carries phone numbers.

const MAX_CAUSE_DEPTH = 4;

function hasPhoneNumber(error: unknown, depth: number): boolean {
  if (typeof error === "string") return maskPhoneNumbersInText(error) !== error;
  if (!(error instanceof Error) || depth > MAX_CAUSE_DEPTH) return false;
  const texts = [error.message, error.stack ?? ""];
  return (
    texts.some((text) => maskPhoneNumbersInText(text) !== text) || hasPhoneNumber(error.cause, depth + 1)
  );
}

function maskedCopy(error: unknown, depth: number): unknown {
  if (typeof error === "string") return maskPhoneNumbersInText(error);
  if (!(error instanceof Error)) return error;
  const cause =
    depth < MAX_CAUSE_DEPTH && error.cause !== undefined ? maskedCopy(error.cause, depth + 1) : undefined;
  const copy = new Error(maskPhoneNumbersInText(error.message), cause === undefined ? undefined : { cause });
  copy.name = error.name;
  copy.stack = maskPhoneNumbersInText(error.stack ?? "");
  const code = (error as { code?: unknown }).code;
  if (typeof code === "string") Object.assign(copy, { code });
  return copy;
}

/**
 * An error from `fetch` made safe to hand on as a `cause`: the error itself when neither it nor its causes
 * mention a phone number, otherwise a copy of the chain (name, message, stack, `code`) with the numbers masked.
 */
export function maskError(error: unknown): unknown {
  return hasPhoneNumber(error, 0) ? maskedCopy(error, 0) : error;
}
