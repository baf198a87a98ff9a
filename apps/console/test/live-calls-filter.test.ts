// The Live calls page's filter by X: checked before it reaches the gateway, and read back from the address.
import { describe, expect, it } from "vitest";
import { parseVirtualNumberFilter, virtualNumberFromSearch } from "../src/calls/virtual-number-filter.js";

describe("the filter by X", () => {
  it("takes an E.164 number, dropping the spaces and dashes people type", () => {
    expect(parseVirtualNumberFilter(" +86 170-0000-0001 ")).toEqual({
      ok: true,
      virtualNum: "+8617000000001",
    });
  });

  it("means every X when empty", () => {
    expect(parseVirtualNumberFilter("   ")).toEqual({ ok: true, virtualNum: undefined });
  });

  it.each(["8617000000001", "+0617000000001", "+86170000000011234", "+86abc", "+12345"])(
    "refuses %s with a sentence saying what it takes",
    (text) => {
      const parsed = parseVirtualNumberFilter(text);
      expect(parsed.ok).toBe(false);
      expect(parsed.ok === false && parsed.message).toContain("international format");
    },
  );

  it("reads X from the page's address, ignoring a malformed one", () => {
    expect(virtualNumberFromSearch("x=%2B8617000000001")).toBe("+8617000000001");
    expect(virtualNumberFromSearch("?x=%2B8617000000001&other=1")).toBe("+8617000000001");
    expect(virtualNumberFromSearch("x=17000000001")).toBeUndefined();
    expect(virtualNumberFromSearch("")).toBeUndefined();
  });
});
