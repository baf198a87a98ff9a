import type { core } from "zod";

/** What kind of problem a {@link ParseIssue} reports. */
export type ParseIssueCode =
  /** The body is longer than `maxInputLength`. */
  | "input-too-large"
  /** The bytes are not valid UTF-8. */
  | "invalid-utf8"
  /** The text is not JSON. */
  | "invalid-json"
  /** The input is neither a string, bytes nor an object (e.g. a number), or the body is an array. */
  | "not-an-object"
  /** A key such as `__proto__` or `constructor` that could pollute prototypes downstream. */
  | "forbidden-key"
  /** A string (or key) longer than its limit. */
  | "string-too-long"
  /** Objects and arrays nested deeper than `maxDepth`. */
  | "too-deep"
  /** A required field is absent. */
  | "missing-field"
  /** A field has the wrong JSON type. */
  | "invalid-type"
  /** A field has the right type but a value outside its format or range. */
  | "invalid-value"
  /** A list holds too few or too many entries. */
  | "invalid-length"
  /** `parseCallEvent` and friends were given another kind of notification. */
  | "unexpected-event-type"
  /** More issues than `maxIssues`; this one says how many were left out. */
  | "too-many-issues"
  /** A defect in this package; never expected. */
  | "internal";

/**
 * One problem found in a body. Messages never repeat field values (except an unexpected `eventType`,
 * JSON-quoted), so they are safe to log.
 */
export interface ParseIssue {
  /** Stable machine-readable kind of the problem. */
  readonly code: ParseIssueCode;
  /** JSONPath of the offending value, e.g. `$.feeLst[3].callInTime`; `$` is the body itself. */
  readonly path: string;
  /** The same location as path segments, e.g. `["feeLst", 3, "callInTime"]`. */
  readonly segments: readonly (string | number)[];
  /** A readable English explanation. */
  readonly message: string;
}

/** The outcome of a parse: the value, or every issue found (never a throw). */
export type ParseResult<T> =
  | { readonly ok: true; readonly notification: T }
  | { readonly ok: false; readonly issues: readonly ParseIssue[] };

const IDENTIFIER = /^[A-Za-z_$][A-Za-z0-9_$]*$/;

/** Formats path segments as a JSONPath (`$.a[0]["odd key"]`). */
export function toJsonPath(segments: readonly PropertyKey[]): string {
  let path = "$";
  for (const segment of segments) {
    if (typeof segment === "number") path += `[${segment}]`;
    else if (typeof segment === "string" && IDENTIFIER.test(segment)) path += `.${segment}`;
    else path += `[${JSON.stringify(String(segment))}]`;
  }
  return path;
}

/** Builds an issue from its parts. */
export function issue(
  code: ParseIssueCode,
  segments: readonly (string | number)[],
  message: string,
): ParseIssue {
  return { code, path: toJsonPath(segments), segments, message };
}

/** Names the JSON type of a value for messages (never the value itself). */
export function jsonTypeOf(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "array";
  if (value instanceof Uint8Array) return "bytes";
  const type = typeof value;
  if (type === "number") return Number.isInteger(value) ? "integer" : "number";
  return type;
}

function valueAt(root: unknown, segments: readonly PropertyKey[]): unknown {
  let current = root;
  for (const segment of segments) {
    if (current === null || typeof current !== "object") return undefined;
    // Own properties only: a missing field must not be "found" on a prototype.
    if (!Object.hasOwn(current, segment)) return undefined;
    current = (current as Record<PropertyKey, unknown>)[segment];
  }
  return current;
}

const EXPECTED_NAMES: Record<string, string> = {
  string: "a string",
  number: "a number",
  int: "an integer",
  object: "an object",
  array: "an array",
  boolean: "a boolean",
  null: "null",
};

/**
 * Turns zod's issues into ours. The original value is consulted to tell a missing field from a mistyped one
 * and to measure over-long strings, so messages stay precise without echoing the input.
 */
export function fromZodIssues(
  zodIssues: readonly core.$ZodIssue[],
  root: unknown,
  prefix: readonly (string | number)[],
): ParseIssue[] {
  const out: ParseIssue[] = [];
  for (const zi of zodIssues) {
    const rel = zi.path.filter((s): s is string | number => typeof s !== "symbol");
    const segments = prefix.length === 0 ? rel : [...prefix, ...rel];
    const actual = valueAt(root, segments);
    const present = actual !== undefined || hasPath(root, segments);
    // Our schemas carry their own messages where a zod default would be vague; keep those as written.
    const custom = !ZOD_DEFAULT_MESSAGE.test(zi.message);
    switch (zi.code) {
      case "invalid_type": {
        if (custom) {
          out.push(issue(present ? "invalid-type" : "missing-field", segments, zi.message));
          break;
        }
        const expected = EXPECTED_NAMES[zi.expected];
        if (present) {
          out.push(
            issue("invalid-type", segments, `expected ${expected ?? zi.expected}, got ${jsonTypeOf(actual)}`),
          );
        } else {
          // zod says "nonoptional" for a required field of open type (the integer codes).
          const what = expected === undefined ? "" : ` (expected ${expected})`;
          out.push(issue("missing-field", segments, `required field is missing${what}`));
        }
        break;
      }
      case "too_big":
      case "too_small": {
        if (zi.origin === "string" && typeof actual === "string") {
          const bound = zi.code === "too_big" ? `at most ${zi.maximum}` : `at least ${zi.minimum}`;
          out.push(
            issue(
              zi.code === "too_big" ? "string-too-long" : "invalid-value",
              segments,
              `string of ${actual.length} characters; ${bound} allowed`,
            ),
          );
        } else if (zi.origin === "array") {
          out.push(
            issue(
              "invalid-length",
              segments,
              custom ? zi.message : `${zi.message} (got ${lengthOf(actual)})`,
            ),
          );
        } else {
          out.push(issue("invalid-value", segments, zi.message));
        }
        break;
      }
      case "custom": {
        // Limits checked inside the schemas (fields this package does not know) carry our own code.
        const own = (zi.params as { privnumCode?: ParseIssueCode } | undefined)?.privnumCode;
        out.push(issue(own ?? "invalid-value", segments, zi.message));
        break;
      }
      default:
        out.push(issue("invalid-value", segments, zi.message));
    }
  }
  return out;
}

// zod's English defaults ("Invalid input: expected string, received undefined", "Too big: …").
const ZOD_DEFAULT_MESSAGE = /^(?:Invalid|Too (?:big|small)|Unrecognized)/;

function lengthOf(value: unknown): string {
  return Array.isArray(value) ? `${value.length} items` : jsonTypeOf(value);
}

function hasPath(root: unknown, segments: readonly PropertyKey[]): boolean {
  if (segments.length === 0) return true;
  const parent = valueAt(root, segments.slice(0, -1));
  const last = segments[segments.length - 1] as PropertyKey;
  return parent !== null && typeof parent === "object" && Object.hasOwn(parent, last);
}

/** Keeps at most `max` issues, replacing the rest by one summary issue. */
export function capIssues(issues: ParseIssue[], max: number): ParseIssue[] {
  if (issues.length <= max) return issues;
  const kept = issues.slice(0, max);
  kept.push(issue("too-many-issues", [], `${issues.length - max} more issues were left out`));
  return kept;
}
