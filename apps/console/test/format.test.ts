import { describe, expect, it } from "vitest";
import { formatDuration, formatPercent } from "../src/ui/format.js";

describe("formatDuration", () => {
  it("reads seconds as m:ss, hours as h:mm:ss, and nothing as a dash", () => {
    expect(formatDuration(0)).toBe("0:00");
    expect(formatDuration(5)).toBe("0:05");
    expect(formatDuration(65)).toBe("1:05");
    expect(formatDuration(3600 + 62)).toBe("1:01:02");
    expect(formatDuration(null)).toBe("—");
    expect(formatDuration(-1)).toBe("—");
    expect(formatDuration(Number.NaN)).toBe("—");
  });
});

describe("formatPercent", () => {
  it("rounds to whole percent", () => {
    expect(formatPercent(0.666)).toBe("67%");
    expect(formatPercent(1)).toBe("100%");
    expect(formatPercent(null)).toBe("—");
  });
});
