import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  isPhoneNumberKey,
  maskPhoneNumber,
  maskPhoneNumbersInText,
  maskPhoneNumbersInValue,
  PHONE_NUMBER_KEYS,
} from "../src/index.js";

describe("maskPhoneNumber", () => {
  it("keeps the country code, carrier prefix and last four digits of a long number", () => {
    expect(maskPhoneNumber("+8613800000021")).toBe("+86138****0021");
    expect(maskPhoneNumber("+8675528000001")).toBe("+86755****0001");
    expect(maskPhoneNumber("13800000021")).toBe("138****0021");
  });

  it.each([
    ["", ""],
    ["+", "+"],
    ["+1", "+****1"],
    ["+12", "+****12"],
    ["+12345", "+****45"],
    ["+123456", "+****56"],
    ["+1234567", "+****67"],
    ["+12345678", "+****5678"],
    ["+123456789", "+1****6789"],
    ["+1234567890123", "+12345****0123"],
    ["+123456789012345", "+12345****2345"],
    ["12345", "****45"],
    ["123456", "****56"],
  ])("masks %j as %j", (value, masked) => {
    expect(maskPhoneNumber(value)).toBe(masked);
  });

  it("shows at most the first five and the last four digits, hiding at least four; a short number only its last two", () => {
    fc.assert(
      fc.property(fc.boolean(), fc.stringMatching(/^\d{1,20}$/), (plus, digits) => {
        const masked = maskPhoneNumber(`${plus ? "+" : ""}${digits}`);
        expect(masked.startsWith("+")).toBe(plus);
        const [before = "", after = "", ...rest] = masked.slice(plus ? 1 : 0).split("****");
        expect(rest).toEqual([]);
        expect(digits.startsWith(before) && before.length <= 5).toBe(true);
        expect(digits.endsWith(after) && after.length <= 4).toBe(true);
        const shown = digits.length < 8 ? Math.min(2, digits.length) : digits.length - 4;
        expect(before.length + after.length).toBeLessThanOrEqual(shown);
      }),
    );
  });
});

describe("maskPhoneNumbersInText", () => {
  it("masks numbers with a literal +", () => {
    expect(maskPhoneNumbersInText("A is +8613800000021.")).toBe("A is +86138****0021.");
  });

  it("masks numbers in the %2B query form, upper or lower case", () => {
    const url = "https://h/rest/caas/extendnumber/v1.0?virtualNum=%2B8617000000001&extendNum=1234";
    expect(maskPhoneNumbersInText(url)).toBe(
      "https://h/rest/caas/extendnumber/v1.0?virtualNum=%2B86170****0001&extendNum=1234",
    );
    expect(maskPhoneNumbersInText("virtualNum=%2b8617000000001")).toBe("virtualNum=%2b86170****0001");
  });

  it("masks bare runs of 11 or more digits and leaves extensions, codes and 10-digit runs alone", () => {
    expect(maskPhoneNumbersInText("call 13800000021 ext 1234, code 1010002")).toBe(
      "call 138****0021 ext 1234, code 1010002",
    );
    expect(maskPhoneNumbersInText("id 1234567890")).toBe("id 1234567890");
  });

  it("masks a + number of 6 digits but not one of 5", () => {
    expect(maskPhoneNumbersInText("+123456 and +12345")).toBe("+****56 and +12345");
  });

  it("masks runs longer than E.164 allows instead of letting them through", () => {
    expect(maskPhoneNumbersInText("+86138000000219999")).not.toContain("86138000000219999");
  });

  it("leaves text without numbers unchanged", () => {
    expect(maskPhoneNumbersInText("")).toBe("");
    expect(maskPhoneNumbersInText("Invalid request. bindNum")).toBe("Invalid request. bindNum");
  });
});

describe("PHONE_NUMBER_KEYS", () => {
  it("lists every key of the platform and of privnum that holds a phone number", () => {
    expect([...PHONE_NUMBER_KEYS].sort()).toEqual(
      [
        "bindNum",
        "callbackNum",
        "called",
        "calleeNum",
        "caller",
        "callerNum",
        "fwdDisplayNum",
        "fwdDstNum",
        "number",
        "virtualNum",
      ].sort(),
    );
    expect(Object.isFrozen(PHONE_NUMBER_KEYS)).toBe(true);
  });

  it("is what isPhoneNumberKey tests", () => {
    for (const key of PHONE_NUMBER_KEYS) expect(isPhoneNumberKey(key)).toBe(true);
    expect(isPhoneNumberKey("extendNum")).toBe(false);
    expect(isPhoneNumberKey("BindNum")).toBe(false);
  });
});

describe("maskPhoneNumbersInValue", () => {
  it("masks phone keys and numbers inside other strings, deeply, without touching the input", () => {
    const input = {
      bindNum: "+8613800000021",
      virtualNum: "+8617000000001",
      extendNum: "0001",
      userData: "order for 13900000022",
      nested: [{ callbackNum: "+8613700000023" }, "+8613600000024"],
      bindExpiredTime: 24,
      recordFlag: true,
      stateDesc: null,
    };
    const masked = maskPhoneNumbersInValue(input);
    expect(masked).toEqual({
      bindNum: "+86138****0021",
      virtualNum: "+86170****0001",
      extendNum: "0001",
      userData: "order for 139****0022",
      nested: [{ callbackNum: "+86137****0023" }, "+86136****0024"],
      bindExpiredTime: 24,
      recordFlag: true,
      stateDesc: null,
    });
    expect(input.bindNum).toBe("+8613800000021");
    expect(input.nested[0]).toEqual({ callbackNum: "+8613700000023" });
  });

  it("masks short values under a phone key that text masking would leave", () => {
    expect(maskPhoneNumbersInValue({ caller: "+12345", note: "+12345" })).toEqual({
      caller: "+****45",
      note: "+12345",
    });
  });

  it("masks a bare string", () => {
    expect(maskPhoneNumbersInValue("+8613800000021")).toBe("+86138****0021");
  });

  it("cuts nesting deeper than 8 levels, so a cyclic value ends", () => {
    const cyclic: Record<string, unknown> = { caller: "+8613800000021" };
    cyclic.self = cyclic;
    let level = maskPhoneNumbersInValue(cyclic) as Record<string, unknown>;
    for (let depth = 1; depth < 8; depth++) {
      expect(level.caller).toBe("+86138****0021");
      level = level.self as Record<string, unknown>;
    }
    expect(level.self).toBe("[…]");
  });
});
