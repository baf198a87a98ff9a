// P1 — CDR ingest through the real path: signed 50-CDR fee pushes to /notify, each acknowledged only after
// its rows are committed, against the same rows written by a raw prepared UNNEST insert from one Node process.
// The gateway also runs as a two-process cluster (P1-2p), and its CPU per CDR is read against one PostgreSQL
// round trip (P1-cpu).
import type { BenchFigure } from "@privnum/bench-kit";
import { queryValue } from "../lib/bench-database.js";
import { type Capacity, edgeText, findCapacity } from "../lib/capacity.js";
import { type BenchContext, measuredRun, type ServerHandle } from "../lib/context.js";
import { clusterComparison, cpuBudget, cpuPerItemUs, latencyText, percent, rate } from "../lib/format.js";
import { profileAtCapacity } from "../lib/profiled-step.js";

const RECORDS_PER_PUSH = 50;
/** Where the capacity search starts (10,000 CDR/s): a start, not a target. */
const START_CDR_PER_S = 10_000;
const ACK_P99_MS = 150;
/** The gateway's capacity must reach this share of the raw baseline's. */
const MIN_RATIO = 0.5;
/** Gateway CPU per CDR may be at most this share of one PostgreSQL round trip (client CPU). */
const CPU_ROUND_TRIPS = 0.3;
const SERIES = 1;
/** Connections of the raw baseline's pool (tried 2, 4 and 8 on the 2-core machine: 4 did best). */
const RAW_POOL_SIZE = 4;

const countRows = (url: string) => queryValue(url, "select count(*) as value from call_records");
const cdrs = (pushes: number) => `${rate(pushes * RECORDS_PER_PUSH)} CDR/s`;

export async function benchCdrIngest(ctx: BenchContext): Promise<BenchFigure[]> {
  const pushRate = START_CDR_PER_S / RECORDS_PER_PUSH;
  const maxInFlight = (r: number) => Math.ceil((r * ACK_P99_MS * 4) / 1000) + 20;
  let rawNext = 0;
  // Every push carries new CDRs, whichever gateway (one process or two) it goes to.
  let gatewayNext = 0;

  const raw = (r: number, durationMs: number) => {
    const first = rawNext;
    rawNext += Math.ceil((r * durationMs) / 1000) + 1;
    return measuredRun(ctx, undefined, {
      kind: "raw-cdr-inserts",
      databaseUrl: ctx.baselineDatabaseUrl,
      poolSize: RAW_POOL_SIZE,
      appKey: ctx.credentials.appKey,
      receivedNotificationId: ctx.baselineReceivedId,
      first,
      recordsPerPush: RECORDS_PER_PUSH,
      series: SERIES,
      rate: r,
      durationMs,
      maxInFlight: maxInFlight(r),
    });
  };
  const tally = new Map<ServerHandle, { acknowledged: number; committed: number }>();
  const pushTo = (server: ServerHandle) => async (r: number, durationMs: number) => {
    const first = gatewayNext;
    gatewayNext += Math.ceil((r * durationMs) / 1000) + 1;
    const before = await countRows(ctx.gatewayDatabaseUrl);
    const run = await measuredRun(ctx, server, {
      kind: "fee-pushes",
      url: server.url,
      credentials: ctx.credentials,
      first,
      recordsPerPush: RECORDS_PER_PUSH,
      series: SERIES,
      rate: r,
      durationMs,
      maxInFlight: maxInFlight(r),
    });
    const rows = (await countRows(ctx.gatewayDatabaseUrl)) - before;
    const t = tally.get(server) ?? { acknowledged: 0, committed: 0 };
    t.acknowledged += run.result.ok * RECORDS_PER_PUSH;
    t.committed += rows;
    tally.set(server, t);
    return { result: run.result, extra: { ...run.extra, "committed rows": rows } };
  };
  const committedText = (server: ServerHandle) => {
    const t = tally.get(server) ?? { acknowledged: 0, committed: 0 };
    return `Rows committed in the database: ${rate(t.committed)} of ${rate(t.acknowledged)} acknowledged`;
  };
  const search = (run: typeof raw, stepMs = ctx.scale.stepMs): Promise<Capacity> =>
    findCapacity({
      startRate: pushRate,
      maxSteps: ctx.scale.searchSteps,
      edgeGap: ctx.scale.edgeGap,
      maxRefineSteps: ctx.scale.maxRefineSteps,
      p99Ms: ACK_P99_MS,
      run: (r) => run(r, stepMs),
      log: ctx.log,
    });

  const gateway = pushTo(ctx.gateway);
  ctx.log("P1 warm-up");
  await raw(20, ctx.scale.warmUpMs / 2);
  await gateway(20, ctx.scale.warmUpMs);
  ctx.log("P1 baseline: raw prepared INSERT … SELECT FROM UNNEST … ON CONFLICT DO NOTHING (pushes/s)");
  const baseline = await search(raw);
  ctx.log("P1 gateway: signed fee pushes to /notify (pushes/s)");
  const measured = await search(gateway);
  const profiled = await profileAtCapacity(ctx, measured, gateway, cdrs);

  ctx.log("P1 gateway, two processes (WORKERS=2, Redis on) (pushes/s)");
  const cluster = await ctx.startGatewayCluster();
  let clustered: Capacity;
  try {
    const toCluster = pushTo(cluster);
    // Started cold, where the one-process gateway has run every step before it: a longer warm-up, at a
    // quarter of the start rate, so that both workers' hot paths are compiled before the first step.
    await toCluster(pushRate / 4, 3 * ctx.scale.warmUpMs);
    clustered = await search(toCluster, ctx.scale.clusterStepMs);
  } finally {
    await cluster.stop();
  }

  const capacityOf = (c: Capacity) => (c.best ? c.best.result.throughput * RECORDS_PER_PUSH : 0);
  const baselineCapacity = capacityOf(baseline);
  const ratioOf = (c: Capacity) => (baselineCapacity > 0 ? capacityOf(c) / baselineCapacity : 0);
  const isMet = (c: Capacity) => ratioOf(c) >= MIN_RATIO;
  const target = `≥ ${MIN_RATIO * 100}% of baseline at ack p99 ≤ ${ACK_P99_MS} ms`;
  const baselineFigure = {
    name: `raw prepared UNNEST insert, one Node process, pool of ${RAW_POOL_SIZE}`,
    value: baselineCapacity,
  };
  /** The capacity step's latency and CPU, as a sentence (empty when no rate was held: the edge says so). */
  const atCapacity = (c: Capacity, who: string) =>
    c.best
      ? `At ${cdrs(c.best.rate)} offered: ack ${latencyText(c.best.result.latency)}, ` +
        `${who} CPU ${percent(c.best.extra["server cpu"] ?? 0)} of a core, machine ${percent(c.best.extra["machine busy"] ?? 0)} busy, ` +
        `generator CPU ${percent(c.best.result.generatorCpu)}. `
      : "";
  const baselineNote =
    `Baseline ${edgeText(baseline, cdrs)}` +
    (baseline.best ? `, ack ${latencyText(baseline.best.result.latency)}` : "");
  const cpuStep = measured.best ?? measured.steps.reduce((a, b) => (a.rate <= b.rate ? a : b));
  const cpuPerCdr = cpuPerItemUs(cpuStep, RECORDS_PER_PUSH);
  const cpuLimit = CPU_ROUND_TRIPS * ctx.roundTripCpuUs;
  return [
    {
      id: "P1",
      name: `CDR ingest: signed 50-CDR pushes to /notify → committed rows (capacity at ack p99 ≤ ${ACK_P99_MS} ms)`,
      value: capacityOf(measured),
      unit: "CDR/s",
      baseline: baselineFigure,
      ratio: ratioOf(measured),
      target,
      met: isMet(measured),
      note:
        `Capacity = highest open-model arrival rate with every push answered 200 and ack p99 ≤ ${ACK_P99_MS} ms (steps of ${ctx.scale.stepMs / 1000} s): ` +
        `${edgeText(measured, cdrs)}. ${atCapacity(measured, "gateway")}` +
        (measured.best ? `${cpuBudget(measured.best, { one: "push", many: "pushes" }, pushRate)}. ` : "") +
        `${baselineNote}. ` +
        "Each push carries the CDRs of 50 different calls over 1,000 stored bindings; each call is folded into its session row. " +
        `${committedText(ctx.gateway)}. ${profiled}`,
    },
    {
      id: "P1-cpu",
      name: "gateway CPU per CDR (at its P1 capacity step)",
      value: Math.round(cpuPerCdr),
      unit: "µs",
      lowerIsBetter: true,
      baseline: {
        name: "one PostgreSQL round trip (client CPU, the round-trip row)",
        value: ctx.roundTripCpuUs,
      },
      ratio: cpuPerCdr > 0 ? ctx.roundTripCpuUs / cpuPerCdr : 0,
      target: `≤ ${CPU_ROUND_TRIPS}× one round trip (${rate(cpuLimit)} µs)`,
      met: cpuPerCdr > 0 && cpuPerCdr <= cpuLimit,
      note:
        `Measured at ${cdrs(cpuStep.rate)} offered (${measured.best ? "the capacity step" : "the lowest rate tried: none held"}), ` +
        `${cdrs(cpuStep.result.throughput)} served: gateway CPU (user + system, process counters) ` +
        `${percent(cpuStep.extra["server cpu"] ?? 0)} of a core = ${(cpuPerCdr / ctx.roundTripCpuUs).toFixed(2)} round trips per CDR ` +
        `(${(cpuPerCdr * RECORDS_PER_PUSH).toFixed(0)} µs per 50-CDR push).`,
    },
    {
      id: "P1-2p",
      name: `CDR ingest, gateway as two processes (capacity at ack p99 ≤ ${ACK_P99_MS} ms)`,
      value: capacityOf(clustered),
      unit: "CDR/s",
      baseline: baselineFigure,
      ratio: ratioOf(clustered),
      target,
      met: isMet(clustered),
      note:
        `The gateway's cluster mode (dist/main.mjs, WORKERS=2, Redis fan-out on, same settings otherwise). ` +
        `Capacity ${edgeText(clustered, cdrs)} (steps of ${ctx.scale.clusterStepMs / 1000} s). ${atCapacity(clustered, "cluster")}` +
        `${clusterComparison(
          { value: capacityOf(measured), step: measured.best },
          { value: capacityOf(clustered), step: clustered.best },
          { one: "CDR", perArrival: RECORDS_PER_PUSH },
        )}. ${committedText(cluster)}.`,
    },
  ];
}
