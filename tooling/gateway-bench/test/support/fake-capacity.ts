// Capacity searches with known results, for the tests of the rows built from them.
import type { Capacity, CapacityStep } from "../../src/lib/capacity.js";

/** A step at `rate` that served every arrival, with `serverCpu` of a core and PostgreSQL at 0.3. */
export function fakeStep(rate: number, held: boolean, serverCpu: number): CapacityStep {
  return {
    rate,
    held,
    extra: { "server cpu": serverCpu, "postgres cpu": 0.3 },
    result: {
      scheduled: rate,
      ok: rate,
      errors: 0,
      shed: 0,
      errorSamples: [],
      throughput: rate,
      latency: { p50: 2, p90: 5, p99: 9, max: 12, count: rate },
      generatorCpu: 0.1,
      elapsedMs: 1000,
    },
  };
}

/** A search that held `heldAt` (none when undefined) and missed `missedAt`. */
export function fakeCapacity(heldAt: number | undefined, missedAt: number, serverCpu: number): Capacity {
  const best = heldAt === undefined ? undefined : fakeStep(heldAt, true, serverCpu);
  const missed = fakeStep(missedAt, false, serverCpu);
  return { best, missed, converged: true, first: best ?? missed, steps: best ? [best, missed] : [missed] };
}
