import { STRICT_PHONE_NUMBER_PATTERN } from "@privnum/notification-schemas";
import { z } from "zod";
import { AxeValidationError, type ValidationIssue } from "./errors.js";
import type {
  BindingChanges,
  BindingRef,
  CreateBindingInput,
  ListBindingsInput,
  RecordingRef,
} from "./types.js";

// Messages never echo the rejected value: it may be a phone number, and these messages end up in logs.

// 1–4 digits, not all zeros: the platform's ranges are 1–9, 01–99, 001–999, 0001–9999
// (docs/axe-platform.md §1.2).
const EXTENSION = /^(?!0+$)\d{1,4}$/;
const AREA_CODE = /^\d{1,32}$/;
const HAN = /\p{Script=Han}/u;
// A lookup key: printable ASCII without spaces, so it cannot smuggle anything into a query string.
const SUBSCRIPTION_ID = /^[\x21-\x7e]{1,64}$/;
// Names from a CDR: printable, no control characters.
const PRINTABLE = /^[^\p{Cc}]+$/u;
const MAX_INTEGER = 2_147_483_647;

const required = (type: string) => ({
  error: (issue: { input: unknown }) => (issue.input === undefined ? "is required" : `must be ${type}`),
});

const e164 = z
  .string(required("a string"))
  .regex(
    STRICT_PHONE_NUMBER_PATTERN,
    "must be an E.164 number: + then 6–15 digits starting with the country code (+86…)",
  );
const extendNum = z
  .string(required("a string"))
  .regex(EXTENSION, "must be 1–4 digits and not all zeros (1–9, 01–99, 001–999 or 0001–9999)");
const toneName = z
  .string(required("a string"))
  .min(1, "must not be empty")
  .max(128, "must be at most 128 characters");
const expiry = z
  .number(required("a number"))
  .int("must be a whole number")
  .min(0, "must not be negative")
  .max(MAX_INTEGER, `must be at most ${MAX_INTEGER}`);
const userData = z
  .string(required("a string"))
  .min(1, "must not be empty")
  .max(256, "must be at most 256 characters")
  .refine((v) => !v.includes("{") && !v.includes("}"), "must not contain { or }")
  .refine((v) => !HAN.test(v), "must not contain Chinese characters (Base64-encode them)");
const zeroOrOne = z.enum(["0", "1"], { error: 'must be "0" or "1"' });
const timeUnit = z.enum(["hours", "minutes"], { error: 'must be "hours" or "minutes"' });
const recordFlag = z.boolean({ error: "must be true or false" });

const createBindingSchema = z.strictObject({
  bindNum: e164,
  virtualNum: e164.optional(),
  areaCode: z
    .string(required("a string"))
    .regex(AREA_CODE, "must be a city code of 1–32 digits, e.g. 0755")
    .optional(),
  areaMatchMode: zeroOrOne.optional(),
  extendNum: extendNum.optional(),
  displayNumMode: zeroOrOne.optional(),
  recordFlag: recordFlag.optional(),
  recordHintTone: toneName.optional(),
  callbackTone: toneName.optional(),
  callbackNum: e164.optional(),
  timeUnit: timeUnit.optional(),
  bindExpiredTime: expiry.optional(),
  callbackExpiredTime: expiry.optional(),
  userData: userData.optional(),
});

const changesSchema = z.strictObject({
  displayNumMode: zeroOrOne.optional(),
  recordFlag: recordFlag.optional(),
  recordHintTone: toneName.optional(),
  // "" clears the field on the platform (docs/axe-platform.md §6).
  callbackTone: z
    .union([z.literal(""), toneName], { error: 'must be a tone file name of 1–128 characters or ""' })
    .optional(),
  callbackNum: z.union([z.literal(""), e164], { error: 'must be an E.164 number or ""' }).optional(),
  timeUnit: timeUnit.optional(),
  bindExpiredTime: expiry.optional(),
  callbackExpiredTime: expiry.optional(),
  userData: userData.optional(),
});

const subscriptionRefSchema = z.object({
  subscriptionId: z
    .string(required("a string"))
    .regex(SUBSCRIPTION_ID, "must be 1–64 printable characters without spaces"),
});
const numberRefSchema = z.object({ virtualNum: e164, extendNum });

const listSchema = z.strictObject({
  virtualNum: e164,
  pageSize: z
    .number(required("a number"))
    .int("must be a whole number")
    .min(1, "must be at least 1")
    .max(100, "must be at most 100")
    .optional(),
});

const cdrName = z
  .string(required("a string"))
  .min(1, "must not be empty")
  .max(128, "must be at most 128 characters")
  .regex(PRINTABLE, "must not contain control characters");
const recordingSchema = z.strictObject({ recordDomain: cdrName, fileName: cdrName });

function toIssues(error: z.ZodError): ValidationIssue[] {
  const issues: ValidationIssue[] = [];
  for (const issue of error.issues) {
    const path = issue.path.map(String).join(".");
    if (issue.code === "unrecognized_keys") {
      for (const key of issue.keys)
        issues.push({ field: path ? `${path}.${key}` : key, message: "is not a known field" });
    } else if (!issues.some((i) => i.field === (path || "input"))) {
      // One message per field: the first rule it broke.
      issues.push({ field: path || "input", message: issue.message });
    }
  }
  return issues;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function fail(operation: string, issues: ValidationIssue[]): never {
  throw new AxeValidationError(operation, issues);
}

/** Check a bind input; throws `AxeValidationError` listing every problem, each naming its field. */
export function validateCreateBinding(input: unknown): CreateBindingInput {
  if (!isObject(input)) fail("createBinding", [{ field: "input", message: "must be an object" }]);
  const parsed = createBindingSchema.safeParse(input);
  const issues = parsed.success ? [] : toIssues(parsed.error);
  const has = (key: string) => input[key] !== undefined;
  if (has("virtualNum") && has("areaCode")) {
    issues.push({ field: "areaCode", message: "give either virtualNum or areaCode, not both" });
  } else if (!has("virtualNum") && !has("areaCode")) {
    issues.push({ field: "virtualNum", message: "is required unless areaCode is given" });
  }
  if (has("areaMatchMode") && !has("areaCode")) {
    issues.push({ field: "areaMatchMode", message: "is only allowed together with areaCode" });
  }
  if (has("extendNum") && !has("virtualNum")) {
    issues.push({ field: "extendNum", message: "is only allowed together with virtualNum" });
  }
  if (has("callbackTone") && has("callbackNum")) {
    issues.push({ field: "callbackNum", message: "callbackTone and callbackNum are mutually exclusive" });
  }
  if (issues.length > 0 || !parsed.success) fail("createBinding", issues);
  return parsed.data;
}

/** Check a binding reference (`{ subscriptionId }` or `{ virtualNum, extendNum }`). */
export function validateRef(operation: string, ref: unknown): BindingRef {
  if (!isObject(ref))
    fail(operation, [{ field: "ref", message: "must be { subscriptionId } or { virtualNum, extendNum }" }]);
  if (ref.subscriptionId !== undefined) {
    const parsed = subscriptionRefSchema.safeParse(ref);
    if (!parsed.success) fail(operation, toIssues(parsed.error));
    // subscriptionId wins on the platform; the pair is not sent, so it is not checked either.
    return { subscriptionId: parsed.data.subscriptionId };
  }
  if (ref.virtualNum === undefined && ref.extendNum === undefined) {
    fail(operation, [{ field: "ref", message: "must be { subscriptionId } or { virtualNum, extendNum }" }]);
  }
  const parsed = numberRefSchema.safeParse(ref);
  if (!parsed.success) fail(operation, toIssues(parsed.error));
  return { virtualNum: parsed.data.virtualNum, extendNum: parsed.data.extendNum };
}

/**
 * Check modify changes: known fields only, at least one, and the cross-field rules of
 * docs/axe-platform.md §6.
 */
export function validateChanges(changes: unknown): BindingChanges {
  if (!isObject(changes)) fail("updateBinding", [{ field: "changes", message: "must be an object" }]);
  const parsed = changesSchema.safeParse(changes);
  const issues = parsed.success ? [] : toIssues(parsed.error);
  const present = Object.keys(changes).filter((k) => changes[k] !== undefined);
  if (present.length === 0) issues.push({ field: "changes", message: "must change at least one field" });
  const tone = changes.callbackTone;
  const num = changes.callbackNum;
  if (tone !== undefined && num !== undefined && tone !== "" && num !== "") {
    issues.push({
      field: "callbackNum",
      message: 'callbackTone and callbackNum are mutually exclusive ("" clears one)',
    });
  }
  const bind = changes.bindExpiredTime;
  const callback = changes.callbackExpiredTime;
  if (typeof bind === "number" && typeof callback === "number" && bind > 0 && callback > bind) {
    issues.push({ field: "callbackExpiredTime", message: "must not exceed bindExpiredTime" });
  }
  if (issues.length > 0 || !parsed.success) fail("updateBinding", issues);
  return parsed.data;
}

/** Check a listing request. */
export function validateList(input: unknown): Required<ListBindingsInput> {
  if (!isObject(input)) fail("listBindings", [{ field: "input", message: "must be an object" }]);
  const parsed = listSchema.safeParse(input);
  if (!parsed.success) fail("listBindings", toIssues(parsed.error));
  return { virtualNum: parsed.data.virtualNum, pageSize: parsed.data.pageSize ?? 20 };
}

/** Check a recording reference taken from a CDR. */
export function validateRecording(input: unknown): RecordingRef {
  if (!isObject(input)) fail("getRecordingDownloadUrl", [{ field: "input", message: "must be an object" }]);
  const parsed = recordingSchema.safeParse(input);
  if (!parsed.success) fail("getRecordingDownloadUrl", toIssues(parsed.error));
  return parsed.data;
}
