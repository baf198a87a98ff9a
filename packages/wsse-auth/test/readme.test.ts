import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { VERIFY_ERRORS, type VerifyErrorCode } from "../src/index.js";

describe("README", () => {
  it("lists every failure code with the status and resultcodes of VERIFY_ERRORS", () => {
    const readme = readFileSync(new URL("../README.md", import.meta.url), "utf8");
    const rows = [...readme.matchAll(/^\|\s*`([a-z-]+)`\s*\|\s*(\d{3})\s*\|\s*([\d /]+?)\s*\|$/gm)].map(
      (m) => [m[1], Number(m[2]), m[3]!.trim()],
    );
    const expected = (Object.keys(VERIFY_ERRORS) as VerifyErrorCode[]).map((code) => {
      const entry = VERIFY_ERRORS[code];
      const wsse = entry.wsse?.resultcode;
      return [
        code,
        entry.httpStatus,
        wsse && wsse !== entry.resultcode ? `${entry.resultcode} / ${wsse}` : entry.resultcode,
      ];
    });
    expect(rows).toEqual(expected);
  });
});
