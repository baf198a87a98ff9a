// API keys for development, one per role, kept in the data directory so that they survive a restart.
// They are written once and never overwritten: a user may have handed them out.
import { randomBytes, randomUUID } from "node:crypto";
import { link, mkdir, open, readFile, unlink } from "node:fs/promises";
import { join } from "node:path";
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
  if (await createExclusively(path, `${JSON.stringify({ version: 1, ...keys }, null, 2)}\n`)) return keys;
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
  let text: string;
  try {
    text = await readFile(path, "utf8");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw error;
  }
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

// Written in full (mode 0600, synced) to a private file in the same directory, then hard-linked to `path`:
// the file appears whole or not at all, and `link` fails rather than replace one that exists.
async function createExclusively(path: string, text: string): Promise<boolean> {
  const temporary = `${path}.${randomUUID()}.tmp`;
  try {
    const handle = await open(temporary, "wx", 0o600);
    try {
      await handle.writeFile(text);
      await handle.sync();
    } finally {
      await handle.close();
    }
    return await link(temporary, path).then(
      () => true,
      (error: NodeJS.ErrnoException) => {
        if (error.code === "EEXIST") return false;
        throw error;
      },
    );
  } finally {
    await unlink(temporary).catch(() => {});
  }
}
