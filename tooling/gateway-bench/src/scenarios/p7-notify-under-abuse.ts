// P7 — call-event pushes at a steady rate while a client sends, again and again, a GraphQL document the gateway
// refuses for its cost: the webhook's ack latency with that abuse against the same pushes without it, in one run.
import type { BenchFigure } from "@privnum/bench-kit";
import { type BenchContext, measuredRun } from "../lib/context.js";
import { latencyText, percent, rate } from "../lib/format.js";
import type { OpenLoadResult } from "../lib/jobs.js";

/** Pushes per second in both runs: well inside P2's capacity, so that only the abuse can move the latency. */
const PUSH_RATE = 200;
/** Refused documents per second sent meanwhile. */
const ABUSE_RATE = 500;
const ACK_P99_MS = 50;
const SERIES = 3;

/**
 * Two levels of 100-item pages, with a list of events under each call: far over the default cost limit
 * (GRAPHQL_MAX_COST), yet inside every other limit, so that it is the cost check that refuses it.
 */
export const COSTLY_QUERY = `query Costly {
  callSessions(first: 100) {
    edges { node { sessionId binding { callSessions(first: 100) { edges { node { sessionId events { eventType } } } } } } }
  }
}`;
/** The code the gateway refuses {@link COSTLY_QUERY} with. */
export const COST_REFUSAL_CODE = "COST_LIMIT_EXCEEDED";

export async function benchNotifyUnderAbuse(ctx: BenchContext): Promise<BenchFigure[]> {
  const durationMs = ctx.scale.stepMs * 2;
  const maxInFlight = (r: number) => Math.ceil((r * ACK_P99_MS * 4) / 1000) + 20;
  // Pushes go on from P2's ids upwards, in series of their own: every push is new.
  let next = 50_000_000;
  const pushes = () => {
    const first = next;
    next += Math.ceil((PUSH_RATE * durationMs) / 1000) + 1;
    return measuredRun(ctx, ctx.gateway, {
      kind: "call-events",
      url: ctx.gateway.url,
      credentials: ctx.credentials,
      first,
      series: SERIES,
      rate: PUSH_RATE,
      durationMs,
      maxInFlight: maxInFlight(PUSH_RATE),
    });
  };
  const abuse = () =>
    ctx.worker.request<OpenLoadResult>(
      "load",
      {
        kind: "graphql-reads",
        url: ctx.gateway.url,
        authorization: ctx.gatewayAuthorization,
        query: COSTLY_QUERY,
        refusedWith: COST_REFUSAL_CODE,
        rate: ABUSE_RATE,
        durationMs,
        maxInFlight: maxInFlight(ABUSE_RATE),
      },
      durationMs + 120_000,
    );

  ctx.log(`P7 calm: ${PUSH_RATE} call-event pushes/s alone`);
  await pushes();
  const calm = await pushes();
  ctx.log(`P7 abused: ${PUSH_RATE} pushes/s while ${ABUSE_RATE} costly documents/s are refused`);
  const [abused, refused] = await Promise.all([pushes(), abuse()]);
  if (refused.ok === 0) {
    throw new Error(
      `P7: no costly document was refused with ${COST_REFUSAL_CODE}: ${refused.errorSamples[0]}`,
    );
  }
  const a = abused.result;
  const c = calm.result;
  return [
    {
      id: "P7",
      name: `/notify ack p99 at ${PUSH_RATE} events/s while ${ABUSE_RATE} costly queries/s are refused`,
      value: a.latency.p99,
      unit: "ms",
      lowerIsBetter: true,
      baseline: { name: "the same pushes without the abuse, same run", value: c.latency.p99 },
      ratio: a.latency.p99 > 0 ? c.latency.p99 / a.latency.p99 : 0,
      target: `≤ ${ACK_P99_MS} ms with every push acknowledged`,
      met: a.latency.p99 <= ACK_P99_MS && a.ok === a.scheduled,
      note:
        `Abused: ${latencyText(a.latency)}, ${a.ok}/${a.scheduled} acknowledged, gateway CPU ` +
        `${percent(abused.extra["server cpu"] ?? 0)} of a core; ${rate(refused.ok)} of ${rate(refused.scheduled)} ` +
        `costly documents answered with ${COST_REFUSAL_CODE} (the rest: ${refused.errorSamples[0] ?? "none"}). ` +
        `Calm: ${latencyText(c.latency)}, ${c.ok}/${c.scheduled} acknowledged, gateway CPU ` +
        `${percent(calm.extra["server cpu"] ?? 0)}. Runs of ${durationMs / 1000} s each.`,
    },
  ];
}
