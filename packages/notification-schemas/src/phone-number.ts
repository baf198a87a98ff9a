/**
 * Phone numbers: the rules a number must follow and the one way to mask it for logs. Every privnum package
 * takes these from here, so a number valid in one package is valid in the others and is masked alike.
 *
 * Numbers are E.164 with a leading `+` (docs/axe-platform.md §1.2). ITU-T E.164 allows at most 15 digits
 * and no country code starts with 0.
 */

/**
 * The strict rule, for numbers clients send (bind and modify requests, configuration): `+`, a country code
 * starting with 1–9, then digits only, 6–15 digits in all.
 *
 * A RegExp for JSON Schema `pattern` and zod's `.regex()`; {@link isStrictPhoneNumber} is the predicate.
 *
 * @example
 * STRICT_PHONE_NUMBER_PATTERN.test("+8613800000021"); // true
 * STRICT_PHONE_NUMBER_PATTERN.test("+12345"); // false: 5 digits
 * STRICT_PHONE_NUMBER_PATTERN.test("+86138****0021"); // false: masked
 */
export const STRICT_PHONE_NUMBER_PATTERN = /^\+[1-9]\d{5,14}$/;

/**
 * Whether `value` follows the strict rule ({@link STRICT_PHONE_NUMBER_PATTERN}): `+`, 1–9, 6–15 digits in all.
 *
 * @example
 * isStrictPhoneNumber("+8613800000021"); // true
 * isStrictPhoneNumber("+123456"); // true: 6 digits, the fewest allowed
 * isStrictPhoneNumber("+0613800000021"); // false: a country code never starts with 0
 * isStrictPhoneNumber("13800000021"); // false: no +
 */
export function isStrictPhoneNumber(value: string): boolean {
  return STRICT_PHONE_NUMBER_PATTERN.test(value);
}

/**
 * The lenient rule, for numbers the platform pushes: `+`, a digit 1–9, then digits or `*`, 2–15 characters
 * after the `+`. The `*` admits masked numbers, which Huawei's documentation samples show (`+86138****0021`);
 * the short lengths admit whatever short number a push may carry, since a push that fails to parse is refused
 * and its data lost.
 *
 * A RegExp for JSON Schema `pattern` and zod's `.regex()`; {@link isLenientPhoneNumber} is the predicate.
 *
 * @example
 * LENIENT_PHONE_NUMBER_PATTERN.test("+86138****0021"); // true
 * LENIENT_PHONE_NUMBER_PATTERN.test("+12"); // true
 * LENIENT_PHONE_NUMBER_PATTERN.test("+*1234567"); // false: the first digit is never masked
 */
export const LENIENT_PHONE_NUMBER_PATTERN = /^\+[1-9][\d*]{1,14}$/;

/**
 * What the push parsers accept unless their `lenient` option is set: the lenient rule's lengths, digits only.
 * Kept apart from the two rules because it is a parse mode, not a rule of its own.
 */
export const UNMASKED_PUSHED_NUMBER_PATTERN = /^\+[1-9]\d{1,14}$/;

const PLUS = 43;
const STAR = 42;
const ZERO = 48;
const ONE = 49;
const NINE = 57;

// A character loop rather than the regex: the push parsers run it for every number of every CDR.
function isPushedNumber(value: string, allowMasked: boolean): boolean {
  const length = value.length;
  if (length < 3 || length > 16 || value.charCodeAt(0) !== PLUS) return false;
  const first = value.charCodeAt(1);
  if (first < ONE || first > NINE) return false;
  for (let i = 2; i < length; i++) {
    const c = value.charCodeAt(i);
    if ((c < ZERO || c > NINE) && !(allowMasked && c === STAR)) return false;
  }
  return true;
}

/**
 * Whether `value` follows the lenient rule ({@link LENIENT_PHONE_NUMBER_PATTERN}): `+`, 1–9, then digits or
 * `*`, 2–15 characters after the `+`.
 *
 * @example
 * isLenientPhoneNumber("+8613800000021"); // true
 * isLenientPhoneNumber("+86138****0021"); // true: masked
 * isLenientPhoneNumber("+1234567890123456"); // false: 16 digits
 * isLenientPhoneNumber(""); // false
 */
export function isLenientPhoneNumber(value: string): boolean {
  return isPushedNumber(value, true);
}

/** Whether `value` matches {@link UNMASKED_PUSHED_NUMBER_PATTERN}, by the same fast loop. */
export function isUnmaskedPushedNumber(value: string): boolean {
  return isPushedNumber(value, false);
}

const MASK = "****";

/**
 * Masks one phone number for logs, so that its owner can recognise it and nobody can dial it. The rule, by the
 * number of digits (a leading `+` is kept and not counted):
 *
 * - 8 or more: up to 5 leading digits (country code and carrier prefix), `****`, the last 4; at least 4
 *   digits are always hidden, so 8 digits keep no leading digit;
 * - 1 to 7 (short numbers): `****` and the last 2 digits only;
 * - none: the value unchanged (`""` stays `""`).
 *
 * @example
 * maskPhoneNumber("+8613800000021"); // "+86138****0021"
 * maskPhoneNumber("+8675528000001"); // "+86755****0001"
 * maskPhoneNumber("13800000021"); // "138****0021" (national form, no +)
 * maskPhoneNumber("+12345678"); // "+****5678"
 * maskPhoneNumber("+1234567"); // "+****67"
 * maskPhoneNumber("+12345"); // "+****45"
 */
export function maskPhoneNumber(value: string): string {
  const plus = value.startsWith("+") ? "+" : "";
  const digits = plus ? value.slice(1) : value;
  const n = digits.length;
  if (n >= 8) {
    const lead = Math.min(5, n - 8);
    return `${plus}${digits.slice(0, lead)}${MASK}${digits.slice(n - 4)}`;
  }
  return n === 0 ? value : `${plus}${MASK}${digits.slice(-2)}`;
}

// `+` or its query-string form `%2B` followed by digits, or a bare run of 11 or more digits (a national mobile or
// an E.164 number without its `+`). Over-masking a long ID is the price of never leaking a number.
const PHONE_IN_TEXT = /(\+|%2[Bb])(\d{6,})|(?<!\d)(\d{11,})/g;

/**
 * Masks every phone-number-looking run inside free text (URLs, `resultdesc`, `userData`, log messages) with
 * {@link maskPhoneNumber}: `+` or `%2B` followed by 6 or more digits, and bare runs of 11 or more digits.
 * Shorter runs (extensions, result codes) are left alone.
 *
 * @example
 * maskPhoneNumbersInText("A is +8613800000021."); // "A is +86138****0021."
 * maskPhoneNumbersInText("?virtualNum=%2B8617000000001&extendNum=1234"); // "?virtualNum=%2B86170****0001&extendNum=1234"
 * maskPhoneNumbersInText("call 13800000021, code 1010002"); // "call 138****0021, code 1010002"
 */
export function maskPhoneNumbersInText(text: string): string {
  return text.replace(PHONE_IN_TEXT, (_m, prefix: string | undefined, afterPrefix: string, bare: string) => {
    if (bare !== undefined) return maskPhoneNumber(bare);
    const masked = maskPhoneNumber(`+${afterPrefix}`);
    return prefix === "+" ? masked : `${prefix}${masked.slice(1)}`;
  });
}

/**
 * The keys that always hold a phone number, in the platform's API and pushes (docs/axe-platform.md) and in
 * privnum's own records.
 */
export const PHONE_NUMBER_KEYS = Object.freeze([
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
] as const);

/** One of {@link PHONE_NUMBER_KEYS}. */
export type PhoneNumberKey = (typeof PHONE_NUMBER_KEYS)[number];

const PHONE_NUMBER_KEY_SET: ReadonlySet<string> = new Set(PHONE_NUMBER_KEYS);

/**
 * Whether `key` is one of {@link PHONE_NUMBER_KEYS}.
 *
 * @example
 * isPhoneNumberKey("bindNum"); // true
 * isPhoneNumberKey("extendNum"); // false
 */
export function isPhoneNumberKey(key: string): key is PhoneNumberKey {
  return PHONE_NUMBER_KEY_SET.has(key);
}

// Deep enough for any platform body (a fee record is at depth 3), shallow enough to stop a cyclic value.
const MAX_MASK_DEPTH = 8;

/**
 * A deep copy of JSON-like data (objects, arrays, strings, numbers …) with phone numbers masked: the string
 * value of every key in {@link PHONE_NUMBER_KEYS} goes through {@link maskPhoneNumber}, every other string
 * through {@link maskPhoneNumbersInText}. The input is not changed. Nesting deeper than 8 levels is replaced
 * by `"[…]"`, so a cyclic value cannot loop.
 *
 * @example
 * maskPhoneNumbersInValue({ bindNum: "+8613800000021", userData: "order for 13900000022", extendNum: "0001" });
 * // { bindNum: "+86138****0021", userData: "order for 139****0022", extendNum: "0001" }
 */
export function maskPhoneNumbersInValue(value: unknown): unknown {
  return maskDeep(value, 0);
}

function maskDeep(value: unknown, depth: number): unknown {
  if (typeof value === "string") return maskPhoneNumbersInText(value);
  if (value === null || typeof value !== "object") return value;
  if (depth >= MAX_MASK_DEPTH) return "[…]";
  if (Array.isArray(value)) return value.map((item) => maskDeep(item, depth + 1));
  const out: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(value)) {
    out[key] =
      isPhoneNumberKey(key) && typeof item === "string" ? maskPhoneNumber(item) : maskDeep(item, depth + 1);
  }
  return out;
}
