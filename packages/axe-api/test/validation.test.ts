import { describe, expect, it } from "vitest";
import { AxeValidationError, type ValidationIssue } from "../src/errors.js";
import {
  validateChanges,
  validateCreateBinding,
  validateList,
  validateRecording,
  validateRef,
} from "../src/validation.js";

const A = "+8613800000021";
const X = "+8617000000001";

function issuesOf(run: () => unknown): ValidationIssue[] {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(AxeValidationError);
    return [...(error as AxeValidationError).issues];
  }
  throw new Error("expected an AxeValidationError");
}

function fields(run: () => unknown): string[] {
  return issuesOf(run).map((i) => i.field);
}

describe("validateCreateBinding", () => {
  it("accepts a complete valid input unchanged", () => {
    const input = {
      bindNum: A,
      virtualNum: X,
      extendNum: "0001",
      displayNumMode: "0" as const,
      recordFlag: true,
      recordHintTone: "hint.wav",
      callbackTone: "callbackTone.wav",
      timeUnit: "minutes" as const,
      bindExpiredTime: 30,
      callbackExpiredTime: 0,
      userData: "order-42",
    };
    expect(validateCreateBinding(input)).toEqual(input);
    expect(validateCreateBinding({ bindNum: A, areaCode: "0755", areaMatchMode: "1" })).toEqual({
      bindNum: A,
      areaCode: "0755",
      areaMatchMode: "1",
    });
  });

  it.each([
    ["8613800000021", "no +"],
    ["+86 138 0000 0021", "spaces"],
    ["+0613800000021", "leading zero country code"],
    ["+86138", "too short (5 digits)"],
    ["+8613800000021999", "too long (16 digits)"],
    ["+86138****0021", "masked"],
  ])("rejects bindNum %s (%s) naming the field", (bindNum) => {
    expect(fields(() => validateCreateBinding({ bindNum, virtualNum: X }))).toEqual(["bindNum"]);
  });

  it.each(["+861380", "+861380000002199"])(
    "accepts bindNum %s, at the edges of the strict rule (6 and 15 digits)",
    (bindNum) => {
      expect(validateCreateBinding({ bindNum, virtualNum: X }).bindNum).toBe(bindNum);
    },
  );

  it("requires bindNum and one of virtualNum or areaCode", () => {
    const issues = issuesOf(() => validateCreateBinding({}));
    expect(issues).toContainEqual({ field: "bindNum", message: "is required" });
    expect(issues.map((i) => i.field)).toContain("virtualNum");
  });

  it("refuses virtualNum together with areaCode", () => {
    expect(fields(() => validateCreateBinding({ bindNum: A, virtualNum: X, areaCode: "0755" }))).toEqual([
      "areaCode",
    ]);
  });

  it.each(["", "12345", "0", "00", "0000", "12a", " 12"])("rejects extendNum %j", (extendNum) => {
    expect(fields(() => validateCreateBinding({ bindNum: A, virtualNum: X, extendNum }))).toEqual([
      "extendNum",
    ]);
  });

  it.each(["1", "09", "001", "9999"])("accepts extendNum %j", (extendNum) => {
    expect(validateCreateBinding({ bindNum: A, virtualNum: X, extendNum }).extendNum).toBe(extendNum);
  });

  it("allows extendNum only with virtualNum and areaMatchMode only with areaCode", () => {
    expect(fields(() => validateCreateBinding({ bindNum: A, areaCode: "0755", extendNum: "0001" }))).toEqual([
      "extendNum",
    ]);
    expect(fields(() => validateCreateBinding({ bindNum: A, virtualNum: X, areaMatchMode: "1" }))).toEqual([
      "areaMatchMode",
    ]);
  });

  it("makes callbackTone and callbackNum mutually exclusive", () => {
    const issues = issuesOf(() =>
      validateCreateBinding({
        bindNum: A,
        virtualNum: X,
        callbackTone: "t.wav",
        callbackNum: "+8613900000022",
      }),
    );
    expect(issues).toEqual([
      { field: "callbackNum", message: "callbackTone and callbackNum are mutually exclusive" },
    ]);
  });

  it("checks callbackNum is E.164", () => {
    expect(
      fields(() => validateCreateBinding({ bindNum: A, virtualNum: X, callbackNum: "13900000022" })),
    ).toEqual(["callbackNum"]);
  });

  it.each([
    ["a{b", "must not contain { or }"],
    ["订单", "must not contain Chinese characters (Base64-encode them)"],
    ["x".repeat(257), "must be at most 256 characters"],
    ["", "must not be empty"],
  ])("rejects userData %j", (userData, message) => {
    expect(issuesOf(() => validateCreateBinding({ bindNum: A, virtualNum: X, userData }))).toEqual([
      { field: "userData", message },
    ]);
  });

  it.each([1.5, -1, Number.NaN, 2 ** 31, "24"])("rejects expiry %j", (value) => {
    expect(
      fields(() =>
        validateCreateBinding({
          bindNum: A,
          virtualNum: X,
          bindExpiredTime: value,
          callbackExpiredTime: value,
        }),
      ),
    ).toEqual(["bindExpiredTime", "callbackExpiredTime"]);
  });

  it("rejects bad enums, flags and tone names", () => {
    expect(
      fields(() =>
        validateCreateBinding({
          bindNum: A,
          virtualNum: X,
          displayNumMode: "2",
          recordFlag: "false",
          timeUnit: "0",
          recordHintTone: "t".repeat(129),
        }),
      ),
    ).toEqual(["displayNumMode", "recordFlag", "recordHintTone", "timeUnit"]);
  });

  it("rejects unknown fields so typos do not silently drop a setting", () => {
    expect(issuesOf(() => validateCreateBinding({ bindNum: A, virtualNum: X, recordflag: true }))).toEqual([
      { field: "recordflag", message: "is not a known field" },
    ]);
  });

  it("rejects a non-object input", () => {
    expect(fields(() => validateCreateBinding(null))).toEqual(["input"]);
    expect(fields(() => validateCreateBinding("x"))).toEqual(["input"]);
  });

  it("never echoes the rejected value in its messages", () => {
    const secretish = "+86 13800000021";
    const error = (() => {
      try {
        validateCreateBinding({ bindNum: secretish, virtualNum: X, callbackNum: secretish });
      } catch (e) {
        return e as Error;
      }
    })();
    expect(error?.message).not.toContain("13800000021");
  });
});

describe("validateRef", () => {
  it("accepts a subscriptionId, sending it alone", () => {
    expect(
      validateRef("getBinding", { subscriptionId: "sub-1", virtualNum: X, extendNum: "1" } as never),
    ).toEqual({
      subscriptionId: "sub-1",
    });
  });

  it("accepts the (virtualNum, extendNum) pair", () => {
    expect(validateRef("getBinding", { virtualNum: X, extendNum: "0001" })).toEqual({
      virtualNum: X,
      extendNum: "0001",
    });
  });

  it("requires both halves of the pair", () => {
    expect(fields(() => validateRef("getBinding", { virtualNum: X }))).toEqual(["extendNum"]);
    expect(fields(() => validateRef("getBinding", { extendNum: "0001" }))).toEqual(["virtualNum"]);
    expect(fields(() => validateRef("getBinding", {}))).toEqual(["ref"]);
  });

  it("rejects subscription IDs that could break the query string", () => {
    expect(fields(() => validateRef("getBinding", { subscriptionId: "a b" }))).toEqual(["subscriptionId"]);
    expect(fields(() => validateRef("getBinding", { subscriptionId: "" }))).toEqual(["subscriptionId"]);
    expect(fields(() => validateRef("getBinding", { subscriptionId: "x".repeat(65) }))).toEqual([
      "subscriptionId",
    ]);
  });

  it("names the operation in the message", () => {
    expect(() => validateRef("deleteBinding", {})).toThrow(/^deleteBinding: invalid input/);
  });
});

describe("validateChanges", () => {
  it("accepts changes and clearing values", () => {
    expect(validateChanges({ callbackNum: "", callbackTone: "t.wav", recordFlag: false })).toEqual({
      callbackNum: "",
      callbackTone: "t.wav",
      recordFlag: false,
    });
  });

  it("requires at least one change", () => {
    expect(fields(() => validateChanges({}))).toEqual(["changes"]);
    expect(fields(() => validateChanges({ userData: undefined }))).toEqual(["changes"]);
  });

  it("refuses setting both callback targets", () => {
    expect(fields(() => validateChanges({ callbackNum: "+8613900000022", callbackTone: "t.wav" }))).toEqual([
      "callbackNum",
    ]);
  });

  it("requires bindExpiredTime ≥ callbackExpiredTime when both are limited", () => {
    expect(fields(() => validateChanges({ bindExpiredTime: 2, callbackExpiredTime: 3 }))).toEqual([
      "callbackExpiredTime",
    ]);
    expect(validateChanges({ bindExpiredTime: 0, callbackExpiredTime: 3 })).toBeTruthy();
  });

  it("rejects fields that cannot be modified", () => {
    expect(fields(() => validateChanges({ bindNum: A }))).toEqual(["bindNum"]);
  });
});

describe("validateList", () => {
  it("defaults pageSize to 20", () => {
    expect(validateList({ virtualNum: X })).toEqual({ virtualNum: X, pageSize: 20 });
  });

  it.each([0, 101, 2.5])("rejects pageSize %j", (pageSize) => {
    expect(fields(() => validateList({ virtualNum: X, pageSize }))).toEqual(["pageSize"]);
  });
});

describe("validateRecording", () => {
  it("requires both names within 128 printable characters", () => {
    expect(validateRecording({ recordDomain: "d.example", fileName: "a.wav" })).toEqual({
      recordDomain: "d.example",
      fileName: "a.wav",
    });
    expect(fields(() => validateRecording({ recordDomain: "", fileName: "a\nb" }))).toEqual([
      "recordDomain",
      "fileName",
    ]);
    expect(fields(() => validateRecording({ recordDomain: "d", fileName: "f".repeat(129) }))).toEqual([
      "fileName",
    ]);
  });
});
