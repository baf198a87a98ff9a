// P2 — single call-event pushes, each committed before its 200, against the honest ceiling of that contract
// on this machine: a bare `node:http` server (serve-bare-notify.ts) taking the same signed pushes from the same
// load generator and group-committing their bodies, unverified and unparsed. The gateway also runs as a
// two-process cluster (P2-2p), and its CPU per event is read against one PostgreSQL round trip (P2-cpu).
import type { BenchFigure } from "@privnum/bench-kit";
import { queryValue } from "../lib/bench-database.js";
import { type Capacity, edgeText, findCapacity } from "../lib/capacity.js";
import { type BenchContext, measuredRun, type ServerHandle } from "../lib/context.js";
import { clusterComparison, cpuBudget, cpuPerItemUs, latencyText, percent, rate } from "../lib/format.js";
import { profileAtCapacity } from "../lib/profiled-step.js";

const TARGET_EVENTS_PER_S = 1000;
const ACK_P99_MS = 50;
/** The gateway's capacity must reach this share of the bare server's. */
const MIN_RATIO = 0.5;
/** Gateway CPU per event may be at most this many PostgreSQL round trips (client CPU). */
const CPU_ROUND_TRIPS = 2;
const SERIES = 2;

const countEvents = (url: string) => queryValue(url, "select count(*) as value from call_events");
const countBodies = (url: string) =>
  queryValue(url, "select count(*) as value from received_notifications where path = '/notify'");
const events = (r: number) => `${rate(r)} events/s`;

export async function benchCallEvents(ctx: BenchContext): Promise<BenchFigure[]> {
  const maxInFlight = (r: number) => Math.ceil((r * ACK_P99_MS * 4) / 1000) + 20;
  // Every push is a new event (never a duplicate), whichever server it goes to.
  let next = 0;
  const tally = new Map<ServerHandle, { acknowledged: number; committed: number }>();
  /** One open-model run of signed call-event pushes to `server`, rows committed counted by `count`. */
  const push = async (server: ServerHandle, count: () => Promise<number>, r: number, durationMs: number) => {
    const first = next;
    next += Math.ceil((r * durationMs) / 1000) + 1;
    const before = await count();
    const run = await measuredRun(ctx, server, {
      kind: "call-events",
      url: server.url,
      credentials: ctx.credentials,
      first,
      series: SERIES,
      rate: r,
      durationMs,
      maxInFlight: maxInFlight(r),
    });
    const rows = (await count()) - before;
    const t = tally.get(server) ?? { acknowledged: 0, committed: 0 };
    t.acknowledged += run.result.ok;
    t.committed += rows;
    tally.set(server, t);
    return { result: run.result, extra: { ...run.extra, "committed rows": rows } };
  };
  const search = (
    run: (r: number, durationMs: number) => ReturnType<typeof push>,
    stepMs = ctx.scale.stepMs,
  ): Promise<Capacity> =>
    findCapacity({
      startRate: TARGET_EVENTS_PER_S,
      maxSteps: ctx.scale.searchSteps,
      edgeGap: ctx.scale.edgeGap,
      maxRefineSteps: ctx.scale.maxRefineSteps,
      p99Ms: ACK_P99_MS,
      run: (r) => run(r, stepMs),
      log: ctx.log,
    });
  const committedText = (server: ServerHandle) => {
    const t = tally.get(server) ?? { acknowledged: 0, committed: 0 };
    return `Committed: ${rate(t.committed)} of ${rate(t.acknowledged)} acknowledged`;
  };

  const bare = await ctx.startServer("bare-notify", { databaseUrl: ctx.baselineDatabaseUrl });
  const toBare = (r: number, durationMs: number) =>
    push(bare, () => countBodies(ctx.baselineDatabaseUrl), r, durationMs);
  const toGateway = (r: number, durationMs: number) =>
    push(ctx.gateway, () => countEvents(ctx.gatewayDatabaseUrl), r, durationMs);
  let baseline: Capacity;
  let bareCommitted: string;
  try {
    ctx.log("P2 warm-up");
    await toBare(100, ctx.scale.warmUpMs / 2);
    await toGateway(100, ctx.scale.warmUpMs);
    ctx.log("P2 baseline: bare node:http server, group-committed bodies (events/s)");
    baseline = await search(toBare);
    bareCommitted = committedText(bare);
  } finally {
    await bare.stop();
  }
  ctx.log("P2 gateway: signed call-event pushes to /notify (events/s)");
  const measured = await search(toGateway);
  const profiled = await profileAtCapacity(ctx, measured, toGateway, events);

  ctx.log("P2 gateway, two processes (WORKERS=2, Redis on) (events/s)");
  const cluster = await ctx.startGatewayCluster();
  let clustered: Capacity;
  try {
    const toCluster = (r: number, durationMs: number) =>
      push(cluster, () => countEvents(ctx.gatewayDatabaseUrl), r, durationMs);
    // Started cold, where the one-process gateway has run every step before it: a longer warm-up, at a
    // quarter of the start rate, so that both workers' hot paths are compiled before the first step.
    await toCluster(TARGET_EVENTS_PER_S / 4, 3 * ctx.scale.warmUpMs);
    clustered = await search(toCluster, ctx.scale.clusterStepMs);
  } finally {
    await cluster.stop();
  }

  const baselineCapacity = baseline.best?.result.throughput ?? 0;
  const capacityOf = (c: Capacity) => c.best?.result.throughput ?? 0;
  const ratioOf = (c: Capacity) => (baselineCapacity > 0 ? capacityOf(c) / baselineCapacity : 0);
  const isMet = (c: Capacity) => capacityOf(c) >= TARGET_EVENTS_PER_S && ratioOf(c) >= MIN_RATIO;
  const target = `≥ ${rate(TARGET_EVENTS_PER_S)} events/s at ack p99 ≤ ${ACK_P99_MS} ms and ≥ ${MIN_RATIO * 100}% of baseline`;
  const baselineFigure = {
    name: "bare node:http server: the same signed pushes, bodies group-committed (one multi-row insert per batch), unverified",
    value: baselineCapacity,
  };
  const baselineNote =
    `Baseline ${edgeText(baseline, events)}` +
    (baseline.best
      ? `: ack ${latencyText(baseline.best.result.latency)}, server CPU ${percent(baseline.best.extra["server cpu"] ?? 0)} of a core (${cpuPerItemUs(baseline.best).toFixed(0)} µs per event)`
      : "") +
    `. ${bareCommitted} by the baseline`;
  /** The capacity step's latency and CPU, as a sentence (empty when no rate was held: the edge says so). */
  const atCapacity = (c: Capacity, who: string) =>
    c.best
      ? `At ${events(c.best.rate)} offered: ack ${latencyText(c.best.result.latency)}, ` +
        `${who} CPU ${percent(c.best.extra["server cpu"] ?? 0)} of a core, machine ${percent(c.best.extra["machine busy"] ?? 0)} busy, ` +
        `generator CPU ${percent(c.best.result.generatorCpu)}. `
      : "";
  const cpuStep = measured.best ?? measured.steps.reduce((a, b) => (a.rate <= b.rate ? a : b));
  const cpuPerEvent = cpuPerItemUs(cpuStep);
  const cpuLimit = CPU_ROUND_TRIPS * ctx.roundTripCpuUs;
  const atTarget = measured.first;
  const bareAtTarget = baseline.first;
  return [
    {
      id: "P2",
      name: `call-event pushes, each committed before 200 (capacity at ack p99 ≤ ${ACK_P99_MS} ms)`,
      value: capacityOf(measured),
      unit: "events/s",
      baseline: baselineFigure,
      ratio: ratioOf(measured),
      target,
      met: isMet(measured),
      note:
        `Capacity ${edgeText(measured, events)} (steps of ${ctx.scale.stepMs / 1000} s). ${atCapacity(measured, "gateway")}` +
        (measured.best
          ? `${cpuBudget(measured.best, { one: "event", many: "events" }, TARGET_EVENTS_PER_S)}. `
          : "") +
        `${baselineNote}. ` +
        `Events as a platform sends them: 100 calls in flight, six events each (callin … disconnect), each push refolds its call. ` +
        `${committedText(ctx.gateway)} by the gateway. ${profiled}`,
    },
    {
      id: "P2-ack",
      name: `call-event ack latency p99 at ${rate(TARGET_EVENTS_PER_S)} events/s offered`,
      value: atTarget.result.latency.p99,
      unit: "ms",
      lowerIsBetter: true,
      baseline: {
        name: "bare group-commit server p99 at the same rate",
        value: bareAtTarget.result.latency.p99,
      },
      ratio: bareAtTarget.result.latency.p99 / atTarget.result.latency.p99,
      target: `≤ ${ACK_P99_MS} ms with every push acknowledged`,
      met: atTarget.held,
      note:
        `Gateway ${latencyText(atTarget.result.latency)}, ${atTarget.result.ok}/${atTarget.result.scheduled} acknowledged, ` +
        `${rate(atTarget.result.throughput)} events/s served; baseline ${latencyText(bareAtTarget.result.latency)}.`,
    },
    {
      id: "P2-cpu",
      name: "gateway CPU per call event (at its P2 capacity step)",
      value: Math.round(cpuPerEvent),
      unit: "µs",
      lowerIsBetter: true,
      baseline: {
        name: "one PostgreSQL round trip (client CPU, the round-trip row)",
        value: ctx.roundTripCpuUs,
      },
      ratio: cpuPerEvent > 0 ? ctx.roundTripCpuUs / cpuPerEvent : 0,
      target: `≤ ${CPU_ROUND_TRIPS}× one round trip (${rate(cpuLimit)} µs)`,
      met: cpuPerEvent > 0 && cpuPerEvent <= cpuLimit,
      note:
        `Measured at ${events(cpuStep.rate)} offered (${measured.best ? "the capacity step" : "the lowest rate tried: none held"}), ` +
        `${rate(cpuStep.result.throughput)} events/s served: gateway CPU (user + system, process counters) ` +
        `${percent(cpuStep.extra["server cpu"] ?? 0)} of a core = ${(cpuPerEvent / ctx.roundTripCpuUs).toFixed(2)} round trips per event. ` +
        `The bare server: ${baseline.best ? `${cpuPerItemUs(baseline.best).toFixed(0)} µs per event at its capacity` : "no rate held"}.`,
    },
    {
      id: "P2-2p",
      name: `call-event pushes, gateway as two processes (capacity at ack p99 ≤ ${ACK_P99_MS} ms)`,
      value: capacityOf(clustered),
      unit: "events/s",
      baseline: baselineFigure,
      ratio: ratioOf(clustered),
      target,
      met: isMet(clustered),
      note:
        `The gateway's cluster mode (dist/main.mjs, WORKERS=2, Redis fan-out on, same settings otherwise). ` +
        `Capacity ${edgeText(clustered, events)} (steps of ${ctx.scale.clusterStepMs / 1000} s). ${atCapacity(clustered, "cluster")}` +
        `${clusterComparison(
          { value: capacityOf(measured), step: measured.best },
          { value: capacityOf(clustered), step: clustered.best },
          { one: "event" },
        )}. ${committedText(cluster)} by the cluster.`,
    },
  ];
}
