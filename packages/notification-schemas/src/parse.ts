import type * as z from "zod";
import { decodeInput } from "./decode-input.js";
import { inspectValue } from "./inspect-value.js";
import { capIssues, fromZodIssues, issue, jsonTypeOf, type ParseIssue, type ParseResult } from "./issues.js";
import { normaliseCallEvent, normaliseFee, normaliseNumStatus } from "./normalise.js";
import { type ParseOptions, type ResolvedParseOptions, resolveParseOptions } from "./options.js";
import type {
  CallEventNotification,
  FeeNotification,
  Notification,
  NumStatusNotification,
  RawObject,
} from "./types.js";
import { CALL_EVENT_TYPES, type CallEventType, wireSchemas } from "./wire-schemas.js";

/** The body of a push: a JSON string, its bytes (e.g. a Node `Buffer`), or the value `JSON.parse` gave. */
export type NotificationInput = unknown;

type Expected = "any" | "callEvent" | "fee" | "numStatus";

const CALL_EVENT_TYPE_SET: ReadonlySet<string> = new Set(CALL_EVENT_TYPES);
const MAX_EVENT_TYPE_LENGTH = 64;
const CALL_EVENT_LIST = CALL_EVENT_TYPES.join(", ");

/**
 * Parses and validates any platform push: a call event, a fee (CDR) push, an X-number status push, or a
 * well-formed envelope with an `eventType` this package does not know (`kind: "unknown"`, kept whole).
 * Never throws for any body: problems come back as issues with a JSON path.
 * @throws {ParseOptionsError} only for invalid `options` (a programming mistake, not bad input)
 */
export function parseNotification(
  input: NotificationInput,
  options?: ParseOptions,
): ParseResult<Notification> {
  return run(input, options, "any");
}

/** Parses a call event (`callin`, `collectInfo`, `callout`, `alerting`, `answer`, `disconnect`); anything else is an issue. */
export function parseCallEvent(
  input: NotificationInput,
  options?: ParseOptions,
): ParseResult<CallEventNotification> {
  return run(input, options, "callEvent") as ParseResult<CallEventNotification>;
}

/** Parses a fee (CDR) push of 1–50 records; anything else is an issue. */
export function parseFeeNotification(
  input: NotificationInput,
  options?: ParseOptions,
): ParseResult<FeeNotification> {
  return run(input, options, "fee") as ParseResult<FeeNotification>;
}

/** Parses an X-number status push of 1–100 entries; anything else is an issue. */
export function parseNumStatusNotification(
  input: NotificationInput,
  options?: ParseOptions,
): ParseResult<NumStatusNotification> {
  return run(input, options, "numStatus") as ParseResult<NumStatusNotification>;
}

function fail(issues: readonly ParseIssue[]): ParseResult<never> {
  return { ok: false, issues };
}

function run(
  input: unknown,
  options: ParseOptions | undefined,
  expected: Expected,
): ParseResult<Notification> {
  // Outside the safety net: invalid options are the caller's mistake and are thrown (ParseOptionsError).
  const resolved = resolveParseOptions(options);
  try {
    return parseValue(input, resolved, expected);
  } catch (error) {
    // A safety net: the steps above are written not to throw, but a caller-supplied object could still
    // have a throwing getter. The contract is "never a throw".
    const detail = error instanceof Error ? `${error.name}: ${error.message}` : "unknown error";
    return fail([issue("internal", [], `the body could not be processed (${detail})`)]);
  }
}

function parseValue(
  input: unknown,
  opts: ResolvedParseOptions,
  expected: Expected,
): ParseResult<Notification> {
  const decoded = decodeInput(input, opts);
  if (!decoded.ok) return fail([decoded.issue]);
  const value = decoded.value;
  if (value === null || typeof value !== "object" || Array.isArray(value)) {
    return fail([issue("not-an-object", [], `expected a JSON object, got ${jsonTypeOf(value)}`)]);
  }

  const issues: ParseIssue[] = [];
  const body = value as RawObject;
  const eventType = Object.hasOwn(body, "eventType") ? body.eventType : undefined;
  if (eventType === undefined) {
    return fail([issue("missing-field", ["eventType"], "required field is missing (expected a string)")]);
  }
  if (typeof eventType !== "string") {
    return fail([issue("invalid-type", ["eventType"], `expected a string, got ${jsonTypeOf(eventType)}`)]);
  }
  if (eventType.length === 0 || eventType.length > MAX_EVENT_TYPE_LENGTH) {
    return fail([
      issue(
        "invalid-value",
        ["eventType"],
        `expected 1 to ${MAX_EVENT_TYPE_LENGTH} characters, got ${eventType.length}`,
      ),
    ]);
  }

  const schemas = wireSchemas(opts);
  if (CALL_EVENT_TYPE_SET.has(eventType)) {
    if (expected !== "any" && expected !== "callEvent") return unexpected(expected, eventType);
    const schema = schemas.callEvent[eventType as CallEventType];
    if (forbiddenKeys(body, [], issues) + forbiddenKeys(body.statusInfo, ["statusInfo"], issues) > 0) {
      return fail(capIssues(issues, opts.maxIssues));
    }
    const parsed = validate(schema, body, opts.maxIssues);
    return parsed.ok ? { ok: true, notification: normaliseCallEvent(parsed.value, body) } : parsed;
  }
  if (eventType === "fee") {
    if (expected !== "any" && expected !== "fee") return unexpected(expected, eventType);
    if (forbiddenKeys(body, [], issues) + forbiddenKeysInList(body.feeLst, "feeLst", issues) > 0) {
      return fail(capIssues(issues, opts.maxIssues));
    }
    const parsed = validate(schemas.fee, body, opts.maxIssues);
    if (!parsed.ok) return parsed;
    const notification = normaliseFee(parsed.value, body, issues);
    return issues.length === 0 ? { ok: true, notification } : fail(capIssues(issues, opts.maxIssues));
  }
  if (eventType === "numStatus") {
    if (expected !== "any" && expected !== "numStatus") return unexpected(expected, eventType);
    if (forbiddenKeys(body, [], issues) + forbiddenKeysInList(body.numInfo, "numInfo", issues) > 0) {
      return fail(capIssues(issues, opts.maxIssues));
    }
    const parsed = validate(schemas.numStatus, body, opts.maxIssues);
    return parsed.ok ? { ok: true, notification: normaliseNumStatus(parsed.value, body) } : parsed;
  }
  if (expected !== "any") return unexpected(expected, eventType);
  // No schema checks an unknown body, so a walk enforces the limits on all of it.
  inspectValue(value, opts, issues, opts.maxIssues + 1);
  if (issues.length > 0) return fail(capIssues(issues, opts.maxIssues));
  return { ok: true, notification: { kind: "unknown", eventType, raw: body } };
}

// zod drops a `__proto__` key silently and passes `constructor` on as an ordinary field, so the objects the
// schemas know are checked here (an own-property test each: no walk over the body). Fields this package
// does not know are walked by the schemas' catch-all check, which refuses these keys at any depth.
const FORBIDDEN = ["__proto__", "constructor", "prototype"] as const;

function forbiddenKeys(value: unknown, path: readonly (string | number)[], out: ParseIssue[]): number {
  if (value === null || typeof value !== "object") return 0;
  let found = 0;
  for (const key of FORBIDDEN) {
    if (Object.hasOwn(value, key)) {
      out.push(issue("forbidden-key", [...path, key], `the key "${key}" is not allowed`));
      found++;
    }
  }
  return found;
}

function forbiddenKeysInList(list: unknown, name: string, out: ParseIssue[]): number {
  if (!Array.isArray(list)) return 0;
  let found = 0;
  for (let i = 0; i < list.length; i++) found += forbiddenKeys(list[i], [name, i], out);
  return found;
}

function validate(
  schema: z.ZodType,
  body: RawObject,
  maxIssues: number,
): { ok: true; value: Record<string, unknown> } | { ok: false; issues: readonly ParseIssue[] } {
  const result = schema.safeParse(body);
  if (result.success) return { ok: true, value: result.data as Record<string, unknown> };
  return { ok: false, issues: capIssues(fromZodIssues(result.error.issues, body, []), maxIssues) };
}

const EXPECTED_NAMES: Record<Exclude<Expected, "any">, string> = {
  callEvent: `a call event (${CALL_EVENT_LIST})`,
  fee: 'a fee notification (eventType "fee")',
  numStatus: 'an X-number status notification (eventType "numStatus")',
};

function unexpected(expected: Exclude<Expected, "any">, eventType: string): ParseResult<never> {
  const got = CALL_EVENT_TYPE_SET.has(eventType)
    ? `the call event "${eventType}"`
    : eventType === "fee" || eventType === "numStatus"
      ? `a "${eventType}" notification`
      : // JSON-quoted: it is the one value an issue repeats, and a control character must not reach a log line.
        `the unknown eventType ${JSON.stringify(eventType)}`;
  return fail([
    issue("unexpected-event-type", ["eventType"], `expected ${EXPECTED_NAMES[expected]}, got ${got}`),
  ]);
}
