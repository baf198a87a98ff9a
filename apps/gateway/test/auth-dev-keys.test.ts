import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { createApiKeyVerifier, parseApiKeys } from "../src/auth/api-keys.js";
import {
  DEV_KEYS_FILE_NAME,
  DevKeysFileError,
  devKeyEntries,
  loadOrCreateDevKeys,
} from "../src/auth/dev-keys.js";

const dirs: string[] = [];
function newDir(): string {
  const dir = mkdtempSync(join(tmpdir(), "privnum-dev-keys-"));
  dirs.push(dir);
  return dir;
}

afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

const VALID_KEY = "validKey_0123456789abcdefghij";

/** `dataDir` holding a dev keys file of `text`; returns the file's path. */
function withFile(dataDir: string, text: string): string {
  const path = join(dataDir, DEV_KEYS_FILE_NAME);
  writeFileSync(path, text);
  return path;
}

describe("loadOrCreateDevKeys", () => {
  it("creates the data directory and a file only its owner can read, with a fresh key per role", async () => {
    const dataDir = join(newDir(), "nested", "data");
    const keys = await loadOrCreateDevKeys(dataDir);
    const path = join(dataDir, DEV_KEYS_FILE_NAME);
    expect(statSync(path).mode & 0o777).toBe(0o600);
    expect(JSON.parse(readFileSync(path, "utf8"))).toEqual({ version: 1, ...keys });
    expect(Object.keys(keys)).toEqual(["viewer", "operator", "admin"]);
    for (const key of Object.values(keys)) expect(key).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(new Set(Object.values(keys)).size).toBe(3);
    // Nothing left of the temporary file.
    expect(readdirSync(dataDir)).toEqual([DEV_KEYS_FILE_NAME]);
  });

  it("returns the same keys on the next start", async () => {
    const dataDir = newDir();
    const first = await loadOrCreateDevKeys(dataDir);
    expect(await loadOrCreateDevKeys(dataDir)).toEqual(first);
  });

  it("gives two concurrent callers the same keys: the file is never replaced", async () => {
    const dataDir = newDir();
    const [a, b] = await Promise.all([loadOrCreateDevKeys(dataDir), loadOrCreateDevKeys(dataDir)]);
    expect(a).toEqual(b);
    expect(JSON.parse(readFileSync(join(dataDir, DEV_KEYS_FILE_NAME), "utf8"))).toEqual({ version: 1, ...a });
  });

  it("refuses a file that is not JSON, leaving it as it was", async () => {
    const dataDir = newDir();
    const text = `{"version":1,"viewer":"${VALID_KEY}"`;
    const path = withFile(dataDir, text);
    await expect(loadOrCreateDevKeys(dataDir)).rejects.toThrow(
      new DevKeysFileError(`The development keys file ${path} is not valid JSON; delete it to get new keys.`),
    );
    expect(readFileSync(path, "utf8")).toBe(text);
  });

  it("refuses a file whose keys are not of the key format, naming no key and leaving it as it was", async () => {
    const cases = [
      { version: 1, viewer: "short", operator: VALID_KEY, admin: `${VALID_KEY}x` },
      { version: 1, viewer: `${VALID_KEY}a`, operator: `${VALID_KEY}+b`, admin: `${VALID_KEY}c` },
      { version: 1, viewer: `${VALID_KEY}a`, operator: `${VALID_KEY}b` },
      { version: 1, viewer: VALID_KEY, operator: VALID_KEY, admin: `${VALID_KEY}c` },
      { version: 2, viewer: `${VALID_KEY}a`, operator: `${VALID_KEY}b`, admin: `${VALID_KEY}c` },
      { viewer: `${VALID_KEY}a`, operator: `${VALID_KEY}b`, admin: `${VALID_KEY}c` },
      [VALID_KEY],
      null,
      "a string",
    ];
    for (const content of cases) {
      const dataDir = newDir();
      const text = JSON.stringify(content);
      const path = withFile(dataDir, text);
      const error = await loadOrCreateDevKeys(dataDir).then(
        () => undefined,
        (e: unknown) => e as Error,
      );
      expect(error?.message).toBe(
        `The development keys file ${path} does not hold three distinct keys of the API key format (version 1); delete it to get new keys.`,
      );
      expect(error?.message).not.toContain(VALID_KEY);
      expect(readFileSync(path, "utf8")).toBe(text);
    }
  });

  it("passes on a failure to read the file", async () => {
    const dataDir = newDir();
    mkdirSync(join(dataDir, DEV_KEYS_FILE_NAME));
    await expect(loadOrCreateDevKeys(dataDir)).rejects.toMatchObject({ code: "EISDIR" });
  });
});

describe("devKeyEntries", () => {
  it("names the keys dev-viewer, dev-operator and dev-admin, and they pass the API key format", async () => {
    const keys = await loadOrCreateDevKeys(newDir());
    const entries = devKeyEntries(keys);
    expect(entries).toEqual([
      { name: "dev-viewer", key: keys.viewer, role: "viewer" },
      { name: "dev-operator", key: keys.operator, role: "operator" },
      { name: "dev-admin", key: keys.admin, role: "admin" },
    ]);
    const text = entries.map((entry) => `${entry.name}=${entry.key}:${entry.role}`).join(",");
    expect(parseApiKeys(text)).toEqual({ ok: true, entries });
    expect(createApiKeyVerifier(entries).verify(keys.admin)).toEqual({
      role: "admin",
      actor: "dev-admin",
      via: "api-key",
    });
  });
});
