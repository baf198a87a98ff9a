import { issue, type ParseIssue } from "./issues.js";
import type { ResolvedParseOptions } from "./options.js";

/** The body as a JavaScript value, or why it could not be read. */
export type DecodeResult =
  | { readonly ok: true; readonly value: unknown }
  | { readonly ok: false; readonly issue: ParseIssue };

// One decoder for every call: `fatal` makes invalid UTF-8 an error instead of U+FFFD, so bad bytes are
// reported rather than silently altered. A leading BOM is skipped (ignoreBOM: false).
const utf8 = new TextDecoder("utf-8", { fatal: true });

/**
 * Reads a body given as text, bytes or an already-parsed value. Strings and bytes go through `JSON.parse`
 * (whose own-property semantics keep a `__proto__` key inert); other values are passed on as they are.
 */
export function decodeInput(input: unknown, options: ResolvedParseOptions): DecodeResult {
  let text: string;
  if (typeof input === "string") {
    if (input.length > options.maxInputLength) return tooLarge(input.length, "characters", options);
    text = input;
  } else if (input instanceof Uint8Array || input instanceof ArrayBuffer) {
    if (input.byteLength > options.maxInputLength) return tooLarge(input.byteLength, "bytes", options);
    try {
      text = utf8.decode(input);
    } catch {
      return { ok: false, issue: issue("invalid-utf8", [], "the body is not valid UTF-8") };
    }
  } else {
    return { ok: true, value: input };
  }
  try {
    return { ok: true, value: JSON.parse(text) };
  } catch (error) {
    const detail = error instanceof SyntaxError ? `: ${stripExcerpt(error.message)}` : "";
    return { ok: false, issue: issue("invalid-json", [], `the body is not valid JSON${detail}`) };
  }
}

function tooLarge(length: number, unit: string, options: ResolvedParseOptions): DecodeResult {
  return {
    ok: false,
    issue: issue(
      "input-too-large",
      [],
      `the body is ${length} ${unit}; at most ${options.maxInputLength} are accepted (maxInputLength)`,
    ),
  };
}

// V8 quotes part of the input in its JSON errors (`Unexpected token 'x', "...body..." is not valid JSON`);
// keep the position, drop the excerpt, since bodies carry phone numbers.
function stripExcerpt(message: string): string {
  return message.replace(/, ".*" is not valid JSON$/s, "").replace(/ in JSON at position/, " at position");
}
