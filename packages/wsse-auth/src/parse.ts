import { parseCreatedTime } from "./created.js";
import type { AuthorizationErrorCode, UsernameTokenErrorCode } from "./errors.js";
import { isValidNonce, MAX_NONCE_LENGTH } from "./nonce.js";
import type { AuthorizationKind, Scheme, TokenHeaderName } from "./schemes.js";

/** The default limit on an `Authorization`, `X-AKSK` or `X-WSSE` value, in characters. */
export const DEFAULT_MAX_HEADER_LENGTH = 2048;

/** Options shared by the parsers. */
export interface ParseOptions {
  /**
   * Longest accepted header value, in characters; longer values are refused before any parsing.
   * @default 2048
   */
  maxLength?: number;
}

/** A parser's answer: the parsed value, or the first problem found. Parsers never throw. */
export type ParseResult<T, C extends string> =
  | { ok: true; value: T }
  | { ok: false; code: C; message: string };

/** A valid `Authorization` header: which family it names and where its token lives. */
export interface ParsedAuthorization {
  /** `AKSK` (current platform) or `WSSE` (legacy). */
  kind: AuthorizationKind;
  /** The header that must carry the UsernameToken. */
  tokenHeaderName: TokenHeaderName;
  /** The digest schemes this family can use: `aksk`, or `wsse-hex` and `wsse-raw`. */
  schemes: readonly Scheme[];
}

/** A syntactically valid UsernameToken (the digest is not checked here). */
export interface ParsedUsernameToken {
  /** The `Username` attribute: the APP_Key. */
  username: string;
  /** The `PasswordDigest` attribute, as sent. */
  passwordDigest: string;
  /** The `Nonce` attribute: 1–128 letters or digits. */
  nonce: string;
  /** The `Created` attribute, as sent (`yyyy-MM-ddTHH:mm:ssZ`). */
  created: string;
  /** `created` as an instant. */
  createdAt: Date;
}

const AKSK: ParsedAuthorization = Object.freeze({
  kind: "AKSK",
  tokenHeaderName: "X-AKSK",
  schemes: Object.freeze(["aksk"] as const),
});
const WSSE: ParsedAuthorization = Object.freeze({
  kind: "WSSE",
  tokenHeaderName: "X-WSSE",
  schemes: Object.freeze(["wsse-hex", "wsse-raw"] as const),
});

// Fast paths for the exact forms the platform and signUsernameToken send. Anything else takes the general
// parser, which accepts the same inputs with the same results and also explains every failure.
const AKSK_CANONICAL = 'AKSK realm="SDP",profile="UsernameToken",type="Appkey"';
const WSSE_CANONICAL = 'WSSE realm="SDP",profile="UsernameToken",type="Appkey"';
const AKSK_RESULT = Object.freeze({ ok: true, value: AKSK } as const);
const WSSE_RESULT = Object.freeze({ ok: true, value: WSSE } as const);
// The Nonce's length limit is checked after the match: a counted repeat costs the regex more than the rest.
const CANONICAL_TOKEN =
  /^UsernameToken Username="([\x21\x23-\x5b\x5d-\x7e]+)", ?PasswordDigest="([A-Za-z0-9+/=]+)", ?Nonce="([A-Za-z0-9]+)", ?Created="([^"]*)"$/;

/**
 * Parse an `Authorization` value such as `AKSK realm="SDP",profile="UsernameToken",type="Appkey"`.
 * Tolerant of spaces around commas, attribute order, and the case of the family word and attribute names;
 * strict about quoting, duplicates and the three fixed values.
 */
export function parseAuthorization(
  value: string | null | undefined,
  options: ParseOptions = {},
): ParseResult<ParsedAuthorization, AuthorizationErrorCode> {
  const maxLength = options.maxLength ?? DEFAULT_MAX_HEADER_LENGTH;
  if (value === AKSK_CANONICAL && value.length <= maxLength) return AKSK_RESULT;
  if (value === WSSE_CANONICAL && value.length <= maxLength) return WSSE_RESULT;
  const input = typeof value === "string" ? trimOws(value) : "";
  if (input.length === 0) {
    return fail("authorization-missing", "The Authorization header is missing or empty.");
  }
  if (input.length > maxLength) {
    return fail("authorization-too-long", `The Authorization header is longer than ${maxLength} characters.`);
  }
  const wordEnd = scanToken(input, 0);
  const word = input.slice(0, wordEnd).toUpperCase();
  const family = word === "AKSK" ? AKSK : word === "WSSE" ? WSSE : undefined;
  if (family === undefined) {
    return fail("authorization-scheme-unsupported", "The Authorization header must start with AKSK or WSSE.");
  }
  if (wordEnd < input.length && !isOws(input.charCodeAt(wordEnd))) {
    return fail("authorization-malformed", `A space must follow ${word} in the Authorization header.`);
  }
  const parsed = parseAttributes(input, wordEnd);
  if (typeof parsed === "string") {
    return fail("authorization-malformed", `The Authorization header is malformed: ${parsed}.`);
  }
  // The platform's order (docs/axe-platform.md §13.2): every attribute present first, then each value.
  const realm = parsed.get("realm");
  const profile = parsed.get("profile");
  const type = parsed.get("type");
  if (realm === undefined) return fail("realm-missing", "The Authorization header has no realm.");
  if (profile === undefined) return fail("profile-missing", "The Authorization header has no profile.");
  if (type === undefined) return fail("type-missing", "The Authorization header has no type.");
  if (realm !== "SDP") return fail("realm-invalid", 'The realm in the Authorization header must be "SDP".');
  if (profile !== "UsernameToken") {
    return fail("profile-invalid", 'The profile in the Authorization header must be "UsernameToken".');
  }
  if (type !== "Appkey") {
    return fail("type-invalid", 'The type in the Authorization header must be "Appkey".');
  }
  return { ok: true, value: family };
}

/**
 * Parse an `X-AKSK` / `X-WSSE` value such as
 * `UsernameToken Username="…",PasswordDigest="…",Nonce="…",Created="…"`. Tolerant of spaces around commas,
 * attribute order and the case of attribute names; strict about quoting, duplicates, the Nonce alphabet and
 * the `Created` format.
 */
export function parseUsernameToken(
  value: string | null | undefined,
  options: ParseOptions = {},
): ParseResult<ParsedUsernameToken, UsernameTokenErrorCode> {
  const input = typeof value === "string" ? trimOws(value) : "";
  if (input.length === 0) {
    return fail("token-header-missing", "The token header is missing or empty.");
  }
  const maxLength = options.maxLength ?? DEFAULT_MAX_HEADER_LENGTH;
  if (input.length > maxLength) {
    return fail("token-too-long", `The token header is longer than ${maxLength} characters.`);
  }
  const canonical = CANONICAL_TOKEN.exec(input);
  if (canonical !== null && canonical[3]!.length <= MAX_NONCE_LENGTH) {
    const created = canonical[4]!;
    const createdTime = parseCreatedTime(created);
    if (createdTime === undefined) return fail("created-invalid", CREATED_INVALID);
    return {
      ok: true,
      value: {
        username: canonical[1]!,
        passwordDigest: canonical[2]!,
        nonce: canonical[3]!,
        created,
        createdAt: new Date(createdTime),
      },
    };
  }
  const wordEnd = scanToken(input, 0);
  if (input.slice(0, wordEnd).toLowerCase() !== "usernametoken") {
    return fail("username-token-missing", 'The token header must start with "UsernameToken".');
  }
  if (wordEnd < input.length && !isOws(input.charCodeAt(wordEnd))) {
    return fail("token-malformed", "A space must follow UsernameToken.");
  }
  const parsed = parseAttributes(input, wordEnd);
  if (typeof parsed === "string") {
    return fail("token-malformed", `The UsernameToken is malformed: ${parsed}.`);
  }
  const username = parsed.get("username");
  if (username === undefined || username.length === 0) {
    return fail("username-missing", "The UsernameToken has no Username.");
  }
  const nonce = parsed.get("nonce");
  if (nonce === undefined) return fail("nonce-missing", "The UsernameToken has no Nonce.");
  if (!isValidNonce(nonce)) {
    return fail("nonce-invalid", "The Nonce must be 1 to 128 ASCII letters or digits.");
  }
  const created = parsed.get("created");
  if (created === undefined) return fail("created-missing", "The UsernameToken has no Created.");
  const createdTime = parseCreatedTime(created);
  if (createdTime === undefined) return fail("created-invalid", CREATED_INVALID);
  const passwordDigest = parsed.get("passworddigest");
  if (passwordDigest === undefined || passwordDigest.length === 0) {
    return fail("password-digest-missing", "The UsernameToken has no PasswordDigest.");
  }
  return { ok: true, value: { username, passwordDigest, nonce, created, createdAt: new Date(createdTime) } };
}

const CREATED_INVALID = "Created must be a UTC time formatted yyyy-MM-ddTHH:mm:ssZ.";

function fail<C extends string>(code: C, message: string): { ok: false; code: C; message: string } {
  return { ok: false, code, message };
}

const SPACE = 0x20;
const TAB = 0x09;
const QUOTE = 0x22;
const COMMA = 0x2c;
const EQUALS = 0x3d;
const BACKSLASH = 0x5c;
const DELETE = 0x7f;

function isOws(code: number): boolean {
  return code === SPACE || code === TAB;
}

function trimOws(value: string): string {
  let start = 0;
  let end = value.length;
  while (start < end && isOws(value.charCodeAt(start))) start++;
  while (end > start && isOws(value.charCodeAt(end - 1))) end--;
  return start === 0 && end === value.length ? value : value.slice(start, end);
}

function skipOws(input: string, index: number): number {
  let i = index;
  while (i < input.length && isOws(input.charCodeAt(i))) i++;
  return i;
}

// Attribute names and the leading word: letters, digits, '-' and '_'.
function isTokenChar(code: number): boolean {
  return (
    (code >= 0x61 && code <= 0x7a) ||
    (code >= 0x41 && code <= 0x5a) ||
    (code >= 0x30 && code <= 0x39) ||
    code === 0x2d ||
    code === 0x5f
  );
}

function scanToken(input: string, index: number): number {
  let i = index;
  while (i < input.length && isTokenChar(input.charCodeAt(i))) i++;
  return i;
}

/**
 * `name="value"` pairs separated by commas, with optional spaces or tabs around commas and `=`. Names are
 * lower-cased. Values must be double-quoted and may not contain quotes, backslashes or control characters
 * (no escapes: none of the platform's values needs one, and an escape would let two spellings mean one token).
 * Returns the attributes, or a description of the first problem.
 */
function parseAttributes(input: string, start: number): Map<string, string> | string {
  const attributes = new Map<string, string>();
  const length = input.length;
  let i = skipOws(input, start);
  if (i === length) return attributes;
  for (;;) {
    const nameStart = i;
    i = scanToken(input, i);
    if (i === nameStart) return `unexpected character at position ${i + 1}`;
    const name = input.slice(nameStart, i);
    i = skipOws(input, i);
    if (input.charCodeAt(i) !== EQUALS) return `${name} has no value`;
    i = skipOws(input, i + 1);
    if (input.charCodeAt(i) !== QUOTE) return `the value of ${name} must be in double quotes`;
    const valueStart = ++i;
    for (; i < length; i++) {
      const code = input.charCodeAt(i);
      if (code === QUOTE) break;
      if (code === BACKSLASH || code < SPACE || code === DELETE) {
        return `the value of ${name} contains a backslash or a control character`;
      }
    }
    if (i === length) return `the value of ${name} has no closing quote`;
    const key = name.toLowerCase();
    if (attributes.has(key)) return `${name} appears more than once`;
    attributes.set(key, input.slice(valueStart, i));
    i = skipOws(input, i + 1);
    if (i === length) return attributes;
    if (input.charCodeAt(i) !== COMMA) return `a comma must follow the value of ${name}`;
    i = skipOws(input, i + 1);
    if (i === length) return "it ends with a comma";
  }
}
