import { describe, expect, it } from "vitest";
import { maskError } from "../src/mask-error.js";

const URL_WITH_NUMBER = "https://h/rest/caas/extendnumber/v1.0?virtualNum=%2B8617000000001&extendNum=0001";

describe("maskError", () => {
  it("hands on an error that mentions no phone number unchanged", () => {
    const error = new TypeError("fetch failed", { cause: new Error("connect ECONNREFUSED 127.0.0.1:1") });
    expect(maskError(error)).toBe(error);
    expect(maskError("socket hang up")).toBe("socket hang up");
    expect(maskError(42)).toBe(42);
  });

  it("copies a chain whose cause mentions a number, with name, code and every level masked", () => {
    const inner = Object.assign(new Error(`request to ${URL_WITH_NUMBER} failed`), { code: "ECONNRESET" });
    const error = new TypeError("fetch failed", { cause: inner });
    const masked = maskError(error) as Error;
    expect(masked).not.toBe(error);
    expect(masked).toMatchObject({ name: "TypeError", message: "fetch failed" });
    const cause = masked.cause as Error & { code?: string };
    expect(cause).toMatchObject({ name: "Error", code: "ECONNRESET" });
    expect(cause.message).toContain("%2B86170****0001");
    expect(`${cause.message}${cause.stack}`).not.toContain("8617000000001");
    expect(inner.message).toContain("%2B8617000000001");
  });

  it("masks a string", () => {
    expect(maskError("A is +8613800000021")).toBe("A is +86138****0021");
  });
});
