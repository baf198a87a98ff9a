// P1 — CDR ingest through the real path: signed 50-CDR fee pushes to /notify, each acknowledged only after
// its rows are committed, against the same rows written by a raw prepared UNNEST insert from one Node process.
import type { BenchFigure } from "@privnum/bench-kit";
import { queryValue } from "../lib/bench-database.js";
import { type Capacity, findCapacity } from "../lib/capacity.js";
import { type BenchContext, measuredRun } from "../lib/context.js";
import { cpuBudget, latencyText, percent, rate } from "../lib/format.js";
import { profileAtCapacity } from "../lib/profiled-step.js";

const RECORDS_PER_PUSH = 50;
const TARGET_CDR_PER_S = 10_000;
const ACK_P99_MS = 150;
const SERIES = 1;
/** Connections of the raw baseline's pool (tried 2, 4 and 8 on the 2-core machine: 4 did best). */
const RAW_POOL_SIZE = 4;

const countRows = (url: string) => queryValue(url, "select count(*) as value from call_records");

export async function benchCdrIngest(ctx: BenchContext): Promise<BenchFigure[]> {
  const pushRate = TARGET_CDR_PER_S / RECORDS_PER_PUSH;
  const maxInFlight = (r: number) => Math.ceil((r * ACK_P99_MS * 4) / 1000) + 20;
  let rawNext = 0;
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
  let acknowledged = 0;
  let committed = 0;
  const gateway = async (r: number, durationMs: number) => {
    const first = gatewayNext;
    gatewayNext += Math.ceil((r * durationMs) / 1000) + 1;
    const before = await countRows(ctx.gatewayDatabaseUrl);
    const run = await measuredRun(ctx, ctx.gateway, {
      kind: "fee-pushes",
      url: ctx.gateway.url,
      credentials: ctx.credentials,
      first,
      recordsPerPush: RECORDS_PER_PUSH,
      series: SERIES,
      rate: r,
      durationMs,
      maxInFlight: maxInFlight(r),
    });
    const rows = (await countRows(ctx.gatewayDatabaseUrl)) - before;
    acknowledged += run.result.ok * RECORDS_PER_PUSH;
    committed += rows;
    return { result: run.result, extra: { ...run.extra, "committed rows": rows } };
  };

  ctx.log("P1 warm-up");
  await raw(20, ctx.scale.warmUpMs / 2);
  await gateway(20, ctx.scale.warmUpMs);
  const search = (run: typeof raw): Promise<Capacity> =>
    findCapacity({
      startRate: pushRate,
      maxSteps: ctx.scale.searchSteps,
      edgeGap: ctx.scale.edgeGap,
      maxRefineSteps: ctx.scale.maxRefineSteps,
      p99Ms: ACK_P99_MS,
      run: (r) => run(r, ctx.scale.stepMs),
      log: ctx.log,
    });
  ctx.log("P1 baseline: raw prepared INSERT … SELECT FROM UNNEST … ON CONFLICT DO NOTHING (pushes/s)");
  const baseline = await search(raw);
  ctx.log("P1 gateway: signed fee pushes to /notify (pushes/s)");
  const measured = await search(gateway);

  const capacity = (c: Capacity) => (c.best ? c.best.result.throughput * RECORDS_PER_PUSH : 0);
  const gatewayCapacity = capacity(measured);
  const baselineCapacity = capacity(baseline);
  const ratio = baselineCapacity > 0 ? gatewayCapacity / baselineCapacity : 0;
  const met = gatewayCapacity >= TARGET_CDR_PER_S && ratio >= 0.5;
  const profiled = await profileAtCapacity(
    ctx,
    met,
    measured,
    gateway,
    (r) => `${rate(r * RECORDS_PER_PUSH)} CDR/s`,
  );
  const atTarget = measured.first;
  const rawAtTarget = baseline.first;
  const bestNote = measured.best
    ? `At ${rate(measured.best.rate * RECORDS_PER_PUSH)} CDR/s offered: ack ${latencyText(measured.best.result.latency)}, ` +
      `gateway CPU ${percent(measured.best.extra["server cpu"] ?? 0)} of a core, machine ${percent(measured.best.extra["machine busy"] ?? 0)} busy, ` +
      `generator CPU ${percent(measured.best.result.generatorCpu)}. ` +
      `${cpuBudget(measured.best, { one: "push", many: "pushes" }, pushRate)}`
    : "No rate tried was held";
  return [
    {
      id: "P1",
      name: "CDR ingest: signed 50-CDR pushes to /notify → committed rows (capacity at ack p99 ≤ 150 ms)",
      value: gatewayCapacity,
      unit: "CDR/s",
      baseline: {
        name: `raw prepared UNNEST insert, one Node process, pool of ${RAW_POOL_SIZE}`,
        value: baselineCapacity,
      },
      ratio,
      target: "≥ 10,000 CDR/s and ≥ 50% of baseline",
      met,
      note:
        `Capacity = highest open-model arrival rate with every push answered 200 and ack p99 ≤ 150 ms (steps of ${ctx.scale.stepMs / 1000} s). ` +
        `${bestNote}. Baseline at its capacity: ${latencyText(baseline.best?.result.latency ?? rawAtTarget.result.latency)}. ` +
        "Each push carries the CDRs of 50 different calls over 1,000 stored bindings; each call is folded into its session row. " +
        `Rows committed in the database: ${rate(committed)} of ${rate(acknowledged)} acknowledged. ${profiled}`,
    },
    {
      id: "P1-ack",
      name: "CDR push ack latency p99 at 10,000 CDR/s offered (200 pushes/s)",
      value: atTarget.result.latency.p99,
      unit: "ms",
      lowerIsBetter: true,
      baseline: { name: "raw UNNEST insert p99 at the same rate", value: rawAtTarget.result.latency.p99 },
      ratio: rawAtTarget.result.latency.p99 / atTarget.result.latency.p99,
      target: "≤ 150 ms with every push acknowledged",
      met: atTarget.held,
      note:
        `Gateway ${latencyText(atTarget.result.latency)}, ${atTarget.result.ok}/${atTarget.result.scheduled} acknowledged, ` +
        `${rate(atTarget.result.throughput * RECORDS_PER_PUSH)} CDR/s served; baseline ${latencyText(rawAtTarget.result.latency)}.`,
    },
  ];
}
