import { digest } from "./digest.js";
import { digestEquals } from "./digest-equals.js";
import {
  describeVerifyError,
  type VerifyErrorCode,
  type VerifyHttpStatus,
  WsseInputError,
} from "./errors.js";
import { type HeaderSource, MULTIPLE_VALUES, readHeader } from "./headers.js";
import type { NonceStore } from "./nonce-store.js";
import { DEFAULT_MAX_HEADER_LENGTH, parseAuthorization, parseUsernameToken } from "./parse.js";
import { type AuthorizationKind, isScheme, SCHEMES, type Scheme } from "./schemes.js";

/** Options of {@link createVerifier}. */
export interface VerifierOptions {
  /**
   * Resolve an APP_Key to its APP_Secret, or `undefined` (or `null`/empty) when the key is unknown. It may
   * query a database or a KMS; if it throws or rejects, `verify` rejects with that error (an outage is not
   * a bad request).
   */
  lookupSecret: (appKey: string) => Promise<string | null | undefined> | string | null | undefined;
  /**
   * The schemes accepted: one list for every APP_Key, or a function returning the list for one APP_Key.
   * @default ["aksk", "wsse-hex", "wsse-raw"]
   */
  schemes?: readonly Scheme[] | ((appKey: string) => readonly Scheme[] | Promise<readonly Scheme[]>);
  /**
   * How old `Created` may be, in seconds (inclusive).
   * @default 300
   */
  maxAgeSeconds?: number;
  /**
   * How far `Created` may lie ahead of this clock, in seconds (inclusive): the sender's clock skew.
   * @default 60
   */
  maxFutureSeconds?: number;
  /**
   * Where seen nonces are recorded. Use {@link createMemoryNonceStore} for one process, a shared store when
   * several processes verify for the same APP_Keys.
   */
  nonceStore: NonceStore;
  /**
   * The verifier's clock.
   * @default () => new Date()
   */
  now?: () => Date;
  /**
   * Longest accepted `Authorization` / token header value, in characters.
   * @default 2048
   */
  maxHeaderLength?: number;
}

/** A verified request. */
export interface VerifySuccess {
  ok: true;
  /** The APP_Key (`Username`) that signed the request. */
  appKey: string;
  /** The scheme whose digest matched. For `WSSE` this tells the hex and raw variants apart. */
  scheme: Scheme;
  /** The Nonce, now recorded in the store. */
  nonce: string;
  /** The Created value as sent. */
  created: string;
  /** `created` as an instant. */
  createdAt: Date;
  /**
   * The key the nonce store was given (`${appKey}:${nonce}`), and for how long: what a caller that records
   * nonces itself, in the transaction that stores the request, records (see the README's "Nonce stores").
   */
  nonceKey: string;
  nonceTtlSeconds: number;
}

/** A refused request, with the platform's answer for it (docs/axe-platform.md §16.4). */
export interface VerifyFailure {
  ok: false;
  /** Why the request was refused. */
  code: VerifyErrorCode;
  /** The platform `resultcode` to answer with. */
  resultcode: string;
  /** The platform `resultdesc` to answer with. */
  resultdesc: string;
  /** The HTTP status to answer with. */
  httpStatus: VerifyHttpStatus;
  /** A specific explanation, for logs. Never contains a secret or a digest. */
  message: string;
  /** The APP_Key the request claimed, when it got that far. */
  appKey?: string;
}

/** The outcome of {@link Verifier.verify}. */
export type VerifyResult = VerifySuccess | VerifyFailure;

/** Checks incoming UsernameToken headers. */
export interface Verifier {
  /**
   * Verify one request's headers. Checks, in order: parse → scheme allowed → Created format and window →
   * APP_Key known → digest (constant time) → nonce recorded (replay). Resolves a failure for any bad input;
   * rejects only when `lookupSecret`, `schemes` or the nonce store fails.
   */
  verify(headers: HeaderSource): Promise<VerifyResult>;
}

/** Create a {@link Verifier}. Throws {@link WsseInputError} for invalid options. */
export function createVerifier(options: VerifierOptions): Verifier {
  const {
    lookupSecret,
    schemes = SCHEMES,
    maxAgeSeconds = 300,
    maxFutureSeconds = 60,
    nonceStore,
    now,
    maxHeaderLength = DEFAULT_MAX_HEADER_LENGTH,
  } = options;
  if (typeof lookupSecret !== "function") {
    throw new WsseInputError("option-invalid", "lookupSecret must be a function.");
  }
  if (typeof nonceStore?.add !== "function") {
    throw new WsseInputError("option-invalid", "nonceStore must implement add(key, ttlSeconds).");
  }
  for (const [name, value] of [
    ["maxAgeSeconds", maxAgeSeconds],
    ["maxFutureSeconds", maxFutureSeconds],
  ] as const) {
    if (!Number.isFinite(value) || value < 0) {
      throw new WsseInputError("option-invalid", `${name} must be a finite number ≥ 0.`);
    }
  }
  if (!Number.isSafeInteger(maxHeaderLength) || maxHeaderLength < 1) {
    throw new WsseInputError("option-invalid", "maxHeaderLength must be a positive integer.");
  }
  if (typeof schemes !== "function") {
    if (!Array.isArray(schemes) || schemes.length === 0 || !schemes.every(isScheme)) {
      throw new WsseInputError("option-invalid", `schemes must list one or more of ${SCHEMES.join(", ")}.`);
    }
  }
  const schemesOf = typeof schemes === "function" ? schemes : undefined;
  // With one list for every APP_Key, the candidates of each family are fixed: work them out once.
  const staticCandidates =
    typeof schemes === "function"
      ? undefined
      : {
          AKSK: FAMILY_SCHEMES.AKSK.filter((scheme) => schemes.includes(scheme)),
          WSSE: FAMILY_SCHEMES.WSSE.filter((scheme) => schemes.includes(scheme)),
        };
  const parseOptions = { maxLength: maxHeaderLength };
  const maxAgeMs = maxAgeSeconds * 1000;
  const maxFutureMs = maxFutureSeconds * 1000;
  // A token stays acceptable from maxFuture before Created until maxAge after it, so its nonce must be kept at
  // least that long; +1 s covers the inclusive bounds and sub-second clock readings.
  const nonceTtlSeconds = Math.ceil(maxAgeSeconds + maxFutureSeconds) + 1;

  async function verify(headers: HeaderSource): Promise<VerifyResult> {
    if (headers === null || typeof headers !== "object") {
      return failure("authorization-missing", "AKSK", "No headers were given.");
    }
    const authorizationValue = readHeader(headers, "authorization");
    if (authorizationValue === MULTIPLE_VALUES) {
      return failure("authorization-malformed", "AKSK", "The Authorization header was sent more than once.");
    }
    const authorization = parseAuthorization(authorizationValue, parseOptions);
    if (!authorization.ok) return failure(authorization.code, "AKSK", authorization.message);
    const { kind, tokenHeaderName } = authorization.value;

    const tokenValue = readHeader(headers, kind === "AKSK" ? "x-aksk" : "x-wsse");
    if (tokenValue === MULTIPLE_VALUES) {
      return failure("token-malformed", kind, `The ${tokenHeaderName} header was sent more than once.`);
    }
    if (tokenValue === undefined) {
      const other = kind === "AKSK" ? "X-WSSE" : "X-AKSK";
      if (readHeader(headers, other.toLowerCase()) !== undefined) {
        return failure(
          "token-header-mismatch",
          kind,
          `Authorization names ${kind} but the token came in ${other} instead of ${tokenHeaderName}.`,
        );
      }
      return failure("token-header-missing", kind, `The ${tokenHeaderName} header is missing.`);
    }
    const token = parseUsernameToken(tokenValue, parseOptions);
    if (!token.ok) return failure(token.code, kind, `${tokenHeaderName}: ${token.message}`);
    const { username: appKey, passwordDigest, nonce, created, createdAt } = token.value;

    let candidates: readonly Scheme[];
    if (staticCandidates) {
      candidates = staticCandidates[kind];
    } else {
      const allowed = await schemesOf!(appKey);
      candidates = FAMILY_SCHEMES[kind].filter((scheme) => allowed.includes(scheme));
    }
    if (candidates.length === 0) {
      return failure(
        "scheme-not-allowed",
        kind,
        `${kind === "AKSK" ? "The aksk scheme is" : "Neither WSSE scheme is"} allowed for this APP_Key.`,
        appKey,
      );
    }

    const ageMs = (now ? now().getTime() : Date.now()) - createdAt.getTime();
    if (ageMs > maxAgeMs) {
      return failure("created-too-old", kind, `Created is more than ${maxAgeSeconds} s old.`, appKey);
    }
    if (-ageMs > maxFutureMs) {
      return failure(
        "created-in-future",
        kind,
        `Created is more than ${maxFutureSeconds} s in the future.`,
        appKey,
      );
    }

    // Await only a promise (or thenable): a lookup that answers synchronously, from a Map say, then costs no
    // extra microtask turn. A lookup that throws synchronously still makes verify reject.
    const found = lookupSecret(appKey);
    const secret = isThenable(found) ? await found : found;
    if (typeof secret !== "string" || secret.length === 0) {
      return failure("app-key-unknown", kind, "The APP_Key is not known.", appKey);
    }

    const scheme = matchDigest(candidates, secret, nonce, created, passwordDigest);
    if (scheme === undefined) {
      return failure("digest-mismatch", kind, "The PasswordDigest does not match.", appKey);
    }

    // Only a verified token may occupy the store: otherwise anyone could burn other senders' nonces.
    const nonceKey = `${appKey}:${nonce}`;
    if (!(await nonceStore.add(nonceKey, nonceTtlSeconds))) {
      return failure("nonce-replayed", kind, "The Nonce has already been used.", appKey);
    }
    return { ok: true, appKey, scheme, nonce, created, createdAt, nonceKey, nonceTtlSeconds };
  }

  return { verify };
}

const FAMILY_SCHEMES: Readonly<Record<AuthorizationKind, readonly Scheme[]>> = {
  AKSK: ["aksk"],
  WSSE: ["wsse-hex", "wsse-raw"],
};

/**
 * The candidate scheme whose digest equals the one sent, or `undefined`. Every candidate is computed and
 * compared (no early exit), each with a length check and `timingSafeEqual`; the length of each expected
 * digest is fixed by its scheme, so the check reveals nothing secret.
 */
function matchDigest(
  candidates: readonly Scheme[],
  secret: string,
  nonce: string,
  created: string,
  passwordDigest: string,
): Scheme | undefined {
  let matched: Scheme | undefined;
  for (const scheme of candidates) {
    if (digestEquals(digest(scheme, secret, nonce, created), passwordDigest) && matched === undefined) {
      matched = scheme;
    }
  }
  return matched;
}

function isThenable<T>(value: T | PromiseLike<T>): value is PromiseLike<T> {
  return (
    (typeof value === "object" || typeof value === "function") &&
    value !== null &&
    typeof (value as Partial<PromiseLike<T>>).then === "function"
  );
}

function failure(
  code: VerifyErrorCode,
  kind: AuthorizationKind,
  message: string,
  appKey?: string,
): VerifyFailure {
  const { httpStatus, resultcode, resultdesc } = describeVerifyError(code, kind);
  const result: VerifyFailure = { ok: false, code, resultcode, resultdesc, httpStatus, message };
  if (appKey !== undefined) result.appKey = appKey;
  return result;
}
