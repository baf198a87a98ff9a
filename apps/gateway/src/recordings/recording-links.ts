import { createHmac, timingSafeEqual } from "node:crypto";

/** A link to an archived recording that needs no credentials until it expires. */
export interface RecordingLink {
  /** `/recordings/<icid>?expires=…&signature=…`, relative to the gateway's origin. */
  path: string;
  expiresAt: Date;
}

/**
 * Signed, short-lived links to `GET /recordings/<icid>`, for a browser's `<audio>` element (which cannot send
 * an Authorization header). The key is shared by every instance of the deployment.
 */
export interface RecordingLinks {
  /** A link to the recording of `icid`, valid for `RECORDINGS_LINK_TTL_SECONDS`. */
  sign(icid: string): RecordingLink;
  /** Whether `query` (of a request for `icid`) carries a valid signature, and whether it is still valid. */
  verify(icid: string, query: URLSearchParams): "valid" | "expired" | "invalid";
}

/** What {@link createRecordingLinks} needs. */
export interface RecordingLinksOptions {
  /** The deployment's shared key (shared/gateway-secrets.ts). */
  secret: Uint8Array;
  /** `RECORDINGS_LINK_TTL_SECONDS`. */
  ttlSeconds: number;
  /** The wall clock, in ms. @default Date.now */
  now?: () => number;
}

/** Longest a signature is accepted for, whatever its `expires` says: a link is never valid for longer. */
const MAX_TTL_SECONDS = 86_400;

/**
 * {@link RecordingLinks} signed with HMAC-SHA-256 over the icid and the expiry (epoch seconds), compared in
 * constant time. A link names one recording and one expiry: neither can be changed without the key.
 */
export function createRecordingLinks({
  secret,
  ttlSeconds,
  now = Date.now,
}: RecordingLinksOptions): RecordingLinks {
  const signatureOf = (icid: string, expires: number) =>
    createHmac("sha256", secret).update(`recording\u0000${icid}\u0000${expires}`).digest();
  return {
    sign(icid) {
      const expires = Math.floor(now() / 1000) + ttlSeconds;
      const signature = signatureOf(icid, expires).toString("base64url");
      return {
        path: `/recordings/${encodeURIComponent(icid)}?expires=${expires}&signature=${signature}`,
        expiresAt: new Date(expires * 1000),
      };
    },
    verify(icid, query) {
      const expiresText = query.get("expires") ?? "";
      const signatureText = query.get("signature") ?? "";
      if (!/^\d{1,12}$/.test(expiresText) || !/^[A-Za-z0-9_-]{43}$/.test(signatureText)) return "invalid";
      const expires = Number(expiresText);
      const given = Buffer.from(signatureText, "base64url");
      const expected = signatureOf(icid, expires);
      if (given.length !== expected.length || !timingSafeEqual(given, expected)) return "invalid";
      const nowSeconds = now() / 1000;
      // A signed expiry beyond the longest TTL was not made by this gateway's settings: not a link it issued.
      if (expires > nowSeconds + MAX_TTL_SECONDS) return "invalid";
      if (expires <= nowSeconds) return "expired";
      return "valid";
    },
  };
}
