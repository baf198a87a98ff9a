/**
 * Every supported PasswordDigest scheme, in order of preference (current platform first): `aksk` is the current
 * platform's HMAC-SHA256; `wsse-hex` and `wsse-raw` are the two legacy WSSE variants found in Huawei's Python
 * and PHP samples (docs/axe-platform.md §2, §16.1). The one list of schemes: {@link Scheme} and
 * {@link isScheme} derive from it, and other packages take it from here.
 */
export const SCHEMES = Object.freeze(["aksk", "wsse-hex", "wsse-raw"] as const);

/** A PasswordDigest scheme: one of {@link SCHEMES}. */
export type Scheme = (typeof SCHEMES)[number];

/** The family named by the `Authorization` header: `AKSK …` or `WSSE …`. */
export type AuthorizationKind = "AKSK" | "WSSE";

/** The header that carries the UsernameToken for each family. */
export type TokenHeaderName = "X-AKSK" | "X-WSSE";

/** True when `value` is one of {@link SCHEMES}. */
export function isScheme(value: unknown): value is Scheme {
  return (SCHEMES as readonly unknown[]).includes(value);
}

/** The `Authorization` family a scheme is sent under. */
export function kindOfScheme(scheme: Scheme): AuthorizationKind {
  return scheme === "aksk" ? "AKSK" : "WSSE";
}

/** The token header a family uses. */
export function tokenHeaderNameOf(kind: AuthorizationKind): TokenHeaderName {
  return kind === "AKSK" ? "X-AKSK" : "X-WSSE";
}

/** The fixed `Authorization` value of a family (docs/axe-platform.md §1.3). */
export function authorizationValueOf(kind: AuthorizationKind): string {
  return `${kind} realm="SDP",profile="UsernameToken",type="Appkey"`;
}
