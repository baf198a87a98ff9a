// P6's row "gateway ≥ 2× PostGraphile 4": the ratio of the two capacities, the target, and what the note says.
import { describe, expect, it } from "vitest";
import { peerFigure } from "../src/scenarios/p6-reads.js";
import { fakeCapacity } from "./support/fake-capacity.js";

/** The peer rows' searches all ran at 0.9 of a core. */
const capacity = (heldAt: number | undefined, missedAt: number) => fakeCapacity(heldAt, missedAt, 0.9);

describe("P6's PostGraphile row", () => {
  it("meets its target when the gateway serves at least twice PostGraphile's capacity", () => {
    const figure = peerFigure(
      "P6-bindings-postgraphile",
      "`bindings`",
      capacity(1200, 1260),
      capacity(600, 630),
    );
    expect(figure).toMatchObject({ value: 1200, ratio: 2, met: true, unit: "req/s" });
    expect(figure.baseline?.value).toBe(600);
    // Server CPU per request at each capacity: 0.9 of a core over 1,200 and over 600 req/s.
    expect(figure.note).toContain("gateway 0.75 ms, PostGraphile 1.50 ms");
  });

  it("misses it below twice, and says the ratio", () => {
    const figure = peerFigure(
      "P6-callRecords-postgraphile",
      "`callRecords`",
      capacity(1000, 1050),
      capacity(600, 630),
    );
    expect(figure.ratio).toBeCloseTo(1.667, 3);
    expect(figure.met).toBe(false);
  });

  it("reports no ratio, and no target met, when PostGraphile held no rate", () => {
    const figure = peerFigure(
      "P6-bindings-postgraphile",
      "`bindings`",
      capacity(1000, 1050),
      capacity(undefined, 400),
    );
    expect(figure).toMatchObject({ ratio: 0, met: false });
    expect(figure.note).toContain("no rate tried was held");
  });
});
