/**
 * Personal data never leaves the client unmasked: everything logged or handed to hooks goes through here.
 * Numbers keep enough to be recognised by their owner (`+86138****0021`), never enough to be dialled.
 */

const MASK = "****";

/**
 * Mask one phone number: keep the `+`, up to 5 leading digits (country code and carrier prefix) and the last 4,
 * hiding at least 4 digits in between. Short values keep at most their last 2 digits.
 */
export function maskPhoneNumber(value: string): string {
  const plus = value.startsWith("+") ? "+" : "";
  const digits = plus ? value.slice(1) : value;
  const n = digits.length;
  if (n >= 8) {
    const lead = Math.min(5, n - 8);
    return `${plus}${digits.slice(0, lead)}${MASK}${digits.slice(n - 4)}`;
  }
  if (n >= 6) return `${plus}${MASK}${digits.slice(n - 2)}`;
  return n === 0 ? value : `${plus}${MASK}`;
}

// `+` or its query-string form `%2B` followed by digits, or a bare run of 11 or more digits (a national mobile or
// an E.164 number without its `+`). Over-masking a long ID is the price of never leaking a number.
const PHONE_IN_TEXT = /(\+|%2[Bb])(\d{6,})|(?<!\d)(\d{11,})/g;

/** Mask every phone-number-looking run inside free text (URLs, `resultdesc`, `userData`). */
export function maskPhoneNumbersInText(text: string): string {
  return text.replace(PHONE_IN_TEXT, (_m, prefix: string | undefined, afterPrefix: string, bare: string) => {
    if (bare !== undefined) return maskPhoneNumber(bare);
    const masked = maskPhoneNumber(`+${afterPrefix}`);
    return prefix === "+" ? masked : `${prefix}${masked.slice(1)}`;
  });
}

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
 * Some `fetch` implementations put the request URL, query string included, into their messages.
 */
export function maskError(error: unknown): unknown {
  return hasPhoneNumber(error, 0) ? maskedCopy(error, 0) : error;
}

/** Platform fields that always hold a phone number. */
const PHONE_FIELDS = new Set([
  "bindNum",
  "virtualNum",
  "callbackNum",
  "caller",
  "called",
  "callerNum",
  "calleeNum",
  "fwdDisplayNum",
  "fwdDstNum",
  "number",
]);

const MAX_DEPTH = 8;

/** A deep copy of `value` with phone fields masked and phone numbers inside other strings masked. */
export function maskValue(value: unknown, depth = 0): unknown {
  if (typeof value === "string") return maskPhoneNumbersInText(value);
  if (value === null || typeof value !== "object") return value;
  if (depth >= MAX_DEPTH) return "[…]";
  if (Array.isArray(value)) return value.map((v) => maskValue(v, depth + 1));
  const out: Record<string, unknown> = {};
  for (const [key, v] of Object.entries(value)) {
    out[key] = PHONE_FIELDS.has(key) && typeof v === "string" ? maskPhoneNumber(v) : maskValue(v, depth + 1);
  }
  return out;
}

// Anything that authenticates the request; a digest is replayable within the platform's window.
const SECRET_HEADER = /authorization|aksk|wsse|token|cookie|secret|password/i;

/** Request headers safe to show: credentials replaced by `[redacted]`. */
export function redactHeaders(headers: Record<string, string>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    out[name] = SECRET_HEADER.test(name) ? "[redacted]" : value;
  }
  return out;
}
