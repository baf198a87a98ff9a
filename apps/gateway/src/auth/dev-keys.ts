// API keys for development, one per role, kept in the data directory so that they survive a restart.
// They are written once and never overwritten: a user may have handed them out.
import { randomBytes } from "node:crypto";
import { mkdir } from "node:fs/promises";
import { join } from "node:path";
import { createFileExclusively, readFileIfExists } from "../shared/exclusive-file.js";
import { type ApiKeyEntry, isApiKey } from "./api-keys.js";
import { ROLES } from "./roles.js";

/** Name of the dev keys file inside the data directory. */
export const DEV_KEYS_FILE_NAME = "dev-keys.json";

/** The development keys file exists but holds no usable keys: the user deletes it (one line, no stack). */
export class DevKeysFileError extends Error {
  override name = "DevKeysFileError";
}

/** One development API key per role. */
export interface DevKeys {
  viewer: string;
  operator: string;
  admin: string;
}

/**
 * The dev keys of `dataDir` (created, with the directory, when there are none). Throws when the file exists
 * but does not hold valid keys, rather than replacing keys that may be in use.
 */
export async function loadOrCreateDevKeys(dataDir: string): Promise<DevKeys> {
  await mkdir(dataDir, { recursive: true });
  const path = join(dataDir, DEV_KEYS_FILE_NAME);
  const existing = await readDevKeys(path);
  if (existing !== undefined) return existing;
  const keys: DevKeys = { viewer: newKey(), operator: newKey(), admin: newKey() };
  // Readable by this user alone; never replacing a file that appeared meanwhile.
  if (await createFileExclusively(path, `${JSON.stringify({ version: 1, ...keys }, null, 2)}\n`, 0o600)) {
    return keys;
  }
  // Another process created the file in the meantime: its keys are the ones in use.
  return (await readDevKeys(path))!;
}

/** The entries of `keys` for the API key verifier, named `dev-viewer`, `dev-operator` and `dev-admin`. */
export function devKeyEntries(keys: DevKeys): ApiKeyEntry[] {
  return ROLES.map((role) => ({ name: `dev-${role}`, key: keys[role], role }));
}

// 32 random bytes, base64url: 43 characters, a valid API key.
function newKey(): string {
  return randomBytes(32).toString("base64url");
}

async function readDevKeys(path: string): Promise<DevKeys | undefined> {
  const text = await readFileIfExists(path);
  if (text === undefined) return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    // JSON.parse's message may quote the file, keys included: it stays out.
    throw new DevKeysFileError(
      `The development keys file ${path} is not valid JSON; delete it to get new keys.`,
    );
  }
  const keys = devKeysIn(parsed);
  if (keys === undefined) {
    throw new DevKeysFileError(
      `The development keys file ${path} does not hold three distinct keys of the API key format (version 1); delete it to get new keys.`,
    );
  }
  return keys;
}

function devKeysIn(value: unknown): DevKeys | undefined {
  if (typeof value !== "object" || value === null) return undefined;
  const { version, viewer, operator, admin } = value as Record<string, unknown>;
  if (version !== 1) return undefined;
  const keys = [viewer, operator, admin];
  if (!keys.every((key) => typeof key === "string" && isApiKey(key))) return undefined;
  if (new Set(keys).size !== keys.length) return undefined;
  return { viewer: viewer as string, operator: operator as string, admin: admin as string };
}
