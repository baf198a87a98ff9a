import { describe, expect, it } from "vitest";
import { normalizeBaseUrl } from "../src/base-url.js";
import { AxeValidationError, createAxeClient } from "../src/index.js";

function optionIssues(options: unknown): string[] {
  try {
    createAxeClient(options as never);
  } catch (error) {
    expect(error).toBeInstanceOf(AxeValidationError);
    return (error as AxeValidationError).issues.map((i) => i.field);
  }
  throw new Error("expected an AxeValidationError");
}

describe("createAxeClient options", () => {
  it("accepts the minimal configuration", () => {
    expect(createAxeClient({ appKey: "k", appSecret: "s" })).toHaveProperty("createBinding");
  });

  it("names every unusable option", () => {
    expect(
      optionIssues({
        appKey: "",
        appSecret: "",
        scheme: "md5",
        timeoutMs: 0,
        baseUrl: "ftp://x",
        retry: { maxAttempts: 99 },
        fetch: 42,
      }),
    ).toEqual(["appKey", "appSecret", "scheme", "timeoutMs", "fetch", "baseUrl", "retry.maxAttempts"]);
  });

  it("lists the schemes of @privnum/wsse-auth when the scheme is unknown", () => {
    let issues: unknown = [];
    try {
      createAxeClient({ appKey: "k", appSecret: "s", scheme: "md5" as never });
    } catch (error) {
      issues = (error as AxeValidationError).issues;
    }
    expect(issues).toEqual([{ field: "scheme", message: 'must be "aksk", "wsse-hex", or "wsse-raw"' }]);
  });

  it("never puts the secret into the error", () => {
    let message = "";
    try {
      createAxeClient({ appKey: 'bad"key', appSecret: "topsecret-value", timeoutMs: -1 });
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message).toMatch(/appKey/);
    expect(message).not.toContain("topsecret-value");
  });
});

describe("normalizeBaseUrl", () => {
  it("keeps port and path prefix and drops trailing slashes", () => {
    expect(normalizeBaseUrl("https://rtcapi.cn-north-1.myhuaweicloud.com:12543")).toBe(
      "https://rtcapi.cn-north-1.myhuaweicloud.com:12543",
    );
    expect(normalizeBaseUrl("https://gw.example.com:8443/huawei/pn/")).toBe(
      "https://gw.example.com:8443/huawei/pn",
    );
  });

  it("rejects relative URLs, other schemes, credentials, queries and fragments", () => {
    for (const bad of ["rtcpns.example.com", "ftp://h", "https://u:p@h", "https://h/?a=1", "https://h/#x"]) {
      expect(() => normalizeBaseUrl(bad)).toThrow(TypeError);
    }
  });
});
