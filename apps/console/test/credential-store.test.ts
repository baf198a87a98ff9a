import { describe, expect, it } from "vitest";
import {
  clearCredential,
  loadCredential,
  normaliseCredential,
  saveCredential,
} from "../src/api/credential-store.js";
import { roleIncludes } from "../src/session/roles.js";

function memoryStorage() {
  const items = new Map<string, string>();
  return {
    getItem: (key: string) => items.get(key) ?? null,
    setItem: (key: string, value: string) => void items.set(key, value),
    removeItem: (key: string) => void items.delete(key),
  };
}

describe("the credential store", () => {
  it("keeps, returns and forgets the credential", () => {
    const storage = memoryStorage();
    expect(loadCredential(storage)).toBeUndefined();
    saveCredential("abc", storage);
    expect(loadCredential(storage)).toBe("abc");
    clearCredential(storage);
    expect(loadCredential(storage)).toBeUndefined();
  });

  it("takes a pasted credential without blanks or a Bearer prefix", () => {
    expect(normaliseCredential("  Bearer abc.def \n")).toBe("abc.def");
    expect(normaliseCredential("bearer   k")).toBe("k");
    expect(normaliseCredential("k")).toBe("k");
  });
});

describe("roleIncludes", () => {
  it("orders viewer < operator < admin", () => {
    expect(roleIncludes("ADMIN", "OPERATOR")).toBe(true);
    expect(roleIncludes("OPERATOR", "OPERATOR")).toBe(true);
    expect(roleIncludes("VIEWER", "OPERATOR")).toBe(false);
    expect(roleIncludes("OPERATOR", "ADMIN")).toBe(false);
  });
});
