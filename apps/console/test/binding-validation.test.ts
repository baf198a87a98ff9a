import { describe, expect, it } from "vitest";
import {
  type CreateBindingForm,
  checkCreateForm,
  checkExtension,
  checkModifyForm,
  checkPhoneNumber,
  checkUserData,
  EMPTY_CREATE_FORM,
  type ModifiableBinding,
  modifyFormOf,
} from "../src/bindings/binding-validation.js";

const form = (change: Partial<CreateBindingForm>): CreateBindingForm => ({
  ...EMPTY_CREATE_FORM,
  bindNum: "+8613800000021",
  virtualNum: "+8617000000001",
  ...change,
});

describe("checkPhoneNumber", () => {
  it("takes E.164 as the gateway does and refuses the rest", () => {
    expect(checkPhoneNumber("+8613800000021")).toBeUndefined();
    expect(checkPhoneNumber("+123456")).toBeUndefined();
    for (const bad of [
      "12ab",
      "8613800000021",
      "+0613800000021",
      "+12345",
      "+1234567890123456",
      "+86 138",
      "",
    ]) {
      expect(checkPhoneNumber(bad), bad).toMatch(/E\.164/);
    }
  });
});

describe("checkExtension", () => {
  it("takes 1–4 digits, not all zeros", () => {
    for (const good of ["1", "09", "001", "0001", "9999"]) expect(checkExtension(good), good).toBeUndefined();
    for (const bad of ["0", "0000", "12345", "1a", "", " 1"]) expect(checkExtension(bad), bad).toBeDefined();
  });
});

describe("checkUserData", () => {
  it("refuses braces, Chinese and more than 256 characters", () => {
    expect(checkUserData("order-42")).toBeUndefined();
    expect(checkUserData("{x}")).toMatch(/\{ or \}/);
    expect(checkUserData("订单")).toMatch(/Chinese/);
    expect(checkUserData("x".repeat(257))).toMatch(/256/);
    expect(checkUserData("x".repeat(256))).toBeUndefined();
  });
});

describe("checkCreateForm", () => {
  it("sends only what was given, numbers trimmed", () => {
    expect(checkCreateForm(form({ bindNum: " +8613800000021 " }))).toEqual({
      ok: true,
      input: { bindNum: "+8613800000021", virtualNum: "+8617000000001", recordFlag: false },
    });
    expect(
      checkCreateForm(
        form({
          extendNum: "0042",
          recordFlag: true,
          bindExpiredTime: "2",
          timeUnit: "MINUTES",
          userData: "order 7",
          callbackNum: "+8613900000042",
        }),
      ),
    ).toEqual({
      ok: true,
      input: {
        bindNum: "+8613800000021",
        virtualNum: "+8617000000001",
        extendNum: "0042",
        recordFlag: true,
        bindExpiredTime: 2,
        timeUnit: "MINUTES",
        userData: "order 7",
        callbackNum: "+8613900000042",
      },
    });
  });

  it("requires A and refuses one that is not E.164", () => {
    expect(checkCreateForm(form({ bindNum: "" }))).toEqual({
      ok: false,
      errors: { bindNum: expect.stringMatching(/Required/) },
    });
    expect(checkCreateForm(form({ bindNum: "12ab" }))).toEqual({
      ok: false,
      errors: { bindNum: expect.stringMatching(/E\.164/) },
    });
  });

  it("needs X or an area code, not both, and E only with X", () => {
    expect(checkCreateForm(form({ virtualNum: "" }))).toEqual({
      ok: false,
      errors: { areaCode: expect.stringMatching(/Choose X/) },
    });
    expect(checkCreateForm(form({ virtualNum: "", areaCode: "0755" }))).toEqual({
      ok: true,
      input: { bindNum: "+8613800000021", areaCode: "0755", recordFlag: false },
    });
    expect(checkCreateForm(form({ areaCode: "0755" })).ok).toBe(false);
    expect(checkCreateForm(form({ virtualNum: "", areaCode: "07x5" }))).toEqual({
      ok: false,
      errors: { areaCode: expect.stringMatching(/city code/) },
    });
    expect(checkCreateForm(form({ virtualNum: "", areaCode: "0755", extendNum: "1" }))).toEqual({
      ok: false,
      errors: { extendNum: "Only together with X" },
    });
    expect(checkCreateForm(form({ areaMatchMode: "1" }))).toEqual({
      ok: false,
      errors: { areaMatchMode: expect.any(String) },
    });
  });

  it("lists every problem at once, each by its field", () => {
    const checked = checkCreateForm(
      form({
        bindNum: "12ab",
        extendNum: "00000",
        bindExpiredTime: "-1",
        userData: "{}",
        callbackNum: "0",
        callbackExpiredTime: "1.5",
      }),
    );
    expect(checked.ok).toBe(false);
    expect(Object.keys(checked.ok ? {} : checked.errors).sort()).toEqual(
      ["bindNum", "bindExpiredTime", "callbackExpiredTime", "callbackNum", "extendNum", "userData"].sort(),
    );
  });

  it("refuses a callback number and a callback tone together", () => {
    expect(checkCreateForm(form({ callbackNum: "+8613900000042", callbackTone: "tone.wav" }))).toEqual({
      ok: false,
      errors: { callbackNum: expect.stringMatching(/not both/) },
    });
  });

  it("refuses a lifetime beyond the platform's integer", () => {
    expect(checkCreateForm(form({ bindExpiredTime: "2147483648" }))).toEqual({
      ok: false,
      errors: { bindExpiredTime: expect.stringMatching(/at most/) },
    });
  });
});

describe("checkModifyForm", () => {
  const binding: ModifiableBinding = {
    subscriptionId: "sub-1",
    recordFlag: false,
    timeUnit: "HOURS",
    userData: "order-1",
    callbackNum: "+8613900000042",
    callbackTone: null,
  };

  it("sends only what changed", () => {
    expect(checkModifyForm(binding, { ...modifyFormOf(binding), recordFlag: true })).toEqual({
      ok: true,
      input: { subscriptionId: "sub-1", recordFlag: true },
    });
    expect(
      checkModifyForm(binding, { ...modifyFormOf(binding), bindExpiredTime: "30", timeUnit: "MINUTES" }),
    ).toEqual({
      ok: true,
      input: { subscriptionId: "sub-1", bindExpiredTime: 30, timeUnit: "MINUTES" },
    });
  });

  it("says so when nothing changed", () => {
    expect(checkModifyForm(binding, modifyFormOf(binding))).toEqual({
      ok: false,
      errors: { form: "Change at least one field" },
    });
  });

  it("clears a callback number with an empty one, and takes a tone in its place", () => {
    expect(
      checkModifyForm(binding, { ...modifyFormOf(binding), callbackNum: "", callbackTone: "tone.wav" }),
    ).toEqual({
      ok: true,
      input: { subscriptionId: "sub-1", callbackNum: "", callbackTone: "tone.wav" },
    });
    expect(checkModifyForm(binding, { ...modifyFormOf(binding), callbackTone: "tone.wav" })).toEqual({
      ok: false,
      errors: { callbackNum: expect.stringMatching(/not both/) },
    });
  });

  it("refuses what the gateway would: a bad number, emptied userData, a unit without a lifetime", () => {
    expect(checkModifyForm(binding, { ...modifyFormOf(binding), callbackNum: "12ab" })).toEqual({
      ok: false,
      errors: { callbackNum: expect.stringMatching(/E\.164/) },
    });
    expect(checkModifyForm(binding, { ...modifyFormOf(binding), userData: "" })).toEqual({
      ok: false,
      errors: { userData: expect.stringMatching(/cannot clear/) },
    });
    expect(checkModifyForm(binding, { ...modifyFormOf(binding), timeUnit: "MINUTES" })).toEqual({
      ok: false,
      errors: { timeUnit: expect.stringMatching(/lifetime/) },
    });
    expect(
      checkModifyForm(binding, { ...modifyFormOf(binding), bindExpiredTime: "2", callbackExpiredTime: "3" }),
    ).toEqual({ ok: false, errors: { callbackExpiredTime: expect.stringMatching(/exceed/) } });
  });
});
