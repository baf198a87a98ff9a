import { afterEach, describe, expect, it } from "vitest";
import type { Simulator } from "../src/index.js";
import { APP_KEY, APP_SECRET, call, startSimulator, X1 } from "./helpers.js";

const aNumber = (i: number) => `+86138${String(i).padStart(8, "0")}`;

describe("concurrent binds", () => {
  let sim: Simulator;
  afterEach(async () => {
    await sim.stop();
  });

  it("for the same extension: exactly one wins, the rest get 1020167", async () => {
    sim = await startSimulator({ lockout: { threshold: 0 } });
    const results = await Promise.all(
      Array.from({ length: 25 }, (_, i) =>
        call(sim, { method: "POST", body: { virtualNum: X1, bindNum: aNumber(i), extendNum: "0777" } }),
      ),
    );
    const codes = results.map((r) => r.body.resultcode);
    expect(codes.filter((c) => c === "0")).toHaveLength(1);
    expect(codes.filter((c) => c === "1020167")).toHaveLength(24);
    expect(sim.state().bindings.map((b) => b.extendNum)).toEqual(["0777"]);
  });

  it("for the same A on one X: exactly one wins, the rest get 1013102", async () => {
    sim = await startSimulator();
    const results = await Promise.all(
      Array.from({ length: 10 }, () =>
        call(sim, { method: "POST", body: { virtualNum: X1, bindNum: aNumber(1) } }),
      ),
    );
    const codes = results.map((r) => r.body.resultcode).sort();
    expect(codes).toEqual(["0", ...Array(9).fill("1013102")]);
  });

  it("auto-assigned: distinct extensions until the X is full, then 1012008", async () => {
    sim = await startSimulator({
      apps: [{ appKey: APP_KEY, appSecret: APP_SECRET, virtualNumbers: [X1], extensionDigits: 1 }],
    });
    const results = await Promise.all(
      Array.from({ length: 15 }, (_, i) =>
        call(sim, { method: "POST", body: { virtualNum: X1, bindNum: aNumber(i) } }),
      ),
    );
    const won = results.filter((r) => r.body.resultcode === "0").map((r) => r.body.extendNum);
    expect(won.sort()).toEqual(["1", "2", "3", "4", "5", "6", "7", "8", "9"]);
    expect(results.filter((r) => r.body.resultcode === "1012008")).toHaveLength(6);
  });
});
