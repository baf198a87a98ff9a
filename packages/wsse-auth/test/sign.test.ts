import { describe, expect, it } from "vitest";
import { computePasswordDigest, generateNonce, signUsernameToken, WsseInputError } from "../src/index.js";

describe("signUsernameToken", () => {
  it("defaults to aksk, a 32-hex-character nonce and the current second in UTC", () => {
    const signed = signUsernameToken({
      appKey: "app",
      appSecret: "secret",
      now: () => new Date("2026-11-25T16:00:00.987Z"),
    });
    expect(signed.scheme).toBe("aksk");
    expect(signed.nonce).toMatch(/^[0-9a-f]{32}$/);
    expect(signed.created).toBe("2026-11-25T16:00:00Z");
    expect(signed.authorization).toBe('AKSK realm="SDP",profile="UsernameToken",type="Appkey"');
    expect(signed.tokenHeaderName).toBe("X-AKSK");
    const digest = computePasswordDigest("aksk", "secret", signed.nonce, signed.created);
    expect(signed.tokenHeader).toBe(
      `UsernameToken Username="app",PasswordDigest="${digest}",Nonce="${signed.nonce}",Created="2026-11-25T16:00:00Z"`,
    );
  });

  it("reads the system clock when given no clock", () => {
    const before = Math.floor(Date.now() / 1000) * 1000;
    const { created } = signUsernameToken({ appKey: "app", appSecret: "secret" });
    const after = Date.now();
    const time = Date.parse(created);
    expect(time).toBeGreaterThanOrEqual(before);
    expect(time).toBeLessThanOrEqual(after);
  });

  it("uses the WSSE headers for the legacy schemes", () => {
    for (const scheme of ["wsse-hex", "wsse-raw"] as const) {
      const signed = signUsernameToken({ appKey: "app", appSecret: "secret", scheme });
      expect(signed.authorization).toBe('WSSE realm="SDP",profile="UsernameToken",type="Appkey"');
      expect(signed.tokenHeaderName).toBe("X-WSSE");
      expect(Object.keys(signed.headers)).toEqual(["Authorization", "X-WSSE", "Content-Type"]);
    }
  });

  it("produces headers fetch accepts", () => {
    const signed = signUsernameToken({ appKey: "app", appSecret: "秘密" });
    const headers = new Headers(signed.headers);
    expect(headers.get("x-aksk")).toBe(signed.tokenHeader);
    expect(headers.get("content-type")).toBe("application/json;charset=UTF-8");
  });

  it("never repeats a default nonce", () => {
    const nonces = new Set(Array.from({ length: 5000 }, () => generateNonce()));
    expect(nonces.size).toBe(5000);
    for (const nonce of nonces) expect(nonce).toMatch(/^[0-9a-f]{32}$/);
  });

  it.each([
    ["an unknown scheme", { scheme: "md5" }, "scheme-invalid"],
    ["an empty appKey", { appKey: "" }, "app-key-invalid"],
    ["an appKey with a quote", { appKey: 'a"b' }, "app-key-invalid"],
    ["an appKey with a backslash", { appKey: "a\\b" }, "app-key-invalid"],
    ["an appKey with a space", { appKey: "a b" }, "app-key-invalid"],
    ["a non-ASCII appKey", { appKey: "应用" }, "app-key-invalid"],
    ["an appKey over 256 characters", { appKey: "k".repeat(257) }, "app-key-invalid"],
    ["an empty appSecret", { appSecret: "" }, "app-secret-invalid"],
    ["a non-string appSecret", { appSecret: 42 }, "app-secret-invalid"],
    ["a nonce with a dash", { nonce: "a-b" }, "nonce-invalid"],
    ["an empty nonce", { nonce: "" }, "nonce-invalid"],
    ["a nonce over 128 characters", { nonce: "a".repeat(129) }, "nonce-invalid"],
    ["a Created with milliseconds", { created: "2026-11-25T16:00:00.000Z" }, "created-invalid"],
    ["an invalid Date", { created: new Date(Number.NaN) }, "created-invalid"],
  ])("throws WsseInputError for %s", (_name, override, code) => {
    const call = () => signUsernameToken({ appKey: "app", appSecret: "secret", ...(override as object) });
    expect(call).toThrow(WsseInputError);
    try {
      call();
    } catch (error) {
      expect((error as WsseInputError).code).toBe(code);
    }
  });

  it("computePasswordDigest refuses unusable arguments", () => {
    expect(() => computePasswordDigest("md5" as never, "s", "n", "c")).toThrow(WsseInputError);
    expect(() => computePasswordDigest("aksk", "", "n", "c")).toThrow(WsseInputError);
    expect(() => computePasswordDigest("aksk", "s", undefined as never, "c")).toThrow(WsseInputError);
  });
});
