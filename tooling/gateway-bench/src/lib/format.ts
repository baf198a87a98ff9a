// Wording shared by the scenarios' figures.
import { availableParallelism } from "node:os";
import type { LatencySummary } from "./jobs.js";

/** `p50 1.2 / p90 3.4 / p99 5.6 / max 7.8 ms`. */
export function latencyText(l: LatencySummary): string {
  const ms = (v: number) => (v >= 100 ? v.toFixed(0) : v.toFixed(1));
  return `p50 ${ms(l.p50)} / p90 ${ms(l.p90)} / p99 ${ms(l.p99)} / max ${ms(l.max)} ms`;
}

/** `37%` of one core. */
export function percent(share: number): string {
  return `${(share * 100).toFixed(0)}%`;
}

/** A rate with thousands separators. */
export function rate(value: number): string {
  return Math.round(value).toLocaleString("en-US");
}

/**
 * What one arrival cost in CPU at a held step (gateway, PostgreSQL, generator), and how many of the
 * machine's cores the target arrival rate would take at that cost: the evidence of whether a target is
 * within reach of this machine at all.
 */
export function cpuBudget(
  step: { result: { throughput: number; generatorCpu: number }; extra: Record<string, number> },
  what: { one: string; many: string },
  targetPerSecond: number,
): string {
  const perItemMs = (share: number) => (share * 1000) / step.result.throughput;
  const gateway = perItemMs(step.extra["server cpu"] ?? 0);
  const postgres = perItemMs(step.extra["postgres cpu"] ?? 0);
  const generator = perItemMs(step.result.generatorCpu);
  const cores = ((gateway + postgres + generator) * targetPerSecond) / 1000;
  return (
    `CPU per ${what.one}: gateway ${gateway.toFixed(2)} ms, PostgreSQL ${postgres.toFixed(2)} ms (all backends), ` +
    `generator ${generator.toFixed(2)} ms; ${rate(targetPerSecond)} ${what.many}/s at that cost would take ` +
    `${cores.toFixed(2)} of the machine's ${availableParallelism()} cores`
  );
}

/** The server's CPU per item at a step, in µs (`perArrival` items in each arrival: 50 CDRs in a push). */
export function cpuPerItemUs(
  step: { result: { throughput: number }; extra: Record<string, number> },
  perArrival = 1,
): number {
  const items = step.result.throughput * perArrival;
  return items > 0 ? ((step.extra["server cpu"] ?? 0) * 1e6) / items : 0;
}

/**
 * How the two-process gateway compares to the one-process one: capacity ratio and server CPU (all its
 * processes) per item at each capacity step.
 */
export function clusterComparison(
  one: { value: number; step: Parameters<typeof cpuPerItemUs>[0] | undefined },
  two: { value: number; step: Parameters<typeof cpuPerItemUs>[0] | undefined },
  what: { one: string; perArrival?: number },
): string {
  const ratio =
    one.value > 0
      ? `${(two.value / one.value).toFixed(2)}× the one-process capacity`
      : "one process held no rate";
  const cpu = (s: typeof one.step) => (s ? `${cpuPerItemUs(s, what.perArrival).toFixed(0)} µs` : "n/a");
  return (
    `Two processes: ${ratio} (${rate(two.value)} against ${rate(one.value)}); server CPU per ${what.one} at capacity ` +
    `${cpu(two.step)} (primary and both workers, from /proc) against ${cpu(one.step)} in one process`
  );
}
