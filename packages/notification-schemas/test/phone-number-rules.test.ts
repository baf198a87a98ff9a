import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  E164_PATTERN,
  isE164,
  isLenientPhoneNumber,
  isStrictPhoneNumber,
  LENIENT_PHONE_NUMBER_PATTERN,
  MASKED_E164_PATTERN,
  STRICT_PHONE_NUMBER_PATTERN,
} from "../src/index.js";
import { isUnmaskedPushedNumber, UNMASKED_PUSHED_NUMBER_PATTERN } from "../src/phone-number.js";

const fromChars = (chars: string, maxLength: number) =>
  fc.array(fc.constantFrom(...chars.split("")), { maxLength }).map((list) => list.join(""));

// `+1` followed by digits up to `n` digits in all.
const digits = (n: number) => `+${"1234567890".repeat(2).slice(0, n)}`;

describe("the strict rule (numbers clients send)", () => {
  it.each([
    ["5 digits", digits(5), false],
    ["6 digits", digits(6), true],
    ["15 digits", digits(15), true],
    ["16 digits", digits(16), false],
    ["a mainland mobile", "+8613800000021", true],
    ["a leading 0", "+0613800000021", false],
    ["no +", "8613800000021", false],
    ["a masked number", "+86138****0021", false],
    ["spaces", "+86 138 0000 0021", false],
    ["the empty string", "", false],
    ["+ alone", "+", false],
  ])("%s: %s → %s", (_name, value, ok) => {
    expect(isStrictPhoneNumber(value)).toBe(ok);
    expect(STRICT_PHONE_NUMBER_PATTERN.test(value)).toBe(ok);
  });
});

describe("the lenient rule (numbers the platform pushes)", () => {
  it.each([
    ["1 digit", digits(1), false],
    ["2 digits", digits(2), true],
    ["5 digits", digits(5), true],
    ["6 digits", digits(6), true],
    ["15 digits", digits(15), true],
    ["16 digits", digits(16), false],
    ["a masked mobile", "+86138****0021", true],
    ["15 characters with *", `+86138${"*".repeat(10)}`, true],
    ["16 characters with *", `+86138${"*".repeat(11)}`, false],
    ["a masked first digit", "+*6138****0021", false],
    ["a leading 0", "+0613800000021", false],
    ["no +", "8613800000021", false],
    ["#", "+86138####0021", false],
    ["the empty string", "", false],
  ])("%s: %s → %s", (_name, value, ok) => {
    expect(isLenientPhoneNumber(value)).toBe(ok);
    expect(LENIENT_PHONE_NUMBER_PATTERN.test(value)).toBe(ok);
  });

  it("admits every number of the strict rule", () => {
    fc.assert(
      fc.property(fromChars("+0123456789*", 18), (value) => {
        if (isStrictPhoneNumber(value)) expect(isLenientPhoneNumber(value)).toBe(true);
      }),
      { numRuns: 2000 },
    );
  });
});

// The push parsers check numbers with character loops; the JSON Schema files carry the regular expressions.
describe("the predicates and their RegExps", () => {
  it("accept the same values", () => {
    fc.assert(
      fc.property(fromChars("+0123456789* -", 18), (value) => {
        expect(isStrictPhoneNumber(value)).toBe(STRICT_PHONE_NUMBER_PATTERN.test(value));
        expect(isLenientPhoneNumber(value)).toBe(LENIENT_PHONE_NUMBER_PATTERN.test(value));
        expect(isUnmaskedPushedNumber(value)).toBe(UNMASKED_PUSHED_NUMBER_PATTERN.test(value));
      }),
      { numRuns: 3000 },
    );
  });
});

describe("the older names", () => {
  it("keep their meaning: E164_PATTERN 2–15 digits, MASKED_E164_PATTERN the lenient rule", () => {
    expect(MASKED_E164_PATTERN).toBe(LENIENT_PHONE_NUMBER_PATTERN);
    expect(E164_PATTERN.source).toBe("^\\+[1-9]\\d{1,14}$");
    expect(isE164(digits(2))).toBe(true);
    expect(isE164(digits(15))).toBe(true);
    expect(isE164(digits(16))).toBe(false);
    expect(isE164("+86138****0021")).toBe(false);
    expect(isE164("+86138****0021", true)).toBe(true);
  });

  it("agree with their RegExps", () => {
    fc.assert(
      fc.property(fromChars("+0123456789* -", 18), (value) => {
        expect(isE164(value)).toBe(E164_PATTERN.test(value));
        expect(isE164(value, true)).toBe(MASKED_E164_PATTERN.test(value));
      }),
      { numRuns: 1000 },
    );
  });
});
