import { createHash } from "node:crypto";
import { describe, expect, it } from "vitest";
import { type ApiKeyEntry, createApiKeyVerifier, parseApiKeys } from "../src/auth/api-keys.js";

// Keys of the format: base64url, 24–256 characters.
const KEY_CI = "ciKey_0123456789abcdefghijKLMN";
const KEY_OPS = "opsKey-0123456789abcdefghijKLMN";
const KEY_ANON = "anonKey0123456789abcdefghijKLMNOP";
const KEYS = [KEY_CI, KEY_OPS, KEY_ANON];

function parsed(text: string): ApiKeyEntry[] {
  const result = parseApiKeys(text);
  if (!result.ok) throw new Error(`expected a valid list, got: ${result.message}`);
  return result.entries;
}

function refusal(text: string): string {
  const result = parseApiKeys(text);
  if (result.ok) throw new Error("expected the list to be refused");
  return result.message;
}

describe("parseApiKeys", () => {
  it("reads named and unnamed entries, ignoring whitespace around them", () => {
    expect(parsed(` ci=${KEY_CI}:admin ,\n\t${KEY_ANON}:viewer,ops=${KEY_OPS}:operator  `)).toEqual([
      { name: "ci", key: KEY_CI, role: "admin" },
      { key: KEY_ANON, role: "viewer" },
      { name: "ops", key: KEY_OPS, role: "operator" },
    ]);
    expect(parsed(`${KEY_CI}:viewer`)).toEqual([{ key: KEY_CI, role: "viewer" }]);
  });

  it("accepts keys of 24 and of 256 characters, and names of 1 and of 64", () => {
    const shortest = "a".repeat(24);
    const longest = "B".repeat(256);
    expect(parsed(`x=${shortest}:viewer,${"n".repeat(64)}=${longest}:admin`)).toEqual([
      { name: "x", key: shortest, role: "viewer" },
      { name: "n".repeat(64), key: longest, role: "admin" },
    ]);
  });

  // Each case: the list, and the one line that refuses it.
  const malformed: [string, string][] = [
    ["", "no entries: expected comma-separated [name=]key:role"],
    ["  \n ", "no entries: expected comma-separated [name=]key:role"],
    [`${KEY_CI}:admin,,${KEY_OPS}:viewer`, "entry 2 is empty"],
    [`${KEY_CI}:admin,`, "entry 2 is empty"],
    [`,${KEY_CI}:admin`, "entry 1 is empty"],
    [`${KEY_CI}:admin, ,${KEY_OPS}:viewer`, "entry 2 is empty"],
    [`ci=${KEY_CI}`, "entry 1: expected [name=]key:role"],
    [KEY_CI, "entry 1: expected [name=]key:role"],
    [`${KEY_CI}:root`, "entry 1: role must be viewer, operator or admin"],
    [`${KEY_CI}:Admin`, "entry 1: role must be viewer, operator or admin"],
    [`${KEY_CI}:`, "entry 1: role must be viewer, operator or admin"],
    [
      `${KEY_OPS}:viewer,ci=${"k".repeat(23)}:admin`,
      "entry 2: the key must be at least 24 characters of A-Z a-z 0-9 _ -",
    ],
    [
      `ci=${KEY_CI.slice(0, 20)}+/abc:admin`,
      "entry 1: the key must be at least 24 characters of A-Z a-z 0-9 _ -",
    ],
    [`ci=:admin`, "entry 1: the key must be at least 24 characters of A-Z a-z 0-9 _ -"],
    [`ci=${KEY_CI}:extra:admin`, "entry 1: the key must be at least 24 characters of A-Z a-z 0-9 _ -"],
    [`ci=${"k".repeat(257)}:admin`, "entry 1: the key must be at most 256 characters of A-Z a-z 0-9 _ -"],
    [
      `${KEY_OPS}:viewer,${KEY_ANON}:viewer,Ops=${KEY_CI}:admin`,
      'entry 3: the name "Ops" must be a-z, 0-9 and -',
    ],
    [`ci_bot=${KEY_CI}:admin`, 'entry 1: the name "ci_bot" must be a-z, 0-9 and -'],
    [`=${KEY_CI}:admin`, 'entry 1: the name before "=" is empty'],
    [
      `${"n".repeat(65)}=${KEY_CI}:admin`,
      'entry 1: the name must be 1–64 characters of a-z, 0-9 and - (and keys carry no "=" padding)',
    ],
    // A padded key: what comes before "=" is read as a name, and is not quoted since it is the key.
    [
      `${KEY_CI}=:admin`,
      'entry 1: the name must be 1–64 characters of a-z, 0-9 and - (and keys carry no "=" padding)',
    ],
    [`a=${KEY_CI}:admin,b=${KEY_CI}:viewer`, "entry 2 repeats the key of entry 1"],
    [`${KEY_CI}:admin,${KEY_OPS}:admin,${KEY_CI}:admin`, "entry 3 repeats the key of entry 1"],
    [
      `ci=${KEY_CI}:admin,ops=${KEY_OPS}:operator,${KEY_ANON}:viewer,ci=${"z".repeat(30)}:viewer`,
      'entry 4 repeats the name "ci"',
    ],
    [
      `${"n".repeat(30)}=${KEY_CI}:admin,${"n".repeat(30)}=${KEY_OPS}:viewer`,
      "entry 2 repeats the name of entry 1",
    ],
  ];

  it.each(malformed)("refuses %j with its one line", (text, message) => {
    expect(refusal(text)).toBe(message);
  });

  it("never puts a key in a message, and each message is one line", () => {
    for (const [text] of malformed) {
      const message = refusal(text);
      expect(message).not.toContain("\n");
      for (const key of [...KEYS, "k".repeat(23), "k".repeat(257), KEY_CI.slice(0, 20)]) {
        expect(message).not.toContain(key);
      }
    }
  });

  it("quotes a bad name with escapes, so that the message stays one line", () => {
    expect(refusal(`o\nps=${KEY_CI}:admin`)).toBe('entry 1: the name "o\\nps" must be a-z, 0-9 and -');
  });
});

describe("createApiKeyVerifier", () => {
  const verifier = createApiKeyVerifier(
    parsed(`ci=${KEY_CI}:admin,ops=${KEY_OPS}:operator,${KEY_ANON}:viewer`),
  );

  it("knows each key's caller by its name and role", () => {
    expect(verifier.verify(KEY_CI)).toEqual({ role: "admin", actor: "ci", via: "api-key" });
    expect(verifier.verify(KEY_OPS)).toEqual({ role: "operator", actor: "ops", via: "api-key" });
  });

  it("names an unnamed key's caller by its digest, never by the key", () => {
    const digest = createHash("sha256").update(KEY_ANON).digest("hex");
    const caller = verifier.verify(KEY_ANON);
    expect(caller).toEqual({ role: "viewer", actor: `key-${digest.slice(0, 8)}`, via: "api-key" });
    expect(caller?.actor).toMatch(/^key-[0-9a-f]{8}$/);
    expect(KEY_ANON).not.toContain(caller?.actor.slice(4));
  });

  it("knows no other value", () => {
    const lastFlipped = `${KEY_CI.slice(0, -1)}${KEY_CI.endsWith("N") ? "M" : "N"}`;
    const unknown = [
      "",
      "anotherKey0123456789abcdefghij",
      lastFlipped, // same length, one character off
      KEY_CI.slice(0, -1), // a prefix
      `${KEY_CI}x`, // the key and more
      KEY_CI.toLowerCase(),
      `${KEY_CI}=`, // padded
      ` ${KEY_CI}`,
      `${KEY_CI.slice(0, 10)}+${KEY_CI.slice(11)}`, // not base64url
      "A".repeat(257), // longer than any key
      KEY_CI + KEY_OPS,
    ];
    for (const value of unknown) expect(verifier.verify(value)).toBeUndefined();
  });

  it("answers with the first entry of a key listed twice (dev keys beside configured ones, say)", () => {
    const twice = createApiKeyVerifier([
      { name: "first", key: KEY_CI, role: "viewer" },
      { name: "second", key: KEY_CI, role: "admin" },
    ]);
    expect(twice.verify(KEY_CI)).toEqual({ role: "viewer", actor: "first", via: "api-key" });
  });

  it("knows nothing when no key is configured", () => {
    expect(createApiKeyVerifier([]).verify(KEY_CI)).toBeUndefined();
  });

  it("refuses an entry whose key is not of the format, naming its position and not the key", () => {
    const short = "tooShort_0123456789";
    const attempt = () =>
      createApiKeyVerifier([
        { key: KEY_CI, role: "admin" },
        { name: "x", key: short, role: "viewer" },
      ]);
    expect(attempt).toThrow(TypeError);
    expect(attempt).toThrow("API key entry 2: the key must be 24–256 characters of A-Z a-z 0-9 _ -");
  });
});
