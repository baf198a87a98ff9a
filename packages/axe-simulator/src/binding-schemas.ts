import { isStrictPhoneNumber } from "@privnum/notification-schemas";
import { z } from "zod";

const e164 = z.string().max(32).refine(isStrictPhoneNumber, "invalid E.164 number");
const toneName = z
  .string()
  .min(1)
  .max(128)
  .refine(
    (v) => ![...v].some((ch) => ch.charCodeAt(0) < 0x20 || ch.charCodeAt(0) === 0x7f),
    "invalid file name",
  );
const MAX_INTEGER = 2_147_483_647;
// Samples send integers; string digits are accepted too because some clients serialise every field as text.
const lifetime = z.union([
  z.number().int().min(0).max(MAX_INTEGER),
  z
    .string()
    .regex(/^\d{1,10}$/)
    .transform(Number)
    .pipe(z.number().max(MAX_INTEGER)),
]);
// Printable ASCII without braces: the platform forbids `{`, `}` and Chinese characters
// (docs/axe-platform.md §3).
const userData = z
  .string()
  .min(1)
  .max(256)
  .regex(/^[\x20-\x7a\x7c\x7e]+$/, "printable ASCII without braces");
const recordFlag = z
  .union([z.enum(["true", "false"]), z.boolean()])
  .transform((v) => v === true || v === "true");
const binaryEnum = z.enum(["0", "1"]);

/**
 * CreateAXEBinding body (docs/axe-platform.md §4.1). Key order is check order: the first failing key names
 * the field in `1010002 "Invalid request. <field>"`. Unknown keys are ignored.
 */
export const bindBodySchema = z.object({
  bindNum: e164,
  virtualNum: e164.optional(),
  areaCode: z
    .string()
    .regex(/^\d{1,32}$/)
    .optional(),
  areaMatchMode: binaryEnum.optional(),
  extendNum: z
    .string()
    .regex(/^\d{0,4}$/)
    .optional(),
  displayNumMode: binaryEnum.optional(),
  recordFlag: recordFlag.optional(),
  recordHintTone: toneName.optional(),
  callbackTone: toneName.optional(),
  callbackNum: e164.optional(),
  timeUnit: binaryEnum.optional(),
  bindExpiredTime: lifetime.optional(),
  callbackExpiredTime: lifetime.optional(),
  userData: userData.optional(),
});

/**
 * ModifyAXEBinding body (docs/axe-platform.md §6): selectors plus changes; `""` clears
 * `callbackTone`/`callbackNum`.
 */
export const modifyBodySchema = z.object({
  subscriptionId: z.string().max(64).optional(),
  virtualNum: e164.optional(),
  extendNum: z
    .string()
    .regex(/^\d{1,4}$/)
    .optional(),
  displayNumMode: binaryEnum.optional(),
  recordFlag: recordFlag.optional(),
  recordHintTone: toneName.optional(),
  callbackTone: z.union([z.literal(""), toneName]).optional(),
  callbackNum: z.union([z.literal(""), e164]).optional(),
  timeUnit: binaryEnum.optional(),
  bindExpiredTime: lifetime.optional(),
  callbackExpiredTime: lifetime.optional(),
  userData: userData.optional(),
});

/**
 * Query-string selectors of query/unbind (docs/axe-platform.md §5, §7). A `+` not sent as `%2B` decodes to a
 * space and fails.
 */
export const selectorQuerySchema = z.object({
  subscriptionId: z.string().max(64).optional(),
  virtualNum: e164.optional(),
  extendNum: z
    .string()
    .regex(/^\d{1,4}$/)
    .optional(),
});

/** QueryAXEBinding v2.0 paging parameters (docs/axe-platform.md §7.2, §16.4). */
export const listQuerySchema = selectorQuerySchema.extend({
  cursor: z
    .string()
    .regex(/^\d{13}_\d{1,20}$/)
    .optional(),
  limit: z
    .string()
    .regex(/^\d{1,3}$/)
    .transform(Number)
    .pipe(z.number().int().min(1).max(100))
    .optional(),
});

/** Recording download parameters (docs/axe-platform.md §9). */
export const recordingQuerySchema = z.object({
  recordDomain: z.string().min(1).max(128),
  fileName: z.string().min(1).max(128),
});

/** Drops `null` values (and `""` unless kept), which several client libraries send for unset fields. */
export function withoutEmpty(
  body: Record<string, unknown>,
  keepEmpty: readonly string[] = [],
): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(body)) {
    if (value === null) continue;
    if (value === "" && !keepEmpty.includes(key)) continue;
    out[key] = value;
  }
  return out;
}

/** The field named by the first issue of a failed parse. */
export function firstIssueField(error: z.ZodError): string {
  const path = error.issues[0]?.path ?? [];
  return path.length > 0 ? String(path[0]) : "body";
}
