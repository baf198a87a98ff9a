import type { AuthorizationKind } from "./schemes.js";

/** Why `parseAuthorization` rejected a value. */
export type AuthorizationErrorCode =
  | "authorization-missing"
  | "authorization-too-long"
  | "authorization-malformed"
  | "authorization-scheme-unsupported"
  | "realm-missing"
  | "realm-invalid"
  | "profile-missing"
  | "profile-invalid"
  | "type-missing"
  | "type-invalid";

/** Why `parseUsernameToken` rejected a value. */
export type UsernameTokenErrorCode =
  | "token-header-missing"
  | "token-too-long"
  | "username-token-missing"
  | "token-malformed"
  | "username-missing"
  | "password-digest-missing"
  | "nonce-missing"
  | "nonce-invalid"
  | "created-missing"
  | "created-invalid";

/** Every code a parser can return. */
export type ParseErrorCode = AuthorizationErrorCode | UsernameTokenErrorCode;

/** Every code `verify` can return: the parse codes plus the checks that need a secret, a clock or a store. */
export type VerifyErrorCode =
  | ParseErrorCode
  | "token-header-mismatch"
  | "scheme-not-allowed"
  | "created-too-old"
  | "created-in-future"
  | "app-key-unknown"
  | "digest-mismatch"
  | "nonce-replayed";

/** HTTP statuses a verification failure maps to (docs/axe-platform.md §1.4, §16.4). */
export type VerifyHttpStatus = 400 | 401 | 403;

/** How the platform answers a failure: HTTP status, `resultcode` and `resultdesc`. */
export interface ErrorDescription {
  httpStatus: VerifyHttpStatus;
  resultcode: string;
  resultdesc: string;
}

interface ErrorTableEntry extends ErrorDescription {
  /** Replaces `resultcode`/`resultdesc` when the request used the WSSE family (codes 1023026–1023031). */
  wsse?: { resultcode: string; resultdesc: string };
}

const header = (resultcode: string, resultdesc: string, wsse?: ErrorTableEntry["wsse"]): ErrorTableEntry =>
  wsse ? { httpStatus: 400, resultcode, resultdesc, wsse } : { httpStatus: 400, resultcode, resultdesc };

/**
 * Each failure with the platform's answer. Texts are Huawei's `resultdesc` where Huawei publishes a code for
 * exactly that failure (docs/axe-platform.md §10). Where Huawei is silent, the code is the closest published
 * one in the 1023006–1023038 header range and the text is the project's own (docs/axe-platform.md §16.4:
 * header problems → 400 + 1023xxx).
 */
export const VERIFY_ERRORS: Readonly<Record<VerifyErrorCode, Readonly<ErrorTableEntry>>> = Object.freeze({
  "authorization-missing": header("1023006", "Authorization not contained in the HTTP header."),
  "authorization-too-long": header("1023007", "Authorization header is too long."),
  "authorization-malformed": header("1023007", "Authorization is malformed."),
  "authorization-scheme-unsupported": header("1023013", "Authorization must start with AKSK or WSSE."),
  "realm-missing": header("1023007", "realm not contained in Authorization."),
  "profile-missing": header("1023008", "profile not contained in Authorization."),
  "realm-invalid": header("1023009", "The value of realm in Authorization must be SDP."),
  "profile-invalid": header("1023010", "The value of profile in Authorization must be UsernameToken."),
  "type-invalid": header("1023011", "The value of type in Authorization must be app_key."),
  "type-missing": header("1023012", "type not contained in Authorization."),
  "token-header-missing": header("1023033", "HTTP header not found X-AKSK field.", {
    resultcode: "1023026",
    resultdesc: "X-WSSE not contained in the HTTP header.",
  }),
  "token-header-mismatch": header("1023033", "HTTP header not found X-AKSK field.", {
    resultcode: "1023026",
    resultdesc: "X-WSSE not contained in the HTTP header.",
  }),
  "token-too-long": header("1023038", "X-AKSK header is too long.", {
    resultcode: "1023026",
    resultdesc: "X-WSSE header is too long.",
  }),
  "username-token-missing": header("1023038", "UsernameToken not contained in X-AKSK.", {
    resultcode: "1023026",
    resultdesc: "UsernameToken not contained in X-WSSE.",
  }),
  "token-malformed": header("1023038", "X-AKSK is malformed.", {
    resultcode: "1023026",
    resultdesc: "X-WSSE is malformed.",
  }),
  "username-missing": header("1023034", "UserName not contained in X-AKSK.", {
    resultcode: "1023027",
    resultdesc: "Username not contained in X-WSSE.",
  }),
  "nonce-missing": header("1023035", "Nonce not contained in X-AKSK.", {
    resultcode: "1023028",
    resultdesc: "Nonce not contained in X-WSSE.",
  }),
  "nonce-invalid": header("1023035", "Nonce in X-AKSK must be 1-128 letters or digits.", {
    resultcode: "1023028",
    resultdesc: "Nonce in X-WSSE must be 1-128 letters or digits.",
  }),
  "created-missing": header("1023036", "Created not contained in X-AKSK.", {
    resultcode: "1023029",
    resultdesc: "Created not contained in X-WSSE.",
  }),
  "created-invalid": header("1023031", "The format of Created in X-AKSK is invalid.", {
    resultcode: "1023031",
    resultdesc: "The format of Created in X-WSSE is invalid.",
  }),
  "password-digest-missing": header("1023037", "PasswordDigest not contained in X-AKSK.", {
    resultcode: "1023030",
    resultdesc: "PasswordDigest not contained in X-WSSE.",
  }),
  "scheme-not-allowed": header("1023013", "Authorization scheme not allowed for this app."),
  "created-too-old": { httpStatus: 401, resultcode: "1010013", resultdesc: "Time out limit." },
  "created-in-future": { httpStatus: 401, resultcode: "1010013", resultdesc: "Time out limit." },
  "app-key-unknown": { httpStatus: 403, resultcode: "1010003", resultdesc: "Invalid app_key." },
  "digest-mismatch": { httpStatus: 401, resultcode: "1010010", resultdesc: "Invalid digest." },
  // Huawei documents no replay check; answering like a bad digest is the project's convention
  // (docs/axe-platform.md §16.4).
  "nonce-replayed": { httpStatus: 401, resultcode: "1010010", resultdesc: "Invalid digest." },
});

/** The platform's answer (status, `resultcode`, `resultdesc`) for a failure code in a given header family. */
export function describeVerifyError(
  code: VerifyErrorCode,
  kind: AuthorizationKind = "AKSK",
): ErrorDescription {
  const entry = VERIFY_ERRORS[code];
  const variant = kind === "WSSE" && entry.wsse ? entry.wsse : entry;
  return { httpStatus: entry.httpStatus, resultcode: variant.resultcode, resultdesc: variant.resultdesc };
}

/** Why an argument given to a signing function, `createVerifier` or a nonce store was refused. */
export type InputErrorCode =
  | "scheme-invalid"
  | "app-key-invalid"
  | "app-secret-invalid"
  | "nonce-invalid"
  | "created-invalid"
  | "option-invalid";

/**
 * Thrown for a programming error: a call whose arguments can never produce a valid header or verifier
 * (unknown scheme, empty secret, malformed explicit nonce…). Bad *incoming* headers never throw; `verify` and
 * the parsers return a failure result instead.
 */
export class WsseInputError extends Error {
  override readonly name = "WsseInputError";
  /** What was wrong. */
  readonly code: InputErrorCode;

  constructor(code: InputErrorCode, message: string) {
    super(message);
    this.code = code;
  }
}
