// API keys from `GATEWAY_API_KEYS`: `[name=]key:role` entries, comma-separated. The verifier keeps only the
// keys' SHA-256 digests and compares a presented key with every one of them in constant time.
import { createHash, timingSafeEqual } from "node:crypto";
import type { Caller } from "./caller.js";
import { isRole, ROLES, type Role } from "./roles.js";

/** Fewest characters an API key may have. */
export const MIN_API_KEY_LENGTH = 24;
/** Most characters an API key may have. */
export const MAX_API_KEY_LENGTH = 256;
/** Most characters a key's name may have. */
export const MAX_API_KEY_NAME_LENGTH = 64;

const BASE64URL = /^[A-Za-z0-9_-]*$/;
const NAME = /^[a-z0-9-]+$/;
/** "viewer, operator or admin" */
const ROLE_NAMES = `${ROLES.slice(0, -1).join(", ")} or ${ROLES.at(-1)}`;

/** One configured API key. */
export interface ApiKeyEntry {
  /** What audit logs call the key's holder; `[a-z0-9-]`, 1–64 characters. */
  name?: string;
  /** base64url without padding, 24–256 characters. */
  key: string;
  role: Role;
}

/** Result of {@link parseApiKeys}; `message` is one line and never contains a key. */
export type ApiKeysResult = { ok: true; entries: ApiKeyEntry[] } | { ok: false; message: string };

/** Checks presented API keys against the configured ones. */
export interface ApiKeyVerifier {
  /** The caller `presented` belongs to, or undefined when it is no configured key. */
  verify(presented: string): Caller | undefined;
}

/** Whether `value` follows the key format: 24–256 characters of base64url, no padding. */
export function isApiKey(value: string): boolean {
  return value.length >= MIN_API_KEY_LENGTH && value.length <= MAX_API_KEY_LENGTH && BASE64URL.test(value);
}

/** Parse the text of `GATEWAY_API_KEYS`. Stops at the first problem, named by the entry's 1-based position. */
export function parseApiKeys(text: string): ApiKeysResult {
  if (text.trim() === "")
    return { ok: false, message: "no entries: expected comma-separated [name=]key:role" };
  const entries: ApiKeyEntry[] = [];
  const positionOfKey = new Map<string, number>();
  const positionOfName = new Map<string, number>();
  for (const [index, raw] of text.split(",").entries()) {
    const position = index + 1;
    const entry = parseEntry(raw.trim(), position);
    if (typeof entry === "string") return { ok: false, message: entry };
    const keyTwin = positionOfKey.get(entry.key);
    if (keyTwin !== undefined) {
      return { ok: false, message: `entry ${position} repeats the key of entry ${keyTwin}` };
    }
    if (entry.name !== undefined) {
      const nameTwin = positionOfName.get(entry.name);
      if (nameTwin !== undefined) {
        const which = isSafeToQuote(entry.name) ? JSON.stringify(entry.name) : `of entry ${nameTwin}`;
        return { ok: false, message: `entry ${position} repeats the name ${which}` };
      }
      positionOfName.set(entry.name, position);
    }
    positionOfKey.set(entry.key, position);
    entries.push(entry);
  }
  return { ok: true, entries };
}

// An entry, or the line saying what is wrong with it.
function parseEntry(text: string, position: number): ApiKeyEntry | string {
  if (text === "") return `entry ${position} is empty`;
  // Keys and roles hold neither "=" nor ":", so the first "=" ends the name and the last ":" starts the role.
  const equals = text.indexOf("=");
  const name = equals === -1 ? undefined : text.slice(0, equals);
  const rest = equals === -1 ? text : text.slice(equals + 1);
  if (name !== undefined) {
    const problem = nameProblem(name);
    if (problem !== undefined) return `entry ${position}: ${problem}`;
  }
  const colon = rest.lastIndexOf(":");
  if (colon === -1) return `entry ${position}: expected [name=]key:role`;
  const key = rest.slice(0, colon);
  const role = rest.slice(colon + 1);
  if (key.length < MIN_API_KEY_LENGTH || !BASE64URL.test(key)) {
    return `entry ${position}: the key must be at least ${MIN_API_KEY_LENGTH} characters of A-Z a-z 0-9 _ -`;
  }
  if (key.length > MAX_API_KEY_LENGTH) {
    return `entry ${position}: the key must be at most ${MAX_API_KEY_LENGTH} characters of A-Z a-z 0-9 _ -`;
  }
  if (!isRole(role)) return `entry ${position}: role must be ${ROLE_NAMES}`;
  return name === undefined ? { key, role } : { name, key, role };
}

function nameProblem(name: string): string | undefined {
  if (name === "") return 'the name before "=" is empty';
  if (name.length <= MAX_API_KEY_NAME_LENGTH && NAME.test(name)) return undefined;
  if (isSafeToQuote(name)) return `the name ${JSON.stringify(name)} must be a-z, 0-9 and -`;
  // Too long to quote: it may be a key written where the name goes, or a key with "=" padding.
  return `the name must be 1–${MAX_API_KEY_NAME_LENGTH} characters of a-z, 0-9 and - (and keys carry no "=" padding)`;
}

// A text shorter than any key cannot be a key put in the wrong place, so a message may quote it.
function isSafeToQuote(text: string): boolean {
  return text.length < MIN_API_KEY_LENGTH;
}

function sha256(text: string): Buffer {
  return createHash("sha256").update(text, "utf8").digest();
}

/**
 * A verifier of `entries` that keeps only their keys' SHA-256 digests. Throws a TypeError (naming the entry
 * by position, never the key) when a key does not follow the key format.
 */
export function createApiKeyVerifier(entries: readonly ApiKeyEntry[]): ApiKeyVerifier {
  const known = entries.map((entry, index) => {
    if (!isApiKey(entry.key)) {
      throw new TypeError(
        `API key entry ${index + 1}: the key must be ${MIN_API_KEY_LENGTH}–${MAX_API_KEY_LENGTH} characters of A-Z a-z 0-9 _ -`,
      );
    }
    const digest = sha256(entry.key);
    const actor = entry.name ?? `key-${digest.toString("hex").slice(0, 8)}`;
    const caller: Caller = Object.freeze({ role: entry.role, actor, via: "api-key" });
    return { digest, caller };
  });
  return {
    verify(presented) {
      // Not a key's shape: no configured key can match, and the format is public.
      if (presented.length > MAX_API_KEY_LENGTH || !BASE64URL.test(presented)) return undefined;
      const digest = sha256(presented);
      let match: Caller | undefined;
      // Every digest is compared, whatever matched before, so the time taken says nothing of which key matched.
      for (const entry of known) {
        const same = timingSafeEqual(digest, entry.digest);
        if (same && match === undefined) match = entry.caller;
      }
      return match;
    },
  };
}
