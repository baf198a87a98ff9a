import { GraphQLError, Source } from "graphql";
import { afterEach, describe, expect, it, vi } from "vitest";
import { errorKind, errorLogRecord } from "../src/graphql/error-log-record.js";
import { logExcerpt, MAX_LOG_EXCERPT } from "../src/shared/log-excerpt.js";
import { createLogSampler, OTHER_KINDS } from "../src/shared/log-sampler.js";
import { sampledLog } from "../src/shared/sampled-log.js";
import { captureLog } from "./support/captured-log.js";

function capture() {
  const { raw: lines, logger } = captureLog();
  return { lines, logger };
}

afterEach(() => {
  vi.useRealTimers();
});

describe("createLogSampler", () => {
  it("admits the first lines of a kind per interval, counts the rest and reports them when the interval ends", () => {
    vi.useFakeTimers();
    const reported: [string, number][] = [];
    const sampler = createLogSampler({
      perInterval: 3,
      intervalMs: 1000,
      onSuppressed: (kind, count) => reported.push([kind, count]),
    });
    const admitted = Array.from({ length: 1000 }, () => sampler.admit("a")).filter(Boolean).length;
    expect(admitted).toBe(3);
    // Another kind has its own count.
    expect(sampler.admit("b")).toBe(true);
    expect(reported).toEqual([]);
    vi.advanceTimersByTime(1000);
    expect(reported).toEqual([["a", 997]]);
    // A new interval admits again.
    expect(sampler.admit("a")).toBe(true);
    vi.advanceTimersByTime(1000);
    expect(reported).toEqual([["a", 997]]);
  });

  it("counts kinds beyond maxKinds together", () => {
    const reported: [string, number][] = [];
    const sampler = createLogSampler({
      perInterval: 1,
      maxKinds: 2,
      onSuppressed: (k, n) => reported.push([k, n]),
    });
    const admitted = Array.from({ length: 100 }, (_, i) => sampler.admit(`kind ${i}`)).filter(Boolean).length;
    // Two kinds of their own, then one shared kind admitting one line.
    expect(admitted).toBe(3);
    sampler.flush();
    expect(reported).toEqual([[OTHER_KINDS, 97]]);
  });
});

describe("sampledLog", () => {
  it("writes 1,000 failures of one kind as 10 lines and one summary", () => {
    const { lines, logger } = capture();
    const log = sampledLog(logger);
    expect(sampledLog(logger)).toBe(log);
    for (let i = 0; i < 1000; i += 1) log.write("error", "boom", { row: i }, "row failed");
    log.flush();
    expect(lines).toHaveLength(11);
    expect(JSON.parse(lines[10]!)).toMatchObject({ kind: "boom", suppressed: 990, level: 40 });
  });
});

describe("errorLogRecord", () => {
  it("keeps at most 1 KB of the query and of the message, and no variables", () => {
    const body = `query Big($secret: String) { ${"a ".repeat(50_000)} }`;
    const error = new GraphQLError(`failed: ${"m".repeat(10_000)}`, {
      source: new Source(body),
      positions: [6],
      path: ["a", 0, "b"],
      originalError: new Error("resolver broke"),
      extensions: { code: "INTERNAL_SERVER_ERROR" },
    });
    const record = errorLogRecord(error);
    expect(record).toMatchObject({
      code: "INTERNAL_SERVER_ERROR",
      path: "a.0.b",
      cause: { message: "resolver broke" },
    });
    expect((record.query as string).length).toBeLessThanOrEqual(MAX_LOG_EXCERPT);
    expect((record.message as string).length).toBeLessThanOrEqual(MAX_LOG_EXCERPT);
    expect(JSON.stringify(record).length).toBeLessThan(6_000);
  });

  it("makes errors differing only in numbers one kind", () => {
    expect(errorKind(new Error("row 17 failed"))).toBe(errorKind(new Error("row 18 failed")));
    expect(errorKind(new Error("row 17 failed"))).not.toBe(errorKind(new TypeError("row 17 failed")));
  });
});

describe("logExcerpt", () => {
  it("leaves short text whole and cuts long text to the limit, saying how long it was", () => {
    expect(logExcerpt("short")).toBe("short");
    const cut = logExcerpt("x".repeat(5000));
    expect(cut.length).toBeLessThanOrEqual(MAX_LOG_EXCERPT);
    expect(cut).toMatch(/… \(5000 characters\)$/);
  });
});
