// P3 — fan-out: graphql-ws subscribers on `callEvents`, events pushed through /notify at a fixed rate, each
// timed from its send to its receipt by every subscriber on the generator's one clock; against a bare `ws`
// server that broadcasts each pushed body as it is (the transport's own share).
import type { BenchFigure } from "@privnum/bench-kit";
import type { BenchContext, ServerHandle } from "../lib/context.js";
import { latencyText, percent, rate } from "../lib/format.js";
import type { FanOutJob, FanOutResult } from "../lib/jobs.js";
import { busyShare, readCpuTicks } from "../lib/machine-load.js";
import { profileText } from "../lib/profile-summary.js";

const EVENTS_PER_S = 10;
const SERIES = 3;

async function fanOut(
  ctx: BenchContext,
  server: ServerHandle,
  target: FanOutJob["target"],
  first: number,
  durationMs = ctx.scale.fanOutMs,
  drainMs = ctx.scale.fanOutDrainMs,
) {
  const job: FanOutJob = {
    target,
    url: server.url,
    wsUrl: server.wsUrl,
    ...(target === "gateway" ? { authorization: ctx.gatewayAuthorization } : {}),
    credentials: ctx.credentials,
    subscribers: ctx.scale.fanOutSubscribers,
    rate: EVENTS_PER_S,
    durationMs,
    first,
    series: SERIES,
    drainMs,
  };
  const before = await server.stats();
  const ticks = readCpuTicks();
  const started = performance.now();
  const result = await ctx.worker.request<FanOutResult>("fan-out", job, job.durationMs + 120_000);
  const elapsed = performance.now() - started;
  const machine = busyShare(ticks, readCpuTicks());
  const serverCpu = ((await server.stats()).cpuMs - before.cpuMs) / elapsed;
  ctx.log(
    `  ${target}: ${result.received}/${result.expected} received, ${result.missing} missing, ` +
      `${result.duplicates} duplicates, e2e ${latencyText(result.latency)}, ack ${latencyText(result.ack)}, ` +
      `server cpu ${percent(serverCpu)}, generator cpu ${percent(result.generatorCpu)}, machine ${percent(machine)}` +
      (result.errorSamples[0] ? ` (${result.errorSamples[0]})` : ""),
  );
  return { result, serverCpu, machine };
}

export async function benchFanOut(ctx: BenchContext): Promise<BenchFigure[]> {
  const subscribers = ctx.scale.fanOutSubscribers;
  ctx.log(`P3 baseline: bare ws broadcast, ${subscribers} sockets, ${EVENTS_PER_S} events/s`);
  const bare = await ctx.startServer("bare-ws");
  let baseline: Awaited<ReturnType<typeof fanOut>>;
  try {
    baseline = await fanOut(ctx, bare, "bare", 0);
  } finally {
    await bare.stop();
  }
  ctx.log(
    `P3 gateway: ${subscribers} graphql-ws callEvents subscribers, ${EVENTS_PER_S} events/s via /notify`,
  );
  const measured = await fanOut(ctx, ctx.gateway, "gateway", 1_000_000);

  const m = measured.result;
  const b = baseline.result;
  const met = m.latency.p50 <= 25 && m.expected > 0;
  // Where the gateway's CPU goes while it fans out: a run of its own, so the profiler costs no figure.
  let profiled = "";
  if (!met && ctx.scale.profileMs > 0) {
    ctx.log("P3 gateway again, under the CPU profiler");
    const { profile } = await ctx.profileGateway(() =>
      // A short drain: the profile is about the fan-out, not about waiting for stragglers.
      fanOut(ctx, ctx.gateway, "gateway", 2_000_000, ctx.scale.profileMs, 1000),
    );
    profiled = ` ${profileText(profile, `while it fans out ${EVENTS_PER_S} events/s to ${subscribers} subscribers (subscribing included)`)}`;
  }
  const common =
    `${subscribers} subscribers (each authenticated with an operator API key), ${EVENTS_PER_S} events/s for ${ctx.scale.fanOutMs / 1000} s: ` +
    `${rate(m.received)} of ${rate(m.expected)} deliveries received, ${m.duplicates} duplicates; ` +
    `e2e ${latencyText(m.latency)}; push ack ${latencyText(m.ack)}; gateway CPU ${percent(measured.serverCpu)} of a core, ` +
    `generator CPU ${percent(m.generatorCpu)} (it holds every subscriber). ` +
    `Baseline (bare ws broadcast of the pushed body): e2e ${latencyText(b.latency)}, ${b.missing} missing.`;
  // An event goes out only after its push is committed, and then through the same sockets the bare server
  // writes to: the two medians together are roughly the least the gateway's median can be.
  const floor =
    ` An event is published after its push's commit (push ack p50 ${m.ack.p50.toFixed(1)} ms) and then fanned out` +
    ` over the same transport (bare p50 ${b.latency.p50.toFixed(1)} ms): together about` +
    ` ${(m.ack.p50 + b.latency.p50).toFixed(1)} ms, against the 25 ms target.`;
  const p50Note = common + floor + profiled;
  return [
    {
      id: "P3-p50",
      name: "fan-out end-to-end latency p50 (push sent → subscriber received)",
      value: m.latency.p50,
      unit: "ms",
      lowerIsBetter: true,
      baseline: { name: "bare ws broadcast p50", value: b.latency.p50 },
      ratio: b.latency.p50 / m.latency.p50,
      target: "≤ 25 ms",
      met,
      note: p50Note,
    },
    {
      id: "P3-p99",
      name: "fan-out end-to-end latency p99",
      value: m.latency.p99,
      unit: "ms",
      lowerIsBetter: true,
      baseline: { name: "bare ws broadcast p99", value: b.latency.p99 },
      ratio: b.latency.p99 / m.latency.p99,
      target: "≤ 150 ms",
      met: m.latency.p99 <= 150 && m.expected > 0,
    },
    {
      id: "P3-missing",
      name: `fan-out deliveries missing (after a ${ctx.scale.fanOutDrainMs / 1000} s drain)`,
      value: m.missing,
      unit: "deliveries",
      lowerIsBetter: true,
      baseline: { name: "bare ws broadcast", value: b.missing },
      target: "0 missing, every push acknowledged",
      met: m.missing === 0 && m.sendErrors === 0 && m.expected > 0,
      ...(m.errorSamples.length > 0 ? { note: `errors: ${m.errorSamples.slice(0, 2).join("; ")}` } : {}),
    },
  ];
}
