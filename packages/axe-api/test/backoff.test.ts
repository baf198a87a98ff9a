import { describe, expect, it } from "vitest";
import {
  computeDelay,
  DEFAULT_RETRY_OPTIONS,
  parseRetryAfter,
  resolveRetryOptions,
  sleep,
} from "../src/backoff.js";

const options = { ...DEFAULT_RETRY_OPTIONS, baseDelayMs: 100, maxDelayMs: 1000, factor: 2 };

describe("computeDelay", () => {
  it("grows exponentially with equal jitter: between half and all of the step", () => {
    expect(computeDelay({ attempt: 1, category: "timeout" }, options, () => 0)).toBe(50);
    expect(computeDelay({ attempt: 1, category: "timeout" }, options, () => 1)).toBe(100);
    expect(computeDelay({ attempt: 2, category: "timeout" }, options, () => 0)).toBe(100);
    expect(computeDelay({ attempt: 3, category: "network" }, options, () => 0.5)).toBe(300);
  });

  it("caps the step at maxDelayMs", () => {
    expect(computeDelay({ attempt: 10, category: "platform" }, options, () => 1)).toBe(1000);
    expect(computeDelay({ attempt: 10, category: "platform" }, options, () => 0)).toBe(500);
  });

  it("waits at least flowControlDelayMs (plus up to 20 %) after flow control", () => {
    const flow = { ...options, flowControlDelayMs: 60_000 };
    expect(computeDelay({ attempt: 1, category: "flow-control" }, flow, () => 0)).toBe(60_000);
    expect(computeDelay({ attempt: 1, category: "flow-control" }, flow, () => 1)).toBe(72_000);
  });

  it("honours a longer Retry-After", () => {
    expect(computeDelay({ attempt: 1, category: "platform", retryAfterMs: 5000 }, options, () => 0)).toBe(
      5000,
    );
    expect(computeDelay({ attempt: 1, category: "platform", retryAfterMs: 10 }, options, () => 0)).toBe(50);
  });

  it("stays within its bounds for any random draw", () => {
    for (let i = 0; i < 200; i++) {
      const r = Math.random();
      const d = computeDelay({ attempt: 4, category: "timeout" }, options, () => r);
      expect(d).toBeGreaterThanOrEqual(400);
      expect(d).toBeLessThanOrEqual(800);
    }
  });
});

describe("resolveRetryOptions", () => {
  it("fills defaults and keeps given values", () => {
    expect(resolveRetryOptions(undefined)).toEqual(DEFAULT_RETRY_OPTIONS);
    expect(resolveRetryOptions({ maxAttempts: 5 })).toEqual({ ...DEFAULT_RETRY_OPTIONS, maxAttempts: 5 });
  });

  it("turns false into a single attempt", () => {
    expect(resolveRetryOptions(false).maxAttempts).toBe(1);
  });

  it("rejects out-of-range values, naming the option", () => {
    expect(() => resolveRetryOptions({ maxAttempts: 0 })).toThrow(/retry\.maxAttempts/);
    expect(() => resolveRetryOptions({ maxAttempts: 2.5 })).toThrow(/retry\.maxAttempts must be an integer/);
    expect(() => resolveRetryOptions({ baseDelayMs: -1 })).toThrow(/retry\.baseDelayMs/);
    expect(() => resolveRetryOptions({ maxElapsedMs: Number.NaN })).toThrow(/retry\.maxElapsedMs/);
    expect(() => resolveRetryOptions({ factor: 0.5 })).toThrow(/retry\.factor/);
  });
});

describe("parseRetryAfter", () => {
  it("reads delta-seconds and HTTP dates, capped at an hour", () => {
    expect(parseRetryAfter("3")).toBe(3000);
    expect(parseRetryAfter("999999")).toBe(3_600_000);
    const now = Date.parse("2026-01-27T08:00:00Z");
    expect(parseRetryAfter("Tue, 27 Jan 2026 08:00:10 GMT", now)).toBe(10_000);
    expect(parseRetryAfter("Tue, 27 Jan 2026 07:00:00 GMT", now)).toBe(0);
  });

  it("ignores absent or unreadable values", () => {
    expect(parseRetryAfter(null)).toBeUndefined();
    expect(parseRetryAfter("")).toBeUndefined();
    expect(parseRetryAfter("soon")).toBeUndefined();
  });
});

describe("sleep", () => {
  it("resolves after the wait", async () => {
    await expect(sleep(1)).resolves.toBeUndefined();
  });

  it("rejects with the signal's reason when aborted during the wait or before it", async () => {
    const controller = new AbortController();
    const reason = new Error("stop");
    const pending = sleep(60_000, controller.signal);
    controller.abort(reason);
    await expect(pending).rejects.toBe(reason);
    await expect(sleep(1, controller.signal)).rejects.toBe(reason);
  });
});
