// P4 — memory per idle subscriber: ramp graphql-ws sockets, each authenticated at `connection_init` and holding
// one `callEvents` subscription, on a freshly started gateway, reading the process's RSS after a full collection
// at each step; against a bare `ws` server holding the same number of plain sockets.
import type { BenchFigure } from "@privnum/bench-kit";
import type { BenchContext, ServerHandle } from "../lib/context.js";
import type { OpenSocketsJob, OpenSocketsResult, SocketTarget } from "../lib/jobs.js";

const KIB = 1024;
/** Sockets opened and closed before the first reading, so that start-up allocations are not counted. */
const WARM_UP_SOCKETS = 200;

interface Ramp {
  points: { sockets: number; rssBytes: number }[];
  reached: number;
  stoppedBecause: string | undefined;
}

async function waitForSubscriptions(server: ServerHandle, count: number): Promise<boolean> {
  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline) {
    if ((await server.stats()).subscriptions >= count) return true;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  return false;
}

async function ramp(ctx: BenchContext, server: ServerHandle, target: SocketTarget): Promise<Ramp> {
  const open = (count: number) =>
    ctx.worker.request<OpenSocketsResult>(
      "open-sockets",
      {
        target,
        wsUrl: server.wsUrl,
        ...(target === "gateway" ? { authorization: ctx.gatewayAuthorization } : {}),
        count,
        concurrency: 100,
      } satisfies OpenSocketsJob,
      180_000,
    );
  await open(WARM_UP_SOCKETS);
  await ctx.worker.request("close-sockets");
  await new Promise((resolve) => setTimeout(resolve, 1000));
  const points = [{ sockets: 0, rssBytes: (await server.stats(true)).rssBytes }];
  let reached = 0;
  let stoppedBecause: string | undefined;
  try {
    while (reached < ctx.scale.idleSockets) {
      const step = Math.min(ctx.scale.idleSocketStep, ctx.scale.idleSockets - reached);
      const result = await open(step);
      reached = result.open;
      if (!(await waitForSubscriptions(server, reached))) {
        stoppedBecause = `the server did not register ${reached} subscriptions within 30 s`;
        break;
      }
      points.push({ sockets: reached, rssBytes: (await server.stats(true)).rssBytes });
      ctx.log(
        `  ${target}: ${reached} sockets, RSS ${((points.at(-1)!.rssBytes - points[0]!.rssBytes) / KIB / Math.max(1, reached)).toFixed(1)} KB/socket`,
      );
      if (result.failed > 0) {
        stoppedBecause = `${result.failed} sockets failed to open (${result.errorSamples[0] ?? "no detail"})`;
        break;
      }
    }
  } finally {
    await ctx.worker.request("close-sockets");
  }
  return { points, reached, stoppedBecause };
}

/** KB of RSS per socket: least-squares slope through the readings (less sensitive to one noisy point). */
function slopeKb(points: Ramp["points"]): number {
  const n = points.length;
  if (n < 2) return 0;
  const mx = points.reduce((s, p) => s + p.sockets, 0) / n;
  const my = points.reduce((s, p) => s + p.rssBytes, 0) / n;
  let num = 0;
  let den = 0;
  for (const p of points) {
    num += (p.sockets - mx) * (p.rssBytes - my);
    den += (p.sockets - mx) ** 2;
  }
  return den > 0 ? num / den / KIB : 0;
}

function totalKb(r: Ramp): number {
  const last = r.points.at(-1)!;
  return r.reached > 0 ? (last.rssBytes - r.points[0]!.rssBytes) / KIB / r.reached : 0;
}

export async function benchIdleMemory(ctx: BenchContext): Promise<BenchFigure[]> {
  const goal = ctx.scale.idleSockets;
  ctx.log(`P4 baseline: bare ws server, ramp to ${goal} idle sockets`);
  const bare = await ctx.startServer("bare-ws");
  let baseline: Ramp;
  try {
    baseline = await ramp(ctx, bare, "bare");
  } finally {
    await bare.stop();
  }
  ctx.log(
    `P4 gateway (fresh process): ramp to ${goal} idle graphql-ws sockets with one callEvents subscription each`,
  );
  const gateway = await ctx.startServer("gateway");
  let measured: Ramp;
  try {
    measured = await ramp(ctx, gateway, "gateway");
  } finally {
    await gateway.stop();
  }

  const value = totalKb(measured);
  const base = totalKb(baseline);
  const reachedText =
    measured.reached >= goal
      ? `reached the full ${goal.toLocaleString("en-US")} sockets`
      : `stopped at ${measured.reached.toLocaleString("en-US")} of ${goal.toLocaleString("en-US")} sockets: ${measured.stoppedBecause ?? "unknown"}`;
  return [
    {
      id: "P4",
      name: "gateway RSS per idle subscriber (graphql-ws socket + one callEvents subscription)",
      value,
      unit: "KB",
      lowerIsBetter: true,
      baseline: { name: "bare ws server, plain idle socket", value: base },
      ratio: value > 0 ? base / value : 0,
      target: "≤ 50 KB RSS each",
      met: value > 0 && value <= 50 && measured.reached >= goal,
      note:
        `${reachedText}${ctx.quick ? " (bench:quick scale; the full run ramps to 10,000)" : ""}. ` +
        `RSS after a full GC, growth over the ramp divided by sockets; slope of the ramp ${slopeKb(measured.points).toFixed(1)} KB/socket ` +
        `(baseline ${slopeKb(baseline.points).toFixed(1)}). Each gateway socket authenticated at connection_init with ` +
        "an operator API key, so its caller is part of the figure; the bare server's sockets present no credential.",
    },
  ];
}
