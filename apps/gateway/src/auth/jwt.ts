// JWTs signed with a shared secret (HS256) or by the keys of a JSON Web Key Set fetched from a URL
// (asymmetric algorithms only). jose's failures become AuthenticationErrors with a short reason.
import {
  createRemoteJWKSet,
  errors,
  type JWTPayload,
  type JWTVerifyGetKey,
  type JWTVerifyOptions,
  type JWTVerifyResult,
  jwtVerify,
} from "jose";
import { AuthenticationError, type Caller } from "./caller.js";
import { highestRole, isRole, type Role } from "./roles.js";

/** How JWTs are checked. Exactly one of `secret` and `jwksUrl`. */
export interface JwtSettings {
  /** Shared secret of HS256 tokens. */
  secret?: string;
  /** URL of the JSON Web Key Set whose keys sign the tokens. */
  jwksUrl?: string;
  /** Required `iss`, when set. */
  issuer?: string;
  /** Required `aud` (or one of it), when set. */
  audience?: string;
  /** The claim that carries the role: a role, or an array of strings of which the highest role counts. */
  roleClaim: string;
}

/** Checks presented JWTs. */
export interface JwtVerifier {
  /** The caller `token` proves; throws {@link AuthenticationError} when it proves none. */
  verify(token: string): Promise<Caller>;
}

/** The only algorithm of tokens signed with a shared secret. */
export const SECRET_ALGORITHMS = Object.freeze(["HS256"] as const);

/** The algorithms accepted from a key set: asymmetric only, so a public key can never serve as an HMAC secret. */
export const KEY_SET_ALGORITHMS = Object.freeze([
  "RS256",
  "RS384",
  "RS512",
  "PS256",
  "PS384",
  "PS512",
  "ES256",
  "ES384",
  "ES512",
  "EdDSA",
] as const);

/**
 * The key set could not be fetched or used: a fault of the gateway's set-up or of the key server, not of the
 * token. The `cause` of the AuthenticationError then, carrying what went wrong for the gateway's log.
 */
export class KeySetFetchError extends Error {
  override name = "KeySetFetchError";

  constructor(cause: unknown) {
    super("Could not fetch a usable JSON Web Key Set from the configured JWKS URL.", { cause });
  }
}

/** A verifier of JWTs under `settings`. `now` (epoch ms) replaces the clock, for tests. */
export function createJwtVerifier(settings: JwtSettings, options: { now?: () => number } = {}): JwtVerifier {
  const { check, algorithms } = signatureCheck(settings);
  const now = options.now;
  return {
    async verify(token) {
      const verifyOptions: JWTVerifyOptions = {
        algorithms: [...algorithms],
        requiredClaims: ["exp"],
        clockTolerance: 0,
      };
      if (settings.issuer !== undefined) verifyOptions.issuer = settings.issuer;
      if (settings.audience !== undefined) verifyOptions.audience = settings.audience;
      if (now !== undefined) verifyOptions.currentDate = new Date(now());
      let payload: JWTPayload;
      try {
        ({ payload } = await check(token, verifyOptions));
      } catch (error) {
        throw refusal(error);
      }
      return callerOf(payload, settings.roleClaim);
    },
  };
}

// jwtVerify bound to the secret or to the key set, with the algorithms that go with it.
function signatureCheck(settings: JwtSettings): {
  check: (token: string, options: JWTVerifyOptions) => Promise<JWTVerifyResult>;
  algorithms: readonly string[];
} {
  const { secret, jwksUrl } = settings;
  if ((secret === undefined) === (jwksUrl === undefined)) {
    throw new TypeError("JwtSettings need exactly one of `secret` and `jwksUrl`.");
  }
  if (secret !== undefined) {
    if (secret === "") throw new TypeError("JwtSettings.secret must not be empty.");
    const key = new TextEncoder().encode(secret);
    return { check: (token, options) => jwtVerify(token, key, options), algorithms: SECRET_ALGORITHMS };
  }
  const remote = createRemoteJWKSet(new URL(jwksUrl!));
  // Told apart here, where the key is looked up: a token naming no key of the set is the token's fault;
  // anything else (network down, timeout, an answer that is no key set) is the key set's.
  const key: JWTVerifyGetKey = async (header, token) => {
    try {
      return await remote(header, token);
    } catch (error) {
      if (error instanceof errors.JWKSNoMatchingKey || error instanceof errors.JWKSMultipleMatchingKeys) {
        throw error;
      }
      throw new KeySetFetchError(error);
    }
  };
  return { check: (token, options) => jwtVerify(token, key, options), algorithms: KEY_SET_ALGORITHMS };
}

// The AuthenticationError for a failure of jwtVerify. jose's own messages stay out: a short reason only.
function refusal(error: unknown): Error {
  if (error instanceof KeySetFetchError) {
    return new AuthenticationError(
      "invalid-token",
      "The JWT could not be checked: the gateway could not fetch its key set.",
      { cause: error },
    );
  }
  if (error instanceof errors.JWTExpired) return new AuthenticationError("expired");
  if (!(error instanceof errors.JOSEError)) return error as Error; // not the token's doing: a bug, let it show
  return invalid(reasonOf(error));
}

function reasonOf(error: errors.JOSEError): string {
  if (error instanceof errors.JWSSignatureVerificationFailed) return "signature does not verify";
  if (error instanceof errors.JOSEAlgNotAllowed) return "algorithm not allowed";
  if (error instanceof errors.JWKSNoMatchingKey || error instanceof errors.JWKSMultipleMatchingKeys) {
    return "no single key of the key set matches it";
  }
  if (error instanceof errors.JWTClaimValidationFailed) {
    if (error.claim === "iss") return "issuer does not match";
    if (error.claim === "aud") return "audience does not match";
    if (error.claim === "nbf") return "not yet valid";
    if (error.claim === "exp" && error.reason === "missing") return "no expiry (`exp`)";
  }
  return "malformed";
}

function invalid(reason: string): AuthenticationError {
  return new AuthenticationError("invalid-token", `The JWT is invalid: ${reason}.`);
}

function callerOf(payload: JWTPayload, roleClaim: string): Caller {
  const exp = payload.exp as number; // required and checked to be a number by jwtVerify
  // JSON reads 1e400 as Infinity: such a token would never expire.
  if (!Number.isFinite(exp)) throw invalid("malformed");
  const role = roleOf(payload[roleClaim]);
  if (role === undefined) {
    throw new AuthenticationError(
      "no-role",
      `The JWT carries no role in claim \`${roleClaim}\` (viewer, operator or admin).`,
    );
  }
  const actor = typeof payload.sub === "string" && payload.sub !== "" ? payload.sub : "jwt";
  return Object.freeze({ role, actor, via: "jwt", expiresAt: exp * 1000 });
}

// A role name, or an array of strings of which the highest role is taken (names of no role are skipped).
function roleOf(value: unknown): Role | undefined {
  if (isRole(value)) return value;
  if (Array.isArray(value) && value.every((item) => typeof item === "string")) {
    return highestRole(value.filter(isRole));
  }
  return undefined;
}
