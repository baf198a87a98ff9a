import * as crypto from "node:crypto";
import { WsseInputError } from "./errors.js";
import { isScheme, type Scheme } from "./schemes.js";

/**
 * The PasswordDigest of a UsernameToken (docs/axe-platform.md §2, §16.1); all strings are taken as UTF-8.
 * - `aksk`: Base64(HMAC-SHA256(key = appSecret, message = nonce + created))
 * - `wsse-hex`: Base64(lowercase hex of SHA-256(nonce + created + appSecret)) — Huawei's Python samples
 * - `wsse-raw`: Base64(raw SHA-256(nonce + created + appSecret)) — Huawei's PHP samples
 *
 * Throws {@link WsseInputError} for an unknown scheme, an empty secret or a non-string argument.
 */
export function computePasswordDigest(
  scheme: Scheme,
  appSecret: string,
  nonce: string,
  created: string,
): string {
  if (!isScheme(scheme)) {
    throw new WsseInputError("scheme-invalid", `Unknown scheme ${JSON.stringify(scheme)}.`);
  }
  if (typeof appSecret !== "string" || appSecret.length === 0) {
    throw new WsseInputError("app-secret-invalid", "appSecret must be a non-empty string.");
  }
  if (typeof nonce !== "string" || typeof created !== "string") {
    throw new WsseInputError("option-invalid", "nonce and created must be strings.");
  }
  return digest(scheme, appSecret, nonce, created);
}

/** {@link computePasswordDigest} without argument checks, for callers that validated already. */
export function digest(scheme: Scheme, appSecret: string, nonce: string, created: string): string {
  switch (scheme) {
    case "aksk":
      return hmacSha256Base64(appSecret, nonce + created);
    case "wsse-hex":
      return Buffer.from(sha256(nonce + created + appSecret, "hex"), "latin1").toString("base64");
    case "wsse-raw":
      return sha256(nonce + created + appSecret, "base64");
  }
}

type Encoding = "base64" | "hex";

// crypto.hash (Node ≥ 20.12) hashes in one call without a Hash object: several times faster than
// createHash/createHmac for inputs this small. Older Node 20 releases fall back to createHash.
const sha256: (data: string | Uint8Array, encoding: Encoding) => string =
  typeof crypto.hash === "function"
    ? (data, encoding) => crypto.hash("sha256", data, encoding)
    : (data, encoding) => crypto.createHash("sha256").update(data).digest(encoding);

/** Base64(HMAC-SHA256(key, message)), strings as UTF-8. Node's own HMAC: no hand-rolled cryptography. */
export function hmacSha256Base64(key: string, message: string): string {
  return crypto.createHmac("sha256", key).update(message).digest("base64");
}
