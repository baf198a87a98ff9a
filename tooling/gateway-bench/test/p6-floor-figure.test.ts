// P6's floor rows: the floor's capacity against bare Yoga's, as context (no target), and what the note says.
import { describe, expect, it } from "vitest";
import { floorFigure } from "../src/scenarios/p6-reads.js";
import { fakeCapacity as capacity } from "./support/fake-capacity.js";

describe("P6's floor row", () => {
  it("gives the floor's capacity against bare Yoga's, with no target, and the gateway's share of the floor", () => {
    const figure = floorFigure(
      "P6-bindings-floor",
      "`bindings`",
      capacity(2000, 2050, 0.6),
      capacity(1000, 1030, 0.8),
      capacity(8000, 8200, 0.8),
    );
    expect(figure).toMatchObject({ id: "P6-bindings-floor", value: 2000, ratio: 0.25, unit: "req/s" });
    expect(figure.baseline?.value).toBe(8000);
    expect(figure.target).toBeUndefined();
    expect(figure.met).toBeUndefined();
    // CPU per request: 0.6 of a core over 2,000, 0.8 over 1,000 and over 8,000 req/s.
    expect(figure.note).toContain("this server 0.30 ms, the gateway 0.80 ms, bare Yoga 0.10 ms");
    expect(figure.note).toContain("The gateway reached 50% of this server's capacity.");
  });

  it("reports no ratio when bare Yoga held no rate, and no share when the floor held none", () => {
    const noBaseline = floorFigure(
      "P6-callRecords-floor",
      "`callRecords`",
      capacity(1800, 1850, 0.5),
      capacity(900, 930, 0.9),
      capacity(undefined, 2000, 0.9),
    );
    expect(noBaseline.ratio).toBe(0);
    const noFloor = floorFigure(
      "P6-callRecords-floor",
      "`callRecords`",
      capacity(undefined, 2000, 0.5),
      capacity(900, 930, 0.9),
      capacity(8000, 8200, 0.8),
    );
    expect(noFloor).toMatchObject({ value: 0, ratio: 0 });
    expect(noFloor.note).not.toContain("The gateway reached");
  });
});
