// Where the gateway's CPU goes when a capacity target is missed: one more step at the capacity found (or the
// lowest rate tried, if none held), run under the profiler, summarised for the figure's note. A step of its
// own, so the profiler's cost reaches no measured figure.
import type { Capacity } from "./capacity.js";
import type { BenchContext } from "./context.js";
import { profileText } from "./profile-summary.js";

/**
 * The profile note for a missed target: `run(rate, durationMs)` runs the extra step, `offered(rate)` says
 * the rate in the figure's unit. Empty when the target is met or the scale runs no profiled steps.
 */
export async function profileAtCapacity(
  ctx: BenchContext,
  met: boolean,
  capacity: Capacity,
  run: (rate: number, durationMs: number) => Promise<unknown>,
  offered: (rate: number) => string,
): Promise<string> {
  if (met || ctx.scale.profileMs === 0) return "";
  const rate = capacity.best?.rate ?? Math.min(...capacity.steps.map((s) => s.rate));
  const { profile } = await ctx.profileGateway(() => run(rate, ctx.scale.profileMs));
  return profileText(profile, `at ${offered(rate)} offered`);
}
