/** E.164 with the leading `+`: a country code that does not start with 0, at most 15 digits in all. */
export const E164_PATTERN = /^\+[1-9]\d{1,14}$/;

/** The same, with `*` allowed in place of digits, as in Huawei's documentation (`+86138****0021`). */
export const MASKED_E164_PATTERN = /^\+[1-9][\d*]{1,14}$/;

/**
 * Whether `value` is an E.164 number with a leading `+` ({@link E164_PATTERN}); `lenient` also accepts
 * masked digits ({@link MASKED_E164_PATTERN}). A character loop rather than the regex: it runs for every
 * number of every CDR.
 */
export function isE164(value: string, lenient = false): boolean {
  const length = value.length;
  if (length < 3 || length > 16 || value.charCodeAt(0) !== 43 /* + */) return false;
  const first = value.charCodeAt(1);
  if (first < 49 || first > 57) return false;
  for (let i = 2; i < length; i++) {
    const c = value.charCodeAt(i);
    if ((c < 48 || c > 57) && !((lenient && c === 42) /* * */)) return false;
  }
  return true;
}

/**
 * Masks the middle of a phone number for logs, keeping the country code and operator prefix and the last
 * four digits, as the platform's documentation does: `+8613812340021` → `+86138****0021`.
 */
export function maskPhoneNumber(value: string): string {
  if (value.length <= 8) return "*".repeat(value.length);
  const head = value.startsWith("+") ? 6 : 5;
  const keep = Math.min(head, value.length - 8);
  return `${value.slice(0, keep)}${"*".repeat(value.length - keep - 4)}${value.slice(-4)}`;
}
