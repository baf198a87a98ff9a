// The names phone numbers had before src/phone-number.ts owned them, kept so that code using them still works.

import {
  isLenientPhoneNumber,
  isUnmaskedPushedNumber,
  LENIENT_PHONE_NUMBER_PATTERN,
  UNMASKED_PUSHED_NUMBER_PATTERN,
} from "./phone-number.js";

/**
 * E.164 with the leading `+`, digits only, 2–15 digits: what the push parsers accept when `lenient` is not set.
 *
 * @deprecated Use `STRICT_PHONE_NUMBER_PATTERN` for numbers clients send (6–15 digits) or
 * {@link LENIENT_PHONE_NUMBER_PATTERN} for numbers the platform pushes (also admits `*`). This one keeps its
 * old meaning.
 */
export const E164_PATTERN: RegExp = UNMASKED_PUSHED_NUMBER_PATTERN;

/**
 * E.164 with `*` allowed in place of digits, as in Huawei's documentation (`+86138****0021`).
 *
 * @deprecated The same RegExp as {@link LENIENT_PHONE_NUMBER_PATTERN}; use that name.
 */
export const MASKED_E164_PATTERN: RegExp = LENIENT_PHONE_NUMBER_PATTERN;

/**
 * Whether `value` matches {@link E164_PATTERN}; with `lenient`, {@link MASKED_E164_PATTERN}.
 *
 * @deprecated Use `isStrictPhoneNumber` for numbers clients send, {@link isLenientPhoneNumber} for
 * numbers the platform pushes (what `isE164(value, true)` checks).
 */
export function isE164(value: string, lenient = false): boolean {
  return lenient ? isLenientPhoneNumber(value) : isUnmaskedPushedNumber(value);
}
