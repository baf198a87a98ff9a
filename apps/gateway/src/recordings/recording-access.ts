import type { Authenticator } from "../auth/authenticator.js";
import { AuthenticationError } from "../auth/caller.js";
import { hasRole } from "../auth/roles.js";
import type { RecordingLinks } from "./recording-links.js";

/** Longest a signed link's answer may be cached: a link is never valid longer (recording-links.ts). */
const MAX_LINK_CACHE_SECONDS = 86_400;

/** Whether a request may fetch a recording, how it proved it, or the refusal to answer. */
export type RecordingAccessVerdict =
  /** A valid signed link, good for `secondsLeft` more seconds. */
  | { allowed: true; via: "link"; secondsLeft: number }
  /** An operator's or admin's credentials. */
  | { allowed: true; via: "credentials" }
  | { allowed: false; status: 401 | 403; message: string };

/** What {@link createRecordingAccess} decides from. */
export interface RecordingAccessOptions {
  links: RecordingLinks;
  authenticator: Authenticator;
  /** Told of each refused credential, to log it as GraphQL's are (http/authentication.ts `logRefusal`). */
  onRefusal?: (error: AuthenticationError) => void;
  /** The clock the links are signed by, in ms. @default Date.now */
  now?: () => number;
}

const EXPIRED_LINK =
  "This recording link has expired; ask the gateway for a new one (CallRecord.recording.url).";
// Never which part was wrong: a forger learns nothing from it.
const INVALID_LINK =
  "This recording link is not valid; ask the gateway for a new one (CallRecord.recording.url).";
const NO_CREDENTIALS =
  "No credentials: send `Authorization: Bearer <API key or JWT>` of an operator or admin, or use a signed " +
  "link (CallRecord.recording.url).";

/**
 * Who may fetch the recording of `icid`: the holder of a signed link to it (a query with `signature`: the link
 * alone decides, whatever else is sent), else an operator or admin by `Authorization: Bearer`. Viewers never
 * (403): recordings are the calls' content. Decided from the request alone, before the database is asked, so
 * that a refused client learns nothing of the recording, not even whether it exists.
 */
export function createRecordingAccess({
  links,
  authenticator,
  onRefusal,
  now = Date.now,
}: RecordingAccessOptions): (
  icid: string,
  query: URLSearchParams,
  authorization: string | null,
) => Promise<RecordingAccessVerdict> {
  return async (icid, query, authorization) => {
    if (query.has("signature")) {
      const verdict = links.verify(icid, query);
      if (verdict === "expired") return { allowed: false, status: 403, message: EXPIRED_LINK };
      if (verdict === "invalid") return { allowed: false, status: 403, message: INVALID_LINK };
      // A valid link's `expires` is epoch seconds, at most a day ahead (checked by verify).
      const secondsLeft = Number(query.get("expires")) - Math.floor(now() / 1000);
      return {
        allowed: true,
        via: "link",
        secondsLeft: Math.min(Math.max(secondsLeft, 0), MAX_LINK_CACHE_SECONDS),
      };
    }
    try {
      const caller = await authenticator.authenticate(authorization);
      if (hasRole(caller.role, "operator")) return { allowed: true, via: "credentials" };
      return {
        allowed: false,
        status: 403,
        message: `The ${caller.role} role may not fetch recordings: send an operator's or admin's credentials.`,
      };
    } catch (error) {
      if (!(error instanceof AuthenticationError)) throw error;
      onRefusal?.(error);
      return {
        allowed: false,
        status: 401,
        message: error.reason === "missing" ? NO_CREDENTIALS : error.message,
      };
    }
  };
}
