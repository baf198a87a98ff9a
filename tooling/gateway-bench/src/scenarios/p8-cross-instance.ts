// P8 — fan-out across instances: two gateways on one PostgreSQL database (created for the scenario) and one
// Redis, as behind a load balancer. Events are pushed through /notify to instance A; `callEvents` subscribers
// on instance B receive them once B's feed is woken through Redis (the feeds' safety-net poll is 10 s, so
// nothing else carries them in time). Timed from each push's send to each receipt on the generator's one
// clock, against the same pushes received by subscribers on A itself, measured in the same run.
import { randomBytes } from "node:crypto";
import type { BenchFigure } from "@privnum/bench-kit";
import { createBenchDatabase } from "../lib/bench-database.js";
import type { BenchContext, ServerHandle } from "../lib/context.js";
import { latencyText, percent, rate } from "../lib/format.js";
import type { FanOutJob, FanOutResult, LatencySummary } from "../lib/jobs.js";

const EVENTS_PER_S = 10;
const SUBSCRIBERS = 100;
const SERIES = 3;
/** Longest wait for both instances to report their Redis fan-out ready, in ms. */
const READY_WAIT_MS = 10_000;
/** What crossing Redis may add to the same-instance median (a PUBLISH, a message and the other feed's read). */
const CROSSING_ALLOWANCE_MS = 10;

/** Resolve once `server`'s `/readyz` reports the fan-out ok; reject after {@link READY_WAIT_MS}. */
async function fanOutReady(server: ServerHandle, redisUrl: string): Promise<void> {
  const deadline = Date.now() + READY_WAIT_MS;
  for (;;) {
    const response = await fetch(`${server.url}/readyz`);
    const report = (await response.json()) as { checks?: { name: string; state: string }[] };
    if (report.checks?.some((check) => check.name === "fan-out" && check.state === "ok")) return;
    if (Date.now() > deadline) {
      throw new Error(
        `P8 needs Redis (PRIVNUM_BENCH_REDIS_URL, here ${new URL(redisUrl).host}): the gateway's fan-out is not ready`,
      );
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** Push to `pushTo`, subscribe on `subscribeOn`; CPU of both instances over the run, as shares of a core. */
async function crossRun(
  ctx: BenchContext,
  pushTo: ServerHandle,
  subscribeOn: ServerHandle,
  first: number,
): Promise<{ result: FanOutResult; cpu: number[] }> {
  const job: FanOutJob = {
    target: "gateway",
    url: pushTo.url,
    wsUrl: subscribeOn.wsUrl,
    authorization: ctx.gatewayAuthorization,
    credentials: ctx.credentials,
    subscribers: SUBSCRIBERS,
    rate: EVENTS_PER_S,
    durationMs: ctx.scale.fanOutMs,
    first,
    series: SERIES,
    drainMs: ctx.scale.fanOutDrainMs,
  };
  const servers = pushTo === subscribeOn ? [pushTo] : [pushTo, subscribeOn];
  const before = await Promise.all(servers.map((server) => server.stats()));
  const started = performance.now();
  const result = await ctx.worker.request<FanOutResult>("fan-out", job, job.durationMs + 120_000);
  const elapsed = performance.now() - started;
  const after = await Promise.all(servers.map((server) => server.stats()));
  const cpu = after.map((stats, i) => (stats.cpuMs - before[i]!.cpuMs) / elapsed);
  ctx.log(
    `  ${result.received}/${result.expected} received, ${result.missing} missing, ${result.duplicates} duplicates, ` +
      `e2e ${latencyText(result.latency)}, ack ${latencyText(result.ack)}, ` +
      `instance cpu ${cpu.map(percent).join(" + ")}` +
      (result.errorSamples[0] ? ` (${result.errorSamples[0]})` : ""),
  );
  return { result, cpu };
}

const p = (l: LatencySummary) => `p50 ${l.p50.toFixed(1)} / p99 ${l.p99.toFixed(1)} ms`;

export async function benchCrossInstance(ctx: BenchContext): Promise<BenchFigure[]> {
  const database = await createBenchDatabase("instances");
  // A prefix of this run alone: its channel and counters meet no other deployment's on that Redis.
  const redis = { url: ctx.redisUrl, keyPrefix: `privnum-bench-${randomBytes(4).toString("hex")}:` };
  const overrides = { databaseUrl: database.url, redis };
  ctx.log(`P8: two gateways on ${database.name} and Redis (prefix ${redis.keyPrefix})`);
  const a = await ctx.startServer("gateway", overrides);
  let same: Awaited<ReturnType<typeof crossRun>>;
  let cross: Awaited<ReturnType<typeof crossRun>>;
  try {
    const b = await ctx.startServer("gateway", overrides);
    try {
      await Promise.all([fanOutReady(a, ctx.redisUrl), fanOutReady(b, ctx.redisUrl)]);
      ctx.log(`P8 same instance: pushes to A, ${SUBSCRIBERS} subscribers on A, ${EVENTS_PER_S} events/s`);
      same = await crossRun(ctx, a, a, 3_000_000);
      ctx.log(`P8 across instances: pushes to A, ${SUBSCRIBERS} subscribers on B, ${EVENTS_PER_S} events/s`);
      cross = await crossRun(ctx, a, b, 4_000_000);
    } finally {
      await b.stop();
    }
  } finally {
    await a.stop();
    await database.drop();
  }

  const c = cross.result;
  const s = same.result;
  const note =
    `${SUBSCRIBERS} subscribers (operator API key), ${EVENTS_PER_S} events/s for ${ctx.scale.fanOutMs / 1000} s, ` +
    `each event pushed to instance A: subscribers on B received ${rate(c.received)} of ${rate(c.expected)} ` +
    `deliveries, ${c.duplicates} duplicates, e2e ${latencyText(c.latency)}; push ack ${latencyText(c.ack)}; ` +
    `CPU A ${percent(cross.cpu[0] ?? 0)}, B ${percent(cross.cpu[1] ?? 0)} of a core. ` +
    `Same instance (subscribers on A, run first): e2e ${latencyText(s.latency)}, ${s.missing} missing. ` +
    `B's feed is woken by A's PUBLISH on Redis (its own poll, the safety net, is every 10 s), then reads the ` +
    `stored stream as A's does: the difference of the two medians is what crossing Redis costs.`;
  return [
    {
      id: "P8-p50",
      name: "cross-instance fan-out latency p50 (push to A → subscriber on B received)",
      value: c.latency.p50,
      unit: "ms",
      lowerIsBetter: true,
      baseline: { name: "same instance p50", value: s.latency.p50 },
      ratio: s.latency.p50 / c.latency.p50,
      target: `≤ same-instance p50 + ${CROSSING_ALLOWANCE_MS} ms`,
      met: c.expected > 0 && c.latency.p50 <= s.latency.p50 + CROSSING_ALLOWANCE_MS,
      note,
    },
    {
      id: "P8-p99",
      name: "cross-instance fan-out latency p99",
      value: c.latency.p99,
      unit: "ms",
      lowerIsBetter: true,
      baseline: { name: "same instance p99", value: s.latency.p99 },
      ratio: s.latency.p99 / c.latency.p99,
      target: "≤ 150 ms (P3's bound)",
      met: c.expected > 0 && c.latency.p99 <= 150,
      note: `across ${p(c.latency)}, same instance ${p(s.latency)}`,
    },
    {
      id: "P8-missing",
      name: `cross-instance deliveries missing (after a ${ctx.scale.fanOutDrainMs / 1000} s drain)`,
      value: c.missing,
      unit: "deliveries",
      lowerIsBetter: true,
      baseline: { name: "same instance", value: s.missing },
      target: "0 missing, every push acknowledged",
      met: c.missing === 0 && c.sendErrors === 0 && c.expected > 0,
      ...(c.errorSamples.length > 0 ? { note: `errors: ${c.errorSamples.slice(0, 2).join("; ")}` } : {}),
    },
  ];
}
