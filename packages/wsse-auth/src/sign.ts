import { formatCreated, parseCreated } from "./created.js";
import { digest } from "./digest.js";
import { WsseInputError } from "./errors.js";
import { generateNonce, isValidNonce } from "./nonce.js";
import {
  authorizationValueOf,
  isScheme,
  kindOfScheme,
  type Scheme,
  type TokenHeaderName,
  tokenHeaderNameOf,
} from "./schemes.js";

/** The longest APP_Key {@link signUsernameToken} accepts. */
export const MAX_APP_KEY_LENGTH = 256;

// Visible ASCII except '"' and '\': the key travels inside a quoted header attribute, and fetch only allows
// Latin-1 header values.
const APP_KEY_PATTERN = /^[\x21\x23-\x5b\x5d-\x7e]+$/;

/**
 * The `Content-Type` the platform expects on every request, GET and DELETE included
 * (docs/axe-platform.md §1.3).
 */
export const CONTENT_TYPE = "application/json;charset=UTF-8";

/** Options of {@link signUsernameToken}. */
export interface SignUsernameTokenOptions {
  /** The APP_Key, sent as `Username`: 1–256 visible ASCII characters other than `"` and `\`. */
  appKey: string;
  /** The APP_Secret; used for the digest, never sent. Any non-empty string (UTF-8). */
  appSecret: string;
  /**
   * Digest scheme: `aksk` for the current platform, `wsse-hex` or `wsse-raw` for legacy WSSE peers.
   * @default "aksk"
   */
  scheme?: Scheme;
  /**
   * The Nonce: 1–128 ASCII letters or digits. Give one only to reproduce a known header.
   * @default 32 hex characters from `crypto.randomBytes(16)`
   */
  nonce?: string;
  /**
   * The Created time, as a `Date` or a `yyyy-MM-ddTHH:mm:ssZ` string.
   * @default now(), UTC, milliseconds dropped
   */
  created?: Date | string;
  /**
   * The clock read for the default `created`.
   * @default () => new Date()
   */
  now?: () => Date;
}

/** Headers that authenticate one request (or one push). */
export interface SignedUsernameToken {
  /** The scheme the digest was computed with. */
  scheme: Scheme;
  /** The `Authorization` value: `AKSK realm="SDP",profile="UsernameToken",type="Appkey"` or the `WSSE` form. */
  authorization: string;
  /** `X-AKSK` for `aksk`, `X-WSSE` for the WSSE schemes. */
  tokenHeaderName: TokenHeaderName;
  /** The token header value: `UsernameToken Username="…",PasswordDigest="…",Nonce="…",Created="…"`. */
  tokenHeader: string;
  /** `Authorization`, the token header and `Content-Type`, ready to pass to `fetch`. */
  headers: Record<string, string>;
  /** The Nonce used. */
  nonce: string;
  /** The Created value used. */
  created: string;
}

/**
 * Build the authentication headers of one request. Use a fresh token per request: a verifier rejects a Nonce
 * it has already seen. Throws {@link WsseInputError} when an argument can never produce a valid header.
 */
export function signUsernameToken(options: SignUsernameTokenOptions): SignedUsernameToken {
  const { appKey, appSecret, scheme = "aksk" } = options;
  if (!isScheme(scheme)) {
    throw new WsseInputError("scheme-invalid", `Unknown scheme ${JSON.stringify(scheme)}.`);
  }
  if (typeof appKey !== "string" || appKey.length > MAX_APP_KEY_LENGTH || !APP_KEY_PATTERN.test(appKey)) {
    throw new WsseInputError(
      "app-key-invalid",
      `appKey must be 1 to ${MAX_APP_KEY_LENGTH} visible ASCII characters other than '"' and '\\'.`,
    );
  }
  if (typeof appSecret !== "string" || appSecret.length === 0) {
    throw new WsseInputError("app-secret-invalid", "appSecret must be a non-empty string.");
  }
  const nonce = options.nonce ?? generateNonce();
  if (typeof nonce !== "string" || !isValidNonce(nonce)) {
    throw new WsseInputError("nonce-invalid", "nonce must be 1 to 128 ASCII letters or digits.");
  }
  const created = resolveCreated(options);
  const kind = kindOfScheme(scheme);
  const tokenHeaderName = tokenHeaderNameOf(kind);
  const authorization = authorizationValueOf(kind);
  const passwordDigest = digest(scheme, appSecret, nonce, created);
  const tokenHeader = `UsernameToken Username="${appKey}",PasswordDigest="${passwordDigest}",Nonce="${nonce}",Created="${created}"`;
  return {
    scheme,
    authorization,
    tokenHeaderName,
    tokenHeader,
    headers: { Authorization: authorization, [tokenHeaderName]: tokenHeader, "Content-Type": CONTENT_TYPE },
    nonce,
    created,
  };
}

function resolveCreated(options: SignUsernameTokenOptions): string {
  const { created } = options;
  if (typeof created === "string") {
    if (parseCreated(created) === undefined) {
      throw new WsseInputError(
        "created-invalid",
        "created must be a UTC time formatted yyyy-MM-ddTHH:mm:ssZ.",
      );
    }
    return created;
  }
  if (created !== undefined) return formatCreated(created);
  return formatCreated(options.now ? options.now() : new Date());
}
