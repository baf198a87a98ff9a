// The capacity search against a fake server whose edge is known: it must report a real edge (a rate held and
// one missed at most `edgeGap` apart) wherever it starts, within its bounded steps, and say so when it finds none.
import { describe, expect, it } from "vitest";
import { type Capacity, edgeText, findCapacity, held } from "../src/lib/capacity.js";
import type { OpenLoadResult } from "../src/lib/jobs.js";

const P99_MS = 50;

/** A fake open-model result: every arrival served, p99 under or over the bound. */
function result(rate: number, p99: number): OpenLoadResult {
  const scheduled = Math.round(rate);
  return {
    scheduled,
    ok: scheduled,
    errors: 0,
    shed: 0,
    errorSamples: [],
    throughput: rate,
    latency: { p50: p99 / 4, p90: p99 / 2, p99, max: p99, count: scheduled },
    generatorCpu: 0.1,
    elapsedMs: 1000,
  };
}

/** A server that holds every rate up to `edge` and misses every rate above (overloaded: p50 far over the bound). */
function serverWithEdge(edge: number) {
  const rates: number[] = [];
  return {
    rates,
    run: async (rate: number) => {
      rates.push(rate);
      return { result: rate <= edge ? result(rate, 10) : { ...result(rate, 900), ok: Math.floor(rate / 2) } };
    },
  };
}

function search(
  edge: number,
  startRate: number,
  options: { edgeGap?: number; maxRefineSteps?: number } = {},
) {
  const server = serverWithEdge(edge);
  const capacity = findCapacity({
    startRate,
    maxSteps: 6,
    edgeGap: options.edgeGap ?? 0.05,
    maxRefineSteps: options.maxRefineSteps ?? 6,
    p99Ms: P99_MS,
    run: server.run,
    log: () => {},
  });
  return capacity.then((c) => ({ capacity: c, rates: server.rates }));
}

function expectEdge(c: Capacity, edge: number, gap: number) {
  expect(c.best).toBeDefined();
  expect(c.missed).toBeDefined();
  expect(c.best!.rate).toBeLessThanOrEqual(edge);
  expect(c.missed!.rate).toBeGreaterThan(edge);
  expect(c.missed!.rate).toBeLessThanOrEqual(c.best!.rate * (1 + gap));
  expect(c.converged).toBe(true);
}

describe("findCapacity", () => {
  it("narrows to within 5% of a known edge when it starts below it", async () => {
    const { capacity, rates } = await search(1730, 1000);
    expectEdge(capacity, 1730, 0.05);
    // 1000 → 1500 held, 2250 missed, then bisections: bounded, and fewer than the bound here.
    expect(rates.length).toBeLessThanOrEqual(3 + 6);
  });

  it("narrows to within 5% of a known edge when it starts above it", async () => {
    const { capacity } = await search(310, 1000);
    expectEdge(capacity, 310, 0.05);
  });

  it("narrows to within 10% at the quick scale's bound", async () => {
    const { capacity } = await search(640, 200, { edgeGap: 0.1 });
    expectEdge(capacity, 640, 0.1);
  });

  it("prints the edge it found", async () => {
    const lines: string[] = [];
    await findCapacity({
      startRate: 1000,
      maxSteps: 6,
      edgeGap: 0.05,
      maxRefineSteps: 6,
      p99Ms: P99_MS,
      run: serverWithEdge(1730).run,
      log: (line) => lines.push(line),
    });
    expect(lines.at(-1)).toMatch(/^ {2}capacity: held at \d+\/s, missed at \d+\/s/);
  });

  it("reports the edge as held and missed rates", async () => {
    const { capacity } = await search(1730, 1000);
    const text = edgeText(capacity, (r) => `${Math.round(r)}/s`);
    expect(text).toMatch(/^held at \d+\/s, missed at \d+\/s \(\d+\.\d% apart\)$/);
  });

  it("stops after its bounded refinement steps and says the gap did not close", async () => {
    const { capacity, rates } = await search(1730, 1000, { maxRefineSteps: 1 });
    expect(rates).toHaveLength(3 + 1);
    expect(capacity.converged).toBe(false);
    expect(edgeText(capacity, (r) => `${Math.round(r)}/s`)).toContain("ran out before the gap closed");
  });

  it("handles a server that holds no rate tried", async () => {
    const { capacity, rates } = await search(1, 1000);
    expect(capacity.best).toBeUndefined();
    expect(capacity.converged).toBe(false);
    // Six steps, the first of them run twice (missed at the server's first run at load).
    expect(rates).toHaveLength(7);
    expect(rates[1]).toBe(rates[0]);
    // The lowest rate tried is the one reported missed.
    expect(capacity.missed!.rate).toBe(Math.min(...rates));
    expect(edgeText(capacity, (r) => `${Math.round(r)}/s`)).toContain("no rate tried was held");
  });

  it("handles a server that holds every rate tried", async () => {
    const { capacity, rates } = await search(1e9, 1000);
    expect(capacity.missed).toBeUndefined();
    expect(capacity.converged).toBe(false);
    expect(capacity.best!.rate).toBe(Math.max(...rates));
    expect(rates).toHaveLength(6);
    expect(edgeText(capacity, (r) => `${Math.round(r)}/s`)).toContain("no rate missed");
  });

  it("runs a step again when only its tail missed, and counts it held when the repeat holds", async () => {
    let calls = 0;
    const capacity = await findCapacity({
      startRate: 100,
      maxSteps: 1,
      edgeGap: 0.05,
      maxRefineSteps: 0,
      p99Ms: P99_MS,
      // First run: tail over the bound with a low median; the repeat holds.
      run: async (rate) => ({ result: result(rate, calls++ === 0 ? 80 : 10) }),
      log: () => {},
    });
    expect(calls).toBe(2);
    expect(capacity.best?.rate).toBe(100);
  });

  /** A search of two steps from 100/s: 100 holds, 150's first run is `missed`, every later run holds. */
  async function secondStepMissedOnce(missed: (rate: number) => OpenLoadResult) {
    const rates: number[] = [];
    const capacity = await findCapacity({
      startRate: 100,
      maxSteps: 2,
      edgeGap: 0.05,
      maxRefineSteps: 0,
      p99Ms: P99_MS,
      run: async (rate) => {
        rates.push(rate);
        return {
          result: rate === 150 && !rates.slice(0, -1).includes(150) ? missed(rate) : result(rate, 10),
        };
      },
      log: () => {},
    });
    return { capacity, rates };
  }

  it("runs a step again when a stall shed arrivals at the in-flight bound while its median stayed low", async () => {
    // A 300 ms stall: 30 arrivals shed, the rest served with a 2 ms median.
    const { capacity, rates } = await secondStepMissedOnce((rate) => ({
      ...result(rate, 345),
      ok: 120,
      errors: 30,
      shed: 30,
      latency: { p50: 2, p90: 4, p99: 345, max: 382, count: 120 },
    }));
    expect(rates).toEqual([100, 150, 150]);
    expect(capacity.best?.rate).toBe(150);
  });

  it("does not run a step again when requests failed, however low its median", async () => {
    const { capacity, rates } = await secondStepMissedOnce((rate) => ({
      ...result(rate, 10),
      ok: 145,
      errors: 5,
      shed: 0,
      errorSamples: ["status 500"],
    }));
    expect(rates).toEqual([100, 150]);
    expect(capacity.best?.rate).toBe(100);
  });

  it("does not run a step again when it shed arrivals with a high median (overloaded)", async () => {
    const { rates } = await secondStepMissedOnce((rate) => ({
      ...result(rate, 900),
      ok: 100,
      errors: 50,
      shed: 50,
    }));
    expect(rates).toEqual([100, 150]);
  });

  it("runs a missed first step again even when overloaded, and keeps the repeat as the step at the start rate", async () => {
    const rates: number[] = [];
    const capacity = await findCapacity({
      startRate: 1000,
      maxSteps: 2,
      edgeGap: 0.05,
      maxRefineSteps: 0,
      p99Ms: P99_MS,
      // The first run at load is overloaded (median far over the bound, arrivals left); every later run holds.
      run: async (rate) => {
        rates.push(rate);
        return { result: rates.length === 1 ? { ...result(rate, 900), ok: rate / 2 } : result(rate, 10) };
      },
      log: () => {},
    });
    expect(rates).toEqual([1000, 1000, 1500]);
    expect(capacity.first.held).toBe(true);
    expect(capacity.first.result.latency.p99).toBe(10);
    expect(capacity.best?.rate).toBe(1500);
  });

  it("does not run an overloaded later step again", async () => {
    const { rates } = await search(1100, 1000, { maxRefineSteps: 0 });
    // 1000 held, 1500 overloaded and missed: once.
    expect(rates).toEqual([1000, 1500]);
  });

  it("calls a step held only when every arrival was served without error within the bound", () => {
    expect(held(result(100, 50), P99_MS)).toBe(true);
    expect(held(result(100, 51), P99_MS)).toBe(false);
    expect(held({ ...result(100, 10), errors: 1 }, P99_MS)).toBe(false);
    expect(held({ ...result(100, 10), ok: 99 }, P99_MS)).toBe(false);
  });
});
