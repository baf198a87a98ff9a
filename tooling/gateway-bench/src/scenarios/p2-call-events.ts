// P2 — single call-event pushes, each committed before its 200, against the same events written one
// prepared insert (one commit) at a time by a raw Node process.
import type { BenchFigure } from "@privnum/bench-kit";
import { queryValue } from "../lib/bench-database.js";
import { type Capacity, findCapacity } from "../lib/capacity.js";
import { type BenchContext, measuredRun } from "../lib/context.js";
import { cpuBudget, latencyText, percent, rate } from "../lib/format.js";
import { profileAtCapacity } from "../lib/profiled-step.js";

const TARGET_EVENTS_PER_S = 1000;
const ACK_P99_MS = 50;
const SERIES = 2;
const RAW_POOL_SIZE = 4;

const countEvents = (url: string) => queryValue(url, "select count(*) as value from call_events");

export async function benchCallEvents(ctx: BenchContext): Promise<BenchFigure[]> {
  const maxInFlight = (r: number) => Math.ceil((r * ACK_P99_MS * 4) / 1000) + 20;
  let rawNext = 0;
  let gatewayNext = 0;

  const raw = (r: number, durationMs: number) => {
    const first = rawNext;
    rawNext += Math.ceil((r * durationMs) / 1000) + 1;
    return measuredRun(ctx, undefined, {
      kind: "raw-event-inserts",
      databaseUrl: ctx.baselineDatabaseUrl,
      poolSize: RAW_POOL_SIZE,
      receivedNotificationId: ctx.baselineReceivedId,
      first,
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
    const before = await countEvents(ctx.gatewayDatabaseUrl);
    const run = await measuredRun(ctx, ctx.gateway, {
      kind: "call-events",
      url: ctx.gateway.url,
      credentials: ctx.credentials,
      first,
      series: SERIES,
      rate: r,
      durationMs,
      maxInFlight: maxInFlight(r),
    });
    const rows = (await countEvents(ctx.gatewayDatabaseUrl)) - before;
    acknowledged += run.result.ok;
    committed += rows;
    return { result: run.result, extra: { ...run.extra, "committed rows": rows } };
  };

  ctx.log("P2 warm-up");
  await raw(100, ctx.scale.warmUpMs / 2);
  await gateway(100, ctx.scale.warmUpMs);
  const search = (run: typeof raw): Promise<Capacity> =>
    findCapacity({
      startRate: TARGET_EVENTS_PER_S,
      maxSteps: ctx.scale.searchSteps,
      edgeGap: ctx.scale.edgeGap,
      maxRefineSteps: ctx.scale.maxRefineSteps,
      p99Ms: ACK_P99_MS,
      run: (r) => run(r, ctx.scale.stepMs),
      log: ctx.log,
    });
  ctx.log("P2 baseline: raw prepared single-row INSERT … ON CONFLICT DO NOTHING, one commit each (events/s)");
  const baseline = await search(raw);
  ctx.log("P2 gateway: signed call-event pushes to /notify (events/s)");
  const measured = await search(gateway);

  const gatewayCapacity = measured.best?.result.throughput ?? 0;
  const baselineCapacity = baseline.best?.result.throughput ?? 0;
  const met = gatewayCapacity >= TARGET_EVENTS_PER_S;
  const profiled = await profileAtCapacity(ctx, met, measured, gateway, (r) => `${rate(r)} events/s`);
  const atTarget = measured.first;
  const rawAtTarget = baseline.first;
  const bestNote = measured.best
    ? `At ${rate(measured.best.rate)} events/s offered: ack ${latencyText(measured.best.result.latency)}, ` +
      `gateway CPU ${percent(measured.best.extra["server cpu"] ?? 0)} of a core, machine ${percent(measured.best.extra["machine busy"] ?? 0)} busy, ` +
      `generator CPU ${percent(measured.best.result.generatorCpu)}. ` +
      `${cpuBudget(measured.best, { one: "event", many: "events" }, TARGET_EVENTS_PER_S)}`
    : `No rate tried was held (lowest tried: ${rate(Math.min(...measured.steps.map((s) => s.rate)))} events/s)`;
  return [
    {
      id: "P2",
      name: "call-event pushes, each committed before 200 (capacity at ack p99 ≤ 50 ms)",
      value: gatewayCapacity,
      unit: "events/s",
      baseline: {
        name: `raw prepared single-row insert, one commit each, pool of ${RAW_POOL_SIZE}`,
        value: baselineCapacity,
      },
      ratio: baselineCapacity > 0 ? gatewayCapacity / baselineCapacity : 0,
      target: "≥ 1,000 events/s at ack p99 ≤ 50 ms",
      met,
      note:
        `Capacity as in P1 (steps of ${ctx.scale.stepMs / 1000} s). ${bestNote}. ` +
        `Events as a platform sends them: 100 calls in flight, six events each (callin … disconnect), each push refolds its call. ` +
        `Events committed: ${rate(committed)} of ${rate(acknowledged)} acknowledged. ${profiled}`,
    },
    {
      id: "P2-ack",
      name: "call-event ack latency p99 at 1,000 events/s offered",
      value: atTarget.result.latency.p99,
      unit: "ms",
      lowerIsBetter: true,
      baseline: { name: "raw single-row insert p99 at the same rate", value: rawAtTarget.result.latency.p99 },
      ratio: rawAtTarget.result.latency.p99 / atTarget.result.latency.p99,
      target: "≤ 50 ms with every push acknowledged",
      met: atTarget.held,
      note:
        `Gateway ${latencyText(atTarget.result.latency)}, ${atTarget.result.ok}/${atTarget.result.scheduled} acknowledged, ` +
        `${rate(atTarget.result.throughput)} events/s served; baseline ${latencyText(rawAtTarget.result.latency)}.`,
    },
  ];
}
