import { describe, expect, it } from "vitest";
import { categorize, isAmbiguous, isRetryable } from "../src/classify.js";
import type { AxeErrorCategory } from "../src/errors.js";

describe("categorize", () => {
  it.each<[string | undefined, number, AxeErrorCategory]>([
    ["1010010", 401, "authentication"], // Invalid digest.
    ["1010010", 403, "flow-control"], // flow control upper limit
    ["1010013", 401, "authentication"],
    ["1023006", 400, "authentication"],
    ["1023038", 400, "authentication"],
    ["1023031", 400, "authentication"],
    ["1020176", 403, "authentication"],
    ["1020166", 403, "authentication"],
    ["1010003", 403, "authentication"],
    ["1010002", 403, "invalid-request"],
    ["1011004", 403, "invalid-request"],
    ["1012007", 403, "not-found"],
    ["1016001", 403, "not-found"],
    ["1020167", 403, "no-resources"],
    ["1013102", 403, "no-resources"],
    ["1012008", 403, "no-resources"],
    ["1010029", 403, "no-resources"],
    ["1011006", 403, "flow-control"],
    ["1010001", 500, "platform"],
    ["1023001", 500, "platform"],
    ["1023002", 500, "platform"],
    ["9999999", 403, "invalid-request"],
    ["9999999", 401, "authentication"],
    ["9999999", 502, "platform"],
    [undefined, 404, "invalid-request"],
    [undefined, 429, "flow-control"],
    [undefined, 503, "platform"],
    [undefined, 200, "platform"],
  ])("resultcode %s with HTTP %i is %s", (code, status, category) => {
    expect(categorize(code, status)).toBe(category);
  });
});

describe("categorize 1010010 by status and text (docs/axe-platform.md §1.4)", () => {
  it.each<[number, string, AxeErrorCategory]>([
    [401, "Invalid digest.", "authentication"],
    [403, "The flow control upper limit is reached on the platform.", "flow-control"],
    // The text wins over a status that says otherwise when it names the digest: never risk the lock-out.
    [403, "Invalid digest.", "authentication"],
    [500, "The flow control upper limit is reached on the platform.", "flow-control"],
    [429, "", "flow-control"],
    // Neither status nor text says flow control: not retried.
    [400, "", "authentication"],
    [200, "something else", "authentication"],
  ])("HTTP %i with resultdesc %j is %s", (status, desc, category) => {
    expect(categorize("1010010", status, desc)).toBe(category);
  });
});

describe("isRetryable", () => {
  it("never retries authentication, invalid requests, not-found or no-resources", () => {
    for (const category of ["authentication", "invalid-request", "not-found", "no-resources"] as const) {
      for (const method of ["GET", "PUT", "DELETE", "POST"] as const) {
        expect(isRetryable(category, method)).toBe(false);
      }
    }
  });

  it("retries transient failures of GET, PUT and DELETE", () => {
    for (const category of ["flow-control", "platform", "timeout", "network"] as const) {
      for (const method of ["GET", "PUT", "DELETE"] as const)
        expect(isRetryable(category, method)).toBe(true);
    }
  });

  it("repeats a POST only when the platform certainly did nothing", () => {
    expect(isRetryable("flow-control", "POST")).toBe(true);
    expect(isRetryable("network", "POST", true)).toBe(true);
    expect(isRetryable("network", "POST", false)).toBe(false);
    expect(isRetryable("timeout", "POST")).toBe(false);
    expect(isRetryable("platform", "POST")).toBe(false);
  });
});

describe("isAmbiguous", () => {
  it("marks failures after which a bind may or may not exist", () => {
    expect(isAmbiguous("timeout")).toBe(true);
    expect(isAmbiguous("platform")).toBe(true);
    expect(isAmbiguous("network")).toBe(true);
    expect(isAmbiguous("network", true)).toBe(false);
    expect(isAmbiguous("flow-control")).toBe(false);
    expect(isAmbiguous("authentication")).toBe(false);
  });
});
