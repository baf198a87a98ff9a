// Where the gateway's CPU goes at its capacity: one more step at the capacity found (or the lowest rate tried,
// if none held), run under the profiler, summarised for the figure's note, whether or not the target is met
// (the report shows where the CPU goes after each change). A step of its own, so the profiler's cost reaches
// no measured figure. One-process gateway only: the two-process rows take no profile.
import type { Capacity } from "./capacity.js";
import type { BenchContext } from "./context.js";
import { profileText } from "./profile-summary.js";

/**
 * The profile note of a capacity search: `run(rate, durationMs)` runs the extra step, `offered(rate)` says
 * the rate in the figure's unit. Empty when the scale runs no profiled steps (`bench:quick`).
 */
export async function profileAtCapacity(
  ctx: BenchContext,
  capacity: Capacity,
  run: (rate: number, durationMs: number) => Promise<unknown>,
  offered: (rate: number) => string,
): Promise<string> {
  if (ctx.scale.profileMs === 0) return "";
  const rate = capacity.best?.rate ?? Math.min(...capacity.steps.map((s) => s.rate));
  const { profile } = await ctx.profileGateway(() => run(rate, ctx.scale.profileMs));
  return profileText(profile, `at ${offered(rate)} offered`);
}
