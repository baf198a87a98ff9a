import { ParseOptionsError } from "./errors.js";

/** Options of every parse function and of {@link createNotificationSchema}. */
export interface ParseOptions {
  /**
   * Accept masked numbers such as `+86138****0021` (the form Huawei's documentation samples use) where an
   * E.164 number is expected.
   * @default false
   */
  readonly lenient?: boolean;
  /**
   * Largest body accepted: bytes for a `Uint8Array`/`ArrayBuffer`, UTF-16 code units for a string.
   * @default 2_097_152 (2 MiB; a full 50-record fee push is about 60 KB)
   */
  readonly maxInputLength?: number;
  /**
   * Longest string accepted anywhere in the body, in fields this package does not know as well as in
   * those it does (known fields also have their documented limits, which are lower).
   * @default 4096
   */
  readonly maxStringLength?: number;
  /**
   * Deepest nesting of objects and arrays accepted (the envelope is depth 1, a fee record depth 3).
   * @default 16
   */
  readonly maxDepth?: number;
  /**
   * Most issues reported for one body; the rest are summed up in a final issue.
   * @default 50
   */
  readonly maxIssues?: number;
}

/** The options with every default applied. */
export interface ResolvedParseOptions {
  readonly lenient: boolean;
  readonly maxInputLength: number;
  readonly maxStringLength: number;
  readonly maxDepth: number;
  readonly maxIssues: number;
}

/** The defaults of {@link ParseOptions}. */
export const DEFAULT_PARSE_OPTIONS: ResolvedParseOptions = Object.freeze({
  lenient: false,
  maxInputLength: 2_097_152,
  maxStringLength: 4096,
  maxDepth: 16,
  maxIssues: 50,
});

const LENIENT_DEFAULTS: ResolvedParseOptions = Object.freeze({ ...DEFAULT_PARSE_OPTIONS, lenient: true });

/**
 * Applies the defaults; the common cases return a shared frozen object so the hot path allocates nothing.
 * @throws {ParseOptionsError} for a limit that is not a positive safe integer, or a non-boolean `lenient`
 */
export function resolveParseOptions(options: ParseOptions | undefined): ResolvedParseOptions {
  if (options === undefined) return DEFAULT_PARSE_OPTIONS;
  if (options.lenient !== undefined && typeof options.lenient !== "boolean") {
    throw new ParseOptionsError("lenient", "lenient must be a boolean");
  }
  const resolved: ResolvedParseOptions = {
    lenient: options.lenient ?? DEFAULT_PARSE_OPTIONS.lenient,
    maxInputLength: limit(options, "maxInputLength"),
    maxStringLength: limit(options, "maxStringLength"),
    maxDepth: limit(options, "maxDepth"),
    maxIssues: limit(options, "maxIssues"),
  };
  if (
    resolved.maxInputLength === DEFAULT_PARSE_OPTIONS.maxInputLength &&
    resolved.maxStringLength === DEFAULT_PARSE_OPTIONS.maxStringLength &&
    resolved.maxDepth === DEFAULT_PARSE_OPTIONS.maxDepth &&
    resolved.maxIssues === DEFAULT_PARSE_OPTIONS.maxIssues
  ) {
    return resolved.lenient ? LENIENT_DEFAULTS : DEFAULT_PARSE_OPTIONS;
  }
  return resolved;
}

type Limit = "maxInputLength" | "maxStringLength" | "maxDepth" | "maxIssues";

// A limit that is not a positive integer would disable a safety check; refuse it rather than guess.
function limit(options: ParseOptions, name: Limit): number {
  const value = options[name];
  if (value === undefined) return DEFAULT_PARSE_OPTIONS[name];
  if (!Number.isSafeInteger(value) || value < 1) {
    throw new ParseOptionsError(name, `${name} must be a positive integer`);
  }
  return value;
}
