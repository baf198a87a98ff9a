import { describe, expect, it } from "vitest";
import { digestEquals } from "../src/digest-equals.js";

const DIGEST = "qMO+SlJCBqpyYcBSyVkLNzXkk6yh2B+TA9kH8I2GG8Q=";

describe("digestEquals", () => {
  it("is true only for the same characters", () => {
    expect(digestEquals(DIGEST, DIGEST)).toBe(true);
    expect(digestEquals(DIGEST, `${DIGEST.slice(0, 43)}A`)).toBe(false);
    expect(digestEquals(DIGEST, `r${DIGEST.slice(1)}`)).toBe(false);
    expect(digestEquals(DIGEST, DIGEST.toLowerCase())).toBe(false);
  });

  it("is false for another length", () => {
    expect(digestEquals(DIGEST, DIGEST.slice(0, 43))).toBe(false);
    expect(digestEquals(DIGEST, `${DIGEST}=`)).toBe(false);
    expect(digestEquals(DIGEST, "")).toBe(false);
  });

  it("never takes a non-ASCII character for the ASCII one sharing its low byte", () => {
    // U+0141 'Ł' and U+0171 'ű' end in 0x41 'A' and 0x71 'q': a Latin-1 write would make them equal.
    expect(digestEquals(DIGEST, `${DIGEST.slice(0, 43)}\u013d`)).toBe(false);
    expect(digestEquals(DIGEST, `\u0171${DIGEST.slice(1)}`)).toBe(false);
    expect(digestEquals(`${DIGEST.slice(0, 43)}A`, `${DIGEST.slice(0, 43)}\u0141`)).toBe(false);
    // Characters that take 2, 3 and 4 UTF-8 bytes, and a lone surrogate, anywhere in the value.
    for (const character of ["é", "€", "😀", "\ud800"]) {
      for (const at of [0, 20, 44 - character.length]) {
        const sent = DIGEST.slice(0, at) + character + DIGEST.slice(at + character.length);
        expect(sent).toHaveLength(44);
        expect(digestEquals(DIGEST, sent)).toBe(false);
      }
    }
  });

  it("compares digests of several lengths one after another", () => {
    const hex = "a".repeat(88);
    expect(digestEquals(hex, hex)).toBe(true);
    expect(digestEquals(DIGEST, DIGEST)).toBe(true);
    expect(digestEquals(hex, `${"a".repeat(87)}b`)).toBe(false);
    expect(digestEquals(DIGEST, DIGEST)).toBe(true);
  });
});
