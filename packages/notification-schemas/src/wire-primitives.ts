import * as z from "zod";
import type { ParseIssueCode } from "./issues.js";
import {
  isLenientPhoneNumber,
  isUnmaskedPushedNumber,
  LENIENT_PHONE_NUMBER_PATTERN,
  UNMASKED_PUSHED_NUMBER_PATTERN,
} from "./phone-number.js";
import { isPlatformTime, PLATFORM_TIME_PATTERN } from "./platform-time.js";

// The building blocks of the wire schemas.
//
// A field is a plain zod type (with `.meta()` carrying its JSON Schema keywords: pattern, lengths …) plus a
// format check. The object schema built from the fields runs all of its fields' format checks in one zod
// check. zod's cost is per check and per wrapper, and the gateway parses up to 10k CDR/s: one check per
// object instead of one to three per field halves the time of a 50-record push.
// Messages never quote the value: bodies carry phone numbers.

/** A problem a format check found in one value. */
export interface FormatProblem {
  readonly message: string;
  readonly code: ParseIssueCode;
}

/** Checks one present value of a field; `undefined` when it is fine. */
export type FormatCheck = (value: unknown) => FormatProblem | undefined;

/** A field of a wire object: its zod schema and, if it has one, its format check. */
export interface Field<S extends z.ZodType = z.ZodType> {
  readonly schema: S;
  readonly format?: FormatCheck;
}

/** Options every field builder takes. */
export interface FieldOptions {
  /** Description in the JSON Schema. */
  readonly description?: string;
}

const invalid = (message: string): FormatProblem => ({ message, code: "invalid-value" });

// A format check for string fields. Values of another type are left to the zod type check, which reports
// them, so a number in a time field gives one issue, not two.
function stringFormat(test: (value: string) => boolean, problem: FormatProblem): FormatCheck {
  return (value) => (typeof value !== "string" || test(value) ? undefined : problem);
}

function described<S extends z.ZodType>(
  schema: S,
  jsonSchema: Record<string, unknown>,
  options?: FieldOptions,
): S {
  return schema.meta(
    options?.description === undefined ? jsonSchema : { ...jsonSchema, description: options.description },
  );
}

const TIME_PROBLEM = invalid("expected a UTC time formatted yyyy-MM-dd HH:mm:ss (a real calendar date)");
const TIME_PATTERN = PLATFORM_TIME_PATTERN.source;
const isTimeOrEmpty = (value: string) => value === "" || isPlatformTime(value);

/** A required platform time (UTC `yyyy-MM-dd HH:mm:ss`). */
export const platformTime = (options?: FieldOptions): Field<z.ZodString> => ({
  schema: described(z.string(), { pattern: TIME_PATTERN }, options),
  format: stringFormat(isPlatformTime, TIME_PROBLEM),
});

/** An optional platform time; the empty string is tolerated and means "not set". */
export const optionalPlatformTime = (options?: FieldOptions): Field<z.ZodOptional<z.ZodString>> => ({
  schema: described(z.string(), { pattern: `^(?:|${TIME_PATTERN.slice(1, -1)})$` }, options).optional(),
  format: stringFormat(isTimeOrEmpty, TIME_PROBLEM),
});

// Every pushed number is held to the lenient rule's lengths (2–15 after the +), never to the strict rule's 6–15:
// a push that fails to parse is refused and its data lost, so a short number the platform sends must not fail
// the whole push. Only the `*` of masked numbers depends on the `lenient` option.
const UNMASKED_NUMBER = invalid(
  "expected an E.164 number with a leading + and the country code, e.g. +8613800000000",
);
const MASKED_NUMBER = invalid("expected an E.164 number with a leading + (digits may be masked with *)");
const isUnmaskedOrEmpty = (value: string) => value === "" || isUnmaskedPushedNumber(value);
const isMaskedOrEmpty = (value: string) => value === "" || isLenientPhoneNumber(value);
const numberPattern = (lenient: boolean) =>
  (lenient ? LENIENT_PHONE_NUMBER_PATTERN : UNMASKED_PUSHED_NUMBER_PATTERN).source;

/** A pushed E.164 number (`+8613800000000`); `lenient` also accepts masked digits (`+86138****0021`). */
export const phoneNumber = (lenient: boolean, options?: FieldOptions): Field<z.ZodString> => ({
  schema: described(z.string(), { pattern: numberPattern(lenient) }, options),
  format: lenient
    ? stringFormat(isLenientPhoneNumber, MASKED_NUMBER)
    : stringFormat(isUnmaskedPushedNumber, UNMASKED_NUMBER),
});

/** A pushed E.164 number that may be absent or empty (not set). */
export const optionalPhoneNumber = (
  lenient: boolean,
  options?: FieldOptions,
): Field<z.ZodOptional<z.ZodString>> => ({
  schema: described(
    z.string(),
    { pattern: `^(?:|${numberPattern(lenient).slice(1, -1)})$` },
    options,
  ).optional(),
  format: lenient
    ? stringFormat(isMaskedOrEmpty, MASKED_NUMBER)
    : stringFormat(isUnmaskedOrEmpty, UNMASKED_NUMBER),
});

/** Whether `value` is an integer code: a safe integer, or a string of at most 15 digits (optionally signed). */
export function isIntegerCode(value: unknown): value is number | string {
  if (typeof value === "number") return Number.isSafeInteger(value);
  if (typeof value !== "string") return false;
  const start = value.charCodeAt(0) === 45 /* - */ ? 1 : 0;
  const length = value.length - start;
  if (length < 1 || length > 15) return false;
  for (let i = start; i < value.length; i++) {
    const c = value.charCodeAt(i);
    if (c < 48 || c > 57) return false;
  }
  return true;
}

const CODE_PROBLEM = invalid("expected an integer code (a JSON integer or a string of digits)");
const CODE_JSON_SCHEMA = { anyOf: [{ type: "integer" }, { type: "string", pattern: "^-?\\d{1,15}$" }] };
const checkCode: FormatCheck = (value) => (isIntegerCode(value) ? undefined : CODE_PROBLEM);
const checkNullableCode: FormatCheck = (value) =>
  value === null || isIntegerCode(value) ? undefined : CODE_PROBLEM;

// The type is declared rather than checked by zod (a zod union costs twice a plain type); the format check
// of the object admits exactly integers and digit strings.
const codeSchema = () => z.unknown() as unknown as z.ZodType<number | string, number | string>;

/**
 * An integer code. The platform documents these as integers (numStatus as digit strings); both forms are
 * accepted and the parse functions expose a number.
 */
export const integerCode = (options?: FieldOptions): Field<z.ZodType<number | string, number | string>> => ({
  schema: described(codeSchema(), CODE_JSON_SCHEMA, options),
  format: checkCode,
});

/** An optional integer code. */
export const optionalIntegerCode = (
  options?: FieldOptions,
): Field<z.ZodOptional<z.ZodType<number | string, number | string>>> => ({
  schema: described(codeSchema(), CODE_JSON_SCHEMA, options).optional(),
  format: checkCode,
});

/** An optional integer code that may also be `null` (`voiceCheckType`). */
export const optionalNullableCode = (
  options?: FieldOptions,
): Field<z.ZodOptional<z.ZodType<number | string | null, number | string | null>>> => ({
  schema: described(
    z.unknown() as unknown as z.ZodType<number | string | null, number | string | null>,
    { anyOf: [...CODE_JSON_SCHEMA.anyOf, { type: "null" }] },
    options,
  ).optional(),
  format: checkNullableCode,
});

function lengthCheck(min: number, max: number): FormatCheck {
  return (value) => {
    if (typeof value !== "string") return undefined;
    if (value.length > max) {
      return {
        code: "string-too-long",
        message: `string of ${value.length} characters; at most ${max} allowed`,
      };
    }
    if (value.length < min) return invalid(`string of ${value.length} characters; at least ${min} required`);
    return undefined;
  };
}

/** A required string of `min`–`max` characters (the documented length of the field). */
export const text = (max: number, min: number, options?: FieldOptions): Field<z.ZodString> => ({
  schema: described(z.string(), { minLength: min, maxLength: max }, options),
  format: lengthCheck(min, max),
});

/** An optional string of at most `max` characters. */
export const optionalText = (max: number, options?: FieldOptions): Field<z.ZodOptional<z.ZodString>> => ({
  schema: described(z.string(), { maxLength: max }, options).optional(),
  format: lengthCheck(0, max),
});

function digitsOnly(value: string, max: number, extra = ""): boolean {
  if (value.length > max) return false;
  for (let i = 0; i < value.length; i++) {
    const c = value.charCodeAt(i);
    if ((c < 48 || c > 57) && !extra.includes(value[i] as string)) return false;
  }
  return true;
}

/** The extension E: 1–4 digits (docs/axe-platform.md §1.2); the empty string when no binding matched. */
export const optionalExtension = (options?: FieldOptions): Field<z.ZodOptional<z.ZodString>> => ({
  schema: described(z.string(), { pattern: "^\\d{0,4}$" }, options).optional(),
  format: stringFormat((value) => digitsOnly(value, 4), invalid("expected an extension of 1 to 4 digits")),
});

/** Digits keyed at a prompt: 0-9, `*` and `#`, at most 32; empty when nothing was keyed. */
export const optionalKeyedDigits = (options?: FieldOptions): Field<z.ZodOptional<z.ZodString>> => ({
  schema: described(z.string(), { pattern: "^[0-9*#]{0,32}$" }, options).optional(),
  format: stringFormat(
    (value) => digitsOnly(value, 32, "*#"),
    invalid("expected the keyed digits (0-9, * and #, at most 32)"),
  ),
});

/** A field whose schema is already complete (a literal, a nested object, an array). */
export const plain = <S extends z.ZodType>(schema: S): Field<S> => ({ schema });

/**
 * The zod check that runs the format checks of an object's fields. It runs even when the object has other
 * issues (a missing field), so one parse reports every problem.
 */
export function formatsCheck(formats: readonly (readonly [string, FormatCheck])[]) {
  return z.superRefine<Record<string, unknown>>(
    (object, ctx) => {
      for (let i = 0; i < formats.length; i++) {
        const [key, check] = formats[i] as readonly [string, FormatCheck];
        const value = object[key];
        if (value === undefined) continue;
        const problem = check(value);
        if (problem !== undefined) {
          ctx.addIssue({
            code: "custom",
            input: value,
            path: [key],
            message: problem.message,
            params: { privnumCode: problem.code },
          });
        }
      }
    },
    {
      when: (payload) =>
        payload.value !== null && typeof payload.value === "object" && !Array.isArray(payload.value),
    },
  );
}
