import { afterEach, describe, expect, it } from "vitest";
import type { Simulator } from "../src/index.js";
import { APP_KEY, APP_SECRET, bind, call, startSimulator, X1 } from "./helpers.js";

const aNumber = (i: number) => `+86138${String(i).padStart(8, "0")}`;

async function withDigits(digits: 1 | 2 | 3 | 4): Promise<Simulator> {
  return startSimulator({
    apps: [{ appKey: APP_KEY, appSecret: APP_SECRET, virtualNumbers: [X1], extensionDigits: digits }],
  });
}

async function expectExhausted(sim: Simulator, digits: number): Promise<void> {
  const auto = await call(sim, { method: "POST", body: { virtualNum: X1, bindNum: aNumber(99_999) } });
  expect(auto.status).toBe(403);
  expect(auto.body).toEqual({ resultcode: "1012008", resultdesc: "Insufficient number of resources" });
  const given = await call(sim, {
    method: "POST",
    body: { virtualNum: X1, bindNum: aNumber(99_998), extendNum: "1".padStart(digits, "0") },
  });
  expect(given.body.resultcode).toBe("1020167");
}

describe("extension exhaustion", () => {
  let sim: Simulator;
  afterEach(async () => {
    await sim.stop();
  });

  it.each([1, 2] as const)("with %i digit(s): every value over HTTP, then 1012008", async (digits) => {
    sim = await withDigits(digits);
    const capacity = 10 ** digits - 1;
    const assigned: string[] = [];
    for (let i = 0; i < capacity; i++)
      assigned.push(String((await bind(sim, { bindNum: aNumber(i) })).extendNum));
    const expected = Array.from({ length: capacity }, (_, i) => String(i + 1).padStart(digits, "0"));
    expect(assigned).toEqual(expected);
    await expectExhausted(sim, digits);

    // Freeing one value in the middle makes exactly that value the next assignment.
    const middle = String(Math.ceil(capacity / 2)).padStart(digits, "0");
    await call(sim, { method: "DELETE", query: { virtualNum: X1, extendNum: middle } });
    expect((await bind(sim, { bindNum: aNumber(50_000) })).extendNum).toBe(middle);
    await expectExhausted(sim, digits);
  });

  it.each([3, 4] as const)(
    "with %i digits: preloaded through seedBindings, the last values and exhaustion over HTTP",
    async (digits) => {
      sim = await withDigits(digits);
      const capacity = 10 ** digits - 1;
      // seedBindings runs the same validation and allocation as the HTTP bind, without HTTP or auth.
      const seeded = sim.seedBindings({
        bindings: Array.from({ length: capacity - 2 }, (_, i) => ({ virtualNum: X1, bindNum: aNumber(i) })),
      });
      expect(seeded.every((r) => r.body.resultcode === "0")).toBe(true);
      expect(seeded.at(-1)?.body.extendNum).toBe(String(capacity - 2).padStart(digits, "0"));

      const last = String(capacity);
      const first = await bind(sim, { bindNum: aNumber(capacity) });
      expect(first.extendNum).toBe(String(capacity - 1).padStart(digits, "0"));
      expect((await bind(sim, { bindNum: aNumber(capacity + 1) })).extendNum).toBe(last);
      await expectExhausted(sim, digits);

      const listed = await call(sim, {
        path: "/rest/caas/extendnumber/v2.0",
        query: { virtualNum: X1, limit: "1" },
      });
      expect(listed.body.total).toBe(capacity);
    },
  );

  it("checks the requested extension's length against the app's digit count", async () => {
    sim = await withDigits(3);
    for (const extendNum of ["1", "01", "0001"]) {
      const res = await call(sim, {
        method: "POST",
        body: { virtualNum: X1, bindNum: aNumber(1), extendNum },
      });
      expect(res.body).toEqual({ resultcode: "1010002", resultdesc: "Invalid request. extendNum" });
    }
    expect((await bind(sim, { bindNum: aNumber(1), extendNum: "999" })).extendNum).toBe("999");
  });
});
