// The one entry of the credential checks: an `Authorization` value (HTTP header, or graphql-ws
// `connectionParams.authorization`) in, a Caller or an AuthenticationError out.
import type { ApiKeyVerifier } from "./api-keys.js";
import { AuthenticationError, type Caller } from "./caller.js";
import type { JwtVerifier } from "./jwt.js";

/** Longest `Authorization` value looked at; anything longer is refused before it is parsed. */
export const MAX_AUTHORIZATION_LENGTH = 8 * 1024;

const BEARER = /^bearer +(\S+)$/i;
const BEARER_ALONE = /^bearer$/i;

/** The verifiers an authenticator hands credentials to; an absent one refuses its kind of credential. */
export interface Verifiers {
  apiKeys?: ApiKeyVerifier;
  jwt?: JwtVerifier;
}

/** Turns an `Authorization` value into the caller it proves. */
export interface Authenticator {
  /** The caller `authorization` proves; throws {@link AuthenticationError} when it proves none. */
  authenticate(authorization: string | null | undefined): Promise<Caller>;
}

/** An authenticator that sends JWTs (three dot-separated parts) to `jwt` and everything else to `apiKeys`. */
export function createAuthenticator(verifiers: Verifiers): Authenticator {
  const { apiKeys, jwt } = verifiers;
  return {
    async authenticate(authorization) {
      const credential = bearerCredential(authorization);
      if (credential.split(".").length === 3) {
        if (jwt === undefined) {
          throw new AuthenticationError(
            "unknown-key",
            "This gateway accepts no JWTs: send one of its API keys.",
          );
        }
        return jwt.verify(credential);
      }
      const caller = apiKeys?.verify(credential);
      if (caller === undefined) throw new AuthenticationError("unknown-key");
      return caller;
    },
  };
}

// The credential of `Bearer <credential>` (scheme in any case, one space or more, trimmed).
function bearerCredential(authorization: string | null | undefined): string {
  // graphql-ws hands over whatever the client put in connectionParams: check the type, not only the type system.
  if (authorization === null || authorization === undefined) throw new AuthenticationError("missing");
  if (typeof authorization !== "string") throw new AuthenticationError("malformed");
  if (authorization.length > MAX_AUTHORIZATION_LENGTH) {
    throw new AuthenticationError("malformed", "The Authorization header is longer than 8 KB.");
  }
  const value = authorization.trim();
  if (value === "") throw new AuthenticationError("missing");
  if (BEARER_ALONE.test(value)) {
    throw new AuthenticationError("malformed", "The Authorization header has no credential after `Bearer`.");
  }
  const match = BEARER.exec(value);
  if (match === null) throw new AuthenticationError("malformed");
  return match[1]!;
}
