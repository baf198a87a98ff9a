import { describe, expect, it } from "vitest";
import { isScheme, SCHEMES } from "../src/index.js";

describe("SCHEMES", () => {
  it("lists the current scheme first, then the two legacy WSSE ones, and cannot be changed", () => {
    expect(SCHEMES).toEqual(["aksk", "wsse-hex", "wsse-raw"]);
    expect(Object.isFrozen(SCHEMES)).toBe(true);
  });

  it("is what isScheme accepts", () => {
    for (const scheme of SCHEMES) expect(isScheme(scheme)).toBe(true);
    for (const value of ["AKSK", "wsse", "", "md5", undefined, null, 1, ["aksk"]]) {
      expect(isScheme(value), String(value)).toBe(false);
    }
  });
});
