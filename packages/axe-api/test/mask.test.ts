import { describe, expect, it } from "vitest";
import { maskPhoneNumber, maskPhoneNumbersInText, maskValue, redactHeaders } from "../src/mask.js";

describe("maskPhoneNumber", () => {
  it("keeps the country code, carrier prefix and last four digits of an E.164 mobile", () => {
    expect(maskPhoneNumber("+8613800000021")).toBe("+86138****0021");
  });

  it("masks a fixed line and a national mobile the same way", () => {
    expect(maskPhoneNumber("+8675528000001")).toBe("+86755****0001");
    expect(maskPhoneNumber("13800000021")).toBe("138****0021");
  });

  it("always hides at least four digits", () => {
    expect(maskPhoneNumber("+12345678")).toBe("+****5678");
    expect(maskPhoneNumber("+1234567")).toBe("+****67");
    expect(maskPhoneNumber("12345")).toBe("****");
  });
});

describe("maskPhoneNumbersInText", () => {
  it("masks numbers with a literal + and with the %2B query form", () => {
    const url = "https://h/rest/caas/extendnumber/v1.0?virtualNum=%2B8617000000001&extendNum=1234";
    expect(maskPhoneNumbersInText(url)).toBe(
      "https://h/rest/caas/extendnumber/v1.0?virtualNum=%2B86170****0001&extendNum=1234",
    );
    expect(maskPhoneNumbersInText("A is +8613800000021.")).toBe("A is +86138****0021.");
  });

  it("masks bare national numbers but leaves extensions and short codes alone", () => {
    expect(maskPhoneNumbersInText("call 13800000021 ext 1234, code 1010002")).toBe(
      "call 138****0021 ext 1234, code 1010002",
    );
  });

  it("masks runs longer than E.164 allows instead of letting them through", () => {
    expect(maskPhoneNumbersInText("+86138000000219999")).not.toContain("86138000000219999");
  });
});

describe("maskValue", () => {
  it("masks phone fields and phone numbers hidden in other strings, deeply, without touching the input", () => {
    const input = {
      bindNum: "+8613800000021",
      virtualNum: "+8617000000001",
      extendNum: "0001",
      userData: "order for 13900000022",
      nested: [{ callbackNum: "+8613700000023" }],
      bindExpiredTime: 24,
    };
    const masked = maskValue(input);
    expect(masked).toEqual({
      bindNum: "+86138****0021",
      virtualNum: "+86170****0001",
      extendNum: "0001",
      userData: "order for 139****0022",
      nested: [{ callbackNum: "+86137****0023" }],
      bindExpiredTime: 24,
    });
    expect(input.bindNum).toBe("+8613800000021");
  });
});

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
