// Capacity under an open model: the highest fixed arrival rate a server sustains within its latency bound.
// Steps up from a start rate while the server keeps up, or down until it does, then bisects between the
// highest rate held and the lowest one missed until they are at most `edgeGap` apart: the capacity reported
// is a real edge ("held at X, missed at Y"), not a rung of the coarse ladder. Every step is a fresh
// open-model run.
import type { OpenLoadResult } from "./jobs.js";

/** One run at one rate. */
export interface CapacityStep {
  rate: number;
  result: OpenLoadResult;
  held: boolean;
  /** Whatever the caller measured alongside (server CPU, committed rows …). */
  extra: Record<string, number>;
}

/** Options of {@link findCapacity}. */
export interface FindCapacityOptions {
  /** First rate tried (the target rate, so that the first step doubles as the check at the target). */
  startRate: number;
  /** Factor between coarse steps. @default 1.5 */
  growth?: number;
  /** Most coarse steps. */
  maxSteps: number;
  /**
   * Largest gap left between the highest rate held and the lowest missed, as a share of the rate held
   * (0.05: the edge is known within 5%).
   */
  edgeGap: number;
  /** Most bisection steps spent narrowing that gap (a bound on the search's time, whatever the ladder left). */
  maxRefineSteps: number;
  /** p99 bound of a held step, in ms. */
  p99Ms: number;
  /** Run one step at `rate`. */
  run(rate: number): Promise<{ result: OpenLoadResult; extra?: Record<string, number> }>;
  /** Progress line per step. */
  log(line: string): void;
}

/** What {@link findCapacity} found. */
export interface Capacity {
  /** The highest step held, if any. */
  best: CapacityStep | undefined;
  /**
   * The lowest step missed above `best` (any step missed, if none held); undefined when every rate tried
   * was held (the search ran out of coarse steps going up).
   */
  missed: CapacityStep | undefined;
  /** Whether `best` and `missed` ended within `edgeGap` of each other. */
  converged: boolean;
  /** The first step (at `startRate`). */
  first: CapacityStep;
  steps: CapacityStep[];
}

/** A step is held when every arrival was served, without error, within the p99 bound. */
export function held(result: OpenLoadResult, p99Ms: number): boolean {
  return result.errors === 0 && result.ok === result.scheduled && result.latency.p99 <= p99Ms;
}

/** Search the capacity (see the file comment). */
export async function findCapacity(options: FindCapacityOptions): Promise<Capacity> {
  const growth = options.growth ?? 1.5;
  const steps: CapacityStep[] = [];
  const run = async (rate: number, retry: boolean): Promise<CapacityStep> => {
    const { result, extra } = await options.run(rate);
    const s = { rate, result, held: held(result, options.p99Ms), extra: extra ?? {} };
    const l = result.latency;
    options.log(
      `  ${rate.toFixed(0).padStart(6)}/s ${s.held ? "held  " : "missed"} ok ${result.ok}/${result.scheduled}` +
        ` p50 ${l.p50.toFixed(1)} p99 ${l.p99.toFixed(1)} max ${l.max.toFixed(1)} ms` +
        ` gen cpu ${(result.generatorCpu * 100).toFixed(0)}%` +
        Object.entries(extra ?? {})
          .map(([k, v]) => ` ${k} ${Number.isInteger(v) ? v : v.toFixed(2)}`)
          .join("") +
        (result.errorSamples[0] ? ` (${result.errorSamples[0].slice(0, 80)})` : "") +
        (retry ? " (second run)" : ""),
    );
    return s;
  };
  // A run that missed with a low median and no failed request is run once more, and the rate counts as
  // missed only if the second run misses too: on a shared machine a burst of other work (or a checkpoint) can
  // spoil one run's tail at a rate the server holds, and the search would then settle far below the capacity.
  // Arrivals shed at the in-flight bound do not make a run overloaded when its median stayed low: a stall of a
  // few hundred ms fills that bound while the rest of the run is served fast, whereas a server over its
  // capacity lets its queue, and so its median, grow before it sheds. An overloaded server (failed requests, a
  // high median) is not retried, except at the first step: that is the server's first run at load, right after
  // a light warm-up, and it pays for what only load compiles and fills (large batches, queues, pools). A
  // missed first step is run once more whatever its figures, and the second run is the step (and the figure
  // at the start rate).
  const step = async (rate: number, cold = false): Promise<CapacityStep> => {
    let s = await run(rate, false);
    const r = s.result;
    const spoiled = r.errors === r.shed && r.latency.p50 <= options.p99Ms / 2;
    if (!s.held && (spoiled || cold)) s = await run(rate, true);
    steps.push(s);
    return s;
  };

  const first = await step(options.startRate, true);
  let best: CapacityStep | undefined = first.held ? first : undefined;
  let missed: CapacityStep | undefined = first.held ? undefined : first;
  let rate = options.startRate;
  for (let i = 1; i < options.maxSteps; i++) {
    // Downwards in bigger strides: a server far below the start rate should still meet a held step.
    rate = first.held ? rate * growth : rate / (growth * growth);
    const s = await step(rate);
    if (first.held) {
      if (!s.held) {
        missed = s;
        break;
      }
      best = s;
    } else if (s.held) {
      best = s;
      break;
    } else {
      missed = s;
    }
  }
  const gapClosed = () => !best || !missed || missed.rate <= best.rate * (1 + options.edgeGap);
  for (let i = 0; best && missed && !gapClosed() && i < options.maxRefineSteps; i++) {
    const s = await step(Math.sqrt(best.rate * missed.rate));
    if (s.held) best = s;
    else missed = s;
  }
  const capacity = {
    best,
    missed,
    converged: best !== undefined && missed !== undefined && gapClosed(),
    first,
    steps,
  };
  options.log(`  capacity: ${edgeText(capacity, (r) => `${r.toFixed(0)}/s`)}`);
  return capacity;
}

/** "held at X, missed at Y" (in the figure's unit, via `offered`), or what the search found instead. */
export function edgeText(capacity: Capacity, offered: (rate: number) => string): string {
  const { best, missed } = capacity;
  if (!best) return `no rate tried was held (missed at ${offered(missed?.rate ?? capacity.first.rate)})`;
  if (!missed) return `held at ${offered(best.rate)}, the highest rate tried (no rate missed)`;
  const gap = ((missed.rate - best.rate) / best.rate) * 100;
  return (
    `held at ${offered(best.rate)}, missed at ${offered(missed.rate)} (${gap.toFixed(1)}% apart` +
    `${capacity.converged ? "" : ", the search's steps ran out before the gap closed"})`
  );
}
