import * as owner from "@privnum/notification-schemas";
import { describe, expect, it } from "vitest";
import { maskPhoneNumber, maskPhoneNumbersInText } from "../src/index.js";

// The masking rules and their tests live in @privnum/notification-schemas; this package only re-exports them.
describe("the mask functions", () => {
  it("are those of @privnum/notification-schemas", () => {
    expect(maskPhoneNumber).toBe(owner.maskPhoneNumber);
    expect(maskPhoneNumbersInText).toBe(owner.maskPhoneNumbersInText);
  });
});
