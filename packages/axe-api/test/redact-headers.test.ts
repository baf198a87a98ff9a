import { describe, expect, it } from "vitest";
import { redactHeaders } from "../src/redact-headers.js";

describe("redactHeaders", () => {
  it("replaces every credential header and keeps the rest", () => {
    expect(
      redactHeaders({
        Authorization: 'AKSK realm="SDP"',
        "X-AKSK": 'UsernameToken Username="k",PasswordDigest="d"',
        "X-WSSE": "UsernameToken …",
        "Content-Type": "application/json;charset=UTF-8",
      }),
    ).toEqual({
      Authorization: "[redacted]",
      "X-AKSK": "[redacted]",
      "X-WSSE": "[redacted]",
      "Content-Type": "application/json;charset=UTF-8",
    });
  });
});
