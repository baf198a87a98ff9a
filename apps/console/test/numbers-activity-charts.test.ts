// An X's activity as the panel draws and says it: stacked bars per bucket, cause bars in words, and the sentences
// that state the same numbers.
import { describe, expect, it } from "vitest";
import {
  type BucketCounts,
  bucketChartData,
  bucketChartSummary,
  causeChartData,
  causeChartSummary,
  causeLabel,
  type HangUpCause,
  labelCharsFor,
  OUTCOME_STYLE,
  outcomeCounts,
  shortLabel,
} from "../src/numbers/activity-charts.js";

// A fixed label (the page formats local time; the tests must not depend on the machine's time zone).
const label = (iso: string) => iso.slice(11, 16);
const bucket = (from: string, counts: Partial<Omit<BucketCounts, "from">> = {}): BucketCounts => ({
  from: `2026-06-01T${from}:00.000Z`,
  started: 0,
  answered: 0,
  unanswered: 0,
  failed: 0,
  ...counts,
});

const BUCKETS = [
  bucket("11:00", { started: 1, answered: 1 }),
  bucket("11:05"),
  bucket("11:10", { started: 3, answered: 1, unanswered: 1 }),
  bucket("11:15", { started: 2, failed: 2 }),
];

describe("bucketChartData", () => {
  it("labels a bar per bucket and stacks answered, unanswered and failed in that order", () => {
    const data = bucketChartData(BUCKETS, label);
    expect(data.labels).toEqual(["11:00", "11:05", "11:10", "11:15"]);
    expect(data.datasets.map((d) => [d.label, d.data, d.stack])).toEqual([
      ["Answered", [1, 0, 1, 0], "outcome"],
      ["Unanswered", [0, 0, 1, 0], "outcome"],
      ["Failed", [0, 0, 0, 2], "outcome"],
    ]);
    expect(data.datasets.map((d) => d.backgroundColor)).toEqual([
      OUTCOME_STYLE.answered.colour,
      OUTCOME_STYLE.unanswered.colour,
      OUTCOME_STYLE.failed.colour,
    ]);
  });

  it("draws an empty window as zero bars, one per bucket", () => {
    const data = bucketChartData([bucket("11:00"), bucket("11:05")], label);
    expect(data.datasets.every((d) => d.data.join() === "0,0")).toBe(true);
  });
});

describe("bucketChartSummary", () => {
  it("states the total and every bucket with a call, calls without an outcome as in progress", () => {
    expect(bucketChartSummary(BUCKETS, 5, label)).toBe(
      "6 calls started in the last hour, per 5 minutes: from 11:00, 1 call (1 answered); " +
        "from 11:10, 3 calls (1 answered, 1 unanswered, 1 in progress); from 11:15, 2 calls (2 failed).",
    );
  });

  it("says so when no call started", () => {
    expect(bucketChartSummary([bucket("11:00"), bucket("11:05")], 5, label)).toBe(
      "No calls started in the last hour (5-minute bars).",
    );
  });
});

const cause = (
  code: number,
  count: number,
  description: string | null,
  source = "stateCode",
): HangUpCause => ({
  code,
  source,
  known: description !== null,
  description,
  count,
});

describe("hang-up causes", () => {
  const causes = [
    cause(0, 2, "Normal hang-up after the call was connected"),
    cause(7503, 1, "Callee rejected the call"),
    cause(9999, 1, null, "ulFailReason"),
  ];

  it("labels each bar with the description, an unknown code by its code, in the gateway's order", () => {
    const data = causeChartData(causes);
    expect(data.labels).toEqual([
      "Normal hang-up after the call was connected",
      "Callee rejected the call",
      "Unknown code 9999",
    ]);
    expect(data.datasets).toHaveLength(1);
    expect(data.datasets[0]!.data).toEqual([2, 1, 1]);
    expect(causeLabel({ code: 1, description: null })).toBe("Unknown code 1");
  });

  it("states every cause with its source, code and count", () => {
    expect(causeChartSummary(causes)).toBe(
      "Hang-up causes in the last hour: Normal hang-up after the call was connected (stateCode 0): 2; " +
        "Callee rejected the call (stateCode 7503): 1; Unknown code 9999 (ulFailReason 9999): 1.",
    );
  });

  it("says so when no finished call reported one", () => {
    expect(causeChartSummary([])).toBe("No finished call reported a hang-up cause in the last hour.");
    expect(causeChartData([]).labels).toEqual([]);
  });

  it("shortens a long axis label with an ellipsis, and leaves a short one alone", () => {
    expect(shortLabel("Normal hang-up after the call was connected", 20)).toBe("Normal hang-up afte…");
    expect(shortLabel("Normal hang-up after the call was connected", 20)).toHaveLength(20);
    expect(shortLabel("Callee rejected the call")).toBe("Callee rejected the call");
  });
});

describe("outcomeCounts", () => {
  it("names the counts behind the answer rate, in the bars' order", () => {
    expect(outcomeCounts({ answered: 2, unanswered: 1, failed: 0 })).toEqual([
      { outcome: "answered", text: "2 answered" },
      { outcome: "unanswered", text: "1 unanswered" },
      { outcome: "failed", text: "0 failed" },
    ]);
  });
});

describe("labelCharsFor", () => {
  it("fits the labels in half the chart's width, never fewer than 10 characters", () => {
    expect(labelCharsFor(400)).toBe(26);
    expect(labelCharsFor(800)).toBe(55);
    expect(labelCharsFor(100)).toBe(10);
  });
});
