// P6 — GraphQL reads over HTTP: pages of `bindings` and `callRecords` from random keyset positions, against a
// bare Yoga server answering `{ __typename }` on the same machine, and against PostGraphile 4 serving the same
// pages of the same rows (the peer: the best-known GraphQL server over PostgreSQL); the gateway also as a
// two-process cluster (the -2p rows). Beside them, the floor (the -floor rows): the same pages answered by
// node:http and pg alone, what reading a page from PostgreSQL costs with no GraphQL server at all.
import type { BenchFigure } from "@privnum/bench-kit";
import pg from "pg";
import { queryValue } from "../lib/bench-database.js";
import { type Capacity, edgeText, findCapacity } from "../lib/capacity.js";
import { type BenchContext, measuredRun, type ServerHandle } from "../lib/context.js";
import { clusterComparison, latencyText, percent, rate } from "../lib/format.js";
import { BINDINGS_PAGE, CALL_RECORDS_PAGE, PAGE } from "../lib/gateway-pages.js";
import type { GraphqlReadJob } from "../lib/jobs.js";
import { keysetCursor } from "../lib/keyset-cursors.js";
import {
  checkPostgraphilePage,
  POSTGRAPHILE_PAGE_ORDER,
  type PostgraphilePage,
  postgraphileBindingsPage,
  postgraphileCallRecordsPage,
} from "../lib/postgraphile-pages.js";
import { profileAtCapacity } from "../lib/profiled-step.js";
import { checkRawPageMatches } from "../lib/raw-page-check.js";

/** Where the capacity searches start: a start, not a target. */
const START_RPS = 2000;
/** The gateway's capacity must reach this share of the bare Yoga server's. */
const MIN_RATIO = 0.4;
const P99_MS = 50;
/** What a read job asks, and with which credential. */
type ReadQuery = Pick<GraphqlReadJob, "query" | "cursor" | "authorization">;
/** A read job of the gateway's: a page from a random keyset position, with the run's operator key. */
type GatewayReadJob = ReadQuery & { cursor: NonNullable<ReadQuery["cursor"]> };
/** A capacity search, or a warm-up, of one server for one read job (defined in {@link benchReads}). */
type SearchReads = (server: ServerHandle, job: ReadQuery) => Promise<Capacity>;
type WarmReads = (server: ServerHandle, job: ReadQuery, rate: number) => Promise<unknown>;
/** The capacity per query of a server other than the gateway (the peer, the floor). */
interface PeerCapacity {
  bindings: Capacity;
  callRecords: Capacity;
}
/** Requests before a server's first measured step (fewer in `bench:quick`, which must fit its 2 minutes). */
const warmUpRequests = (quick: boolean) => (quick ? 1500 : 3000);

async function analyze(databaseUrl: string): Promise<void> {
  const client = new pg.Client(databaseUrl);
  await client.connect();
  try {
    await client.query("analyze");
  } finally {
    await client.end();
  }
}

/** A server's CPU per request at its best held step, in ms (0 when it held none). */
const cpuPerRequest = (c: Capacity) =>
  c.best ? ((c.best.extra["server cpu"] ?? 0) * 1000) / c.best.result.throughput : 0;

/** Server CPU per request at the best held step, and what one core (all a Node process's JavaScript gets) allows. */
function coreBound(measured: Capacity, baseline: Capacity): string {
  const gateway = cpuPerRequest(measured);
  const bare = cpuPerRequest(baseline);
  if (gateway <= 0 || bare <= 0) return "";
  return (
    `Server CPU per request: gateway ${gateway.toFixed(2)} ms, bare Yoga ${bare.toFixed(2)} ms; ` +
    `a Node process runs its JavaScript on one core, so at that cost one process serves at most ` +
    `${rate(1000 / gateway)} req/s (bare Yoga ${rate(1000 / bare)}).`
  );
}

/**
 * PostGraphile 4 (serve-postgraphile.ts) over the gateway's own database: the same pages from the same random
 * keyset positions (its cursors, its field names), searched under the same bound. It runs alone: started after
 * the gateway's searches, stopped before anything else (the gateway's process stays up, idle).
 */
async function measurePostgraphilePeer(
  ctx: BenchContext,
  search: SearchReads,
  warm: WarmReads,
  high: { bindings: number; callRecords: number },
): Promise<PeerCapacity> {
  const job = (page: PostgraphilePage, max: number): ReadQuery => ({
    query: page.query,
    cursor: { prefix: POSTGRAPHILE_PAGE_ORDER, low: PAGE + 1, high: max, style: "postgraphile" },
  });
  const bindingsPage = postgraphileBindingsPage(PAGE);
  const recordsPage = postgraphileCallRecordsPage(PAGE);
  const peer = await ctx.startServer("postgraphile");
  try {
    // Before measuring: pages from the top and the middle of the drawn range hold PAGE rows, each starting right
    // below its cursor's row, with PostGraphile's own cursors equal to the generator's (ids may have gaps).
    for (const [page, max] of [
      [bindingsPage, high.bindings],
      [recordsPage, high.callRecords],
    ] as const) {
      await checkPostgraphilePage(peer.graphqlUrl, page, max, PAGE);
      await checkPostgraphilePage(peer.graphqlUrl, page, Math.ceil((PAGE + 1 + max) / 2), PAGE);
    }
    ctx.log(`P6 peer: PostGraphile 4 bindings pages of ${PAGE} (req/s)`);
    await warm(peer, job(bindingsPage, high.bindings), START_RPS / 4);
    const bindings = await search(peer, job(bindingsPage, high.bindings));
    ctx.log(`P6 peer: PostGraphile 4 callRecords pages of ${PAGE} (req/s)`);
    await warm(peer, job(recordsPage, high.callRecords), START_RPS / 4);
    const callRecords = await search(peer, job(recordsPage, high.callRecords));
    return { bindings, callRecords };
  } finally {
    await peer.stop();
  }
}

/**
 * P6's floor (serve-raw-pages.ts): the same pages from the same random keyset positions, answered by node:http
 * and pg alone, searched under the same bound. Like the peer, it runs alone (the gateway idle). Before
 * measuring, it must answer pages from the top and the middle of the drawn range exactly as the gateway does.
 */
async function measureFloor(
  ctx: BenchContext,
  search: SearchReads,
  warm: WarmReads,
  jobs: { bindings: GatewayReadJob; callRecords: GatewayReadJob },
): Promise<PeerCapacity> {
  const floor = await ctx.startServer("raw-pages");
  try {
    const gateway = { graphqlUrl: ctx.gateway.graphqlUrl, authorization: ctx.gatewayAuthorization };
    for (const { query, cursor } of [jobs.bindings, jobs.callRecords]) {
      for (const id of [cursor.high, Math.ceil((cursor.low + cursor.high) / 2)]) {
        await checkRawPageMatches(
          gateway,
          floor.graphqlUrl,
          query,
          keysetCursor("gateway", cursor.prefix, id),
        );
      }
    }
    const unsigned = (job: GatewayReadJob): ReadQuery => ({ query: job.query, cursor: job.cursor });
    ctx.log(`P6 floor: node:http + pg, bindings pages of ${PAGE} (req/s)`);
    await warm(floor, unsigned(jobs.bindings), START_RPS / 4);
    const bindings = await search(floor, unsigned(jobs.bindings));
    ctx.log(`P6 floor: node:http + pg, callRecords pages of ${PAGE} (req/s)`);
    await warm(floor, unsigned(jobs.callRecords), START_RPS / 4);
    const callRecords = await search(floor, unsigned(jobs.callRecords));
    return { bindings, callRecords };
  } finally {
    await floor.stop();
  }
}

/**
 * The floor's row of one query: what a server that reads the page from PostgreSQL with no GraphQL reaches
 * against bare Yoga, for the gateway's "≥ 40% of bare Yoga" to be read against. Context, not a target.
 */
export function floorFigure(
  id: string,
  what: string,
  floor: Capacity,
  gateway: Capacity,
  baseline: Capacity,
): BenchFigure {
  const capacity = (c: Capacity) => c.best?.result.throughput ?? 0;
  const offered = (r: number) => `${rate(r)} req/s`;
  const best = floor.best
    ? `; at ${offered(floor.best.rate)}: ${latencyText(floor.best.result.latency)}, its CPU ` +
      `${percent(floor.best.extra["server cpu"] ?? 0)} of a core, PostgreSQL ${percent(floor.best.extra["postgres cpu"] ?? 0)}, ` +
      `generator CPU ${percent(floor.best.result.generatorCpu)}`
    : "";
  const gatewayShare =
    capacity(floor) > 0
      ? ` The gateway reached ${percent(capacity(gateway) / capacity(floor))} of this server's capacity.`
      : "";
  return {
    id,
    name: `GraphQL ${what} pages of ${PAGE} answered by node:http + pg, no GraphQL server (capacity at p99 ≤ 50 ms)`,
    value: capacity(floor),
    unit: "req/s",
    baseline: { name: "bare Yoga { __typename }", value: capacity(baseline) },
    ratio: capacity(baseline) > 0 ? capacity(floor) / capacity(baseline) : 0,
    note:
      `Context, not a target: the same pages (checked equal to the gateway's answers before measuring) from the ` +
      `same random keyset positions, one prepared statement each, no credential. Capacity ${edgeText(floor, offered)}${best}. ` +
      `Server CPU per request: this server ${cpuPerRequest(floor).toFixed(2)} ms, the gateway ` +
      `${cpuPerRequest(gateway).toFixed(2)} ms, bare Yoga ${cpuPerRequest(baseline).toFixed(2)} ms.${gatewayShare}`,
  };
}

/** The row "gateway ≥ 2× PostGraphile 4" of one query: the gateway's capacity against the peer's. */
export function peerFigure(id: string, what: string, gateway: Capacity, peer: Capacity): BenchFigure {
  const capacity = (c: Capacity) => c.best?.result.throughput ?? 0;
  const ratio = capacity(peer) > 0 ? capacity(gateway) / capacity(peer) : 0;
  const offered = (r: number) => `${rate(r)} req/s`;
  const best = peer.best
    ? `; at ${offered(peer.best.rate)}: ${latencyText(peer.best.result.latency)}, its CPU ` +
      `${percent(peer.best.extra["server cpu"] ?? 0)} of a core, PostgreSQL ${percent(peer.best.extra["postgres cpu"] ?? 0)}, ` +
      `generator CPU ${percent(peer.best.result.generatorCpu)}`
    : "";
  return {
    id,
    name: `GraphQL ${what} pages of ${PAGE}: gateway against PostGraphile 4 on the same rows (capacity at p99 ≤ 50 ms)`,
    value: capacity(gateway),
    unit: "req/s",
    baseline: { name: "PostGraphile 4.14 (same table, rows, keyset pages)", value: capacity(peer) },
    ratio,
    target: "≥ 2× PostGraphile's capacity",
    met: ratio >= 2,
    note:
      `PostGraphile's capacity ${edgeText(peer, offered)}${best}; the gateway's ${edgeText(gateway, offered)}. ` +
      `Server CPU per request at those capacities: gateway ${cpuPerRequest(gateway).toFixed(2)} ms, PostGraphile ` +
      `${cpuPerRequest(peer).toFixed(2)} ms. PostGraphile runs alone (the gateway idle), with no credential ` +
      `(the gateway's requests carry an operator API key).`,
  };
}

export async function benchReads(ctx: BenchContext): Promise<BenchFigure[]> {
  const maxInFlight = (r: number) => Math.ceil((r * P99_MS * 4) / 1000) + 20;
  const search = (server: ServerHandle, job: ReadQuery, stepMs = ctx.scale.stepMs): Promise<Capacity> =>
    findCapacity({
      startRate: START_RPS,
      maxSteps: ctx.scale.searchSteps,
      edgeGap: ctx.scale.edgeGap,
      maxRefineSteps: ctx.scale.maxRefineSteps,
      p99Ms: P99_MS,
      run: (r) =>
        measuredRun(ctx, server, {
          kind: "graphql-reads",
          url: server.url,
          ...job,
          rate: r,
          durationMs: stepMs,
          maxInFlight: maxInFlight(r),
        }),
      log: ctx.log,
    });
  // Warm-up by request count, not time: V8 compiles a server's hot paths only after a few thousand requests,
  // and a first step run on unoptimised code would put a cold start into the capacity.
  const warm: WarmReads = (server, job, rate) =>
    measuredRun(ctx, server, {
      kind: "graphql-reads",
      url: server.url,
      ...job,
      rate,
      durationMs: warmUpRequests(ctx.quick) / (rate / 1000),
      maxInFlight: 500,
    });

  // Planner statistics for the tables P1 just filled, as autovacuum would have gathered them on a database in
  // service (this machine's PostgreSQL runs with autovacuum off): without them the planner takes the 1,000
  // bindings for a handful and reads them all to sort out a page, instead of walking the id index.
  await analyze(ctx.gatewayDatabaseUrl);
  const maxBinding = await queryValue(ctx.gatewayDatabaseUrl, "select max(id) as value from bindings");
  const maxRecord = await queryValue(ctx.gatewayDatabaseUrl, "select max(id) as value from call_records");
  const records = await queryValue(ctx.gatewayDatabaseUrl, "select count(*) as value from call_records");
  if (maxBinding <= PAGE || maxRecord <= PAGE) throw new Error("P6 needs the bindings and CDRs stored by P1");
  // The gateway's requests carry the run's operator key (full numbers, as the frontend reads them); the bare
  // baseline's carry none.
  const authorization = ctx.gatewayAuthorization;
  const bindingsJob: GatewayReadJob = {
    query: BINDINGS_PAGE,
    cursor: { prefix: "b", low: PAGE + 1, high: maxBinding },
    authorization,
  };
  const recordsJob: GatewayReadJob = {
    query: CALL_RECORDS_PAGE,
    cursor: { prefix: "cr", low: PAGE + 1, high: maxRecord },
    authorization,
  };

  ctx.log("P6 baseline: bare Yoga { __typename } (req/s)");
  const bare = await ctx.startServer("bare-yoga");
  let baseline: Capacity;
  try {
    await warm(bare, { query: "{ __typename }" }, START_RPS / 2);
    baseline = await search(bare, { query: "{ __typename }" });
  } finally {
    await bare.stop();
  }
  ctx.log(`P6 gateway: bindings pages of ${PAGE} (req/s)`);
  await warm(ctx.gateway, bindingsJob, START_RPS / 4);
  const bindings = await search(ctx.gateway, bindingsJob);
  ctx.log(`P6 gateway: callRecords pages of ${PAGE} over ${rate(records)} CDRs (req/s)`);
  await warm(ctx.gateway, recordsJob, START_RPS / 4);
  const callRecords = await search(ctx.gateway, recordsJob);
  const peer = await measurePostgraphilePeer(ctx, search, warm, {
    bindings: maxBinding,
    callRecords: maxRecord,
  });
  const floor = await measureFloor(ctx, search, warm, { bindings: bindingsJob, callRecords: recordsJob });

  const baselineCapacity = baseline.best?.result.throughput ?? 0;
  const isMet = (c: Capacity) =>
    baselineCapacity > 0 && (c.best?.result.throughput ?? 0) / baselineCapacity >= MIN_RATIO;
  const profile = (c: Capacity, job: ReadQuery) =>
    profileAtCapacity(
      ctx,
      c,
      (r, durationMs) =>
        measuredRun(ctx, ctx.gateway, {
          kind: "graphql-reads",
          url: ctx.gateway.url,
          ...job,
          rate: r,
          durationMs,
          maxInFlight: maxInFlight(r),
        }),
      (r) => `${rate(r)} req/s`,
    );
  const bindingsProfile = await profile(bindings, bindingsJob);
  const callRecordsProfile = await profile(callRecords, recordsJob);

  ctx.log("P6 gateway, two processes (WORKERS=2, Redis on): bindings, then callRecords (req/s)");
  const cluster = await ctx.startGatewayCluster();
  let clusterBindings: Capacity;
  let clusterCallRecords: Capacity;
  try {
    await warm(cluster, bindingsJob, START_RPS / 4);
    clusterBindings = await search(cluster, bindingsJob, ctx.scale.clusterStepMs);
    await warm(cluster, recordsJob, START_RPS / 4);
    clusterCallRecords = await search(cluster, recordsJob, ctx.scale.clusterStepMs);
  } finally {
    await cluster.stop();
  }

  const figures = (id: string, what: string, c: Capacity, profiled: string): BenchFigure[] => {
    const capacity = c.best?.result.throughput ?? 0;
    const ratio = baselineCapacity > 0 ? capacity / baselineCapacity : 0;
    const best = c.best
      ? `At ${rate(c.best.rate)} req/s: ${latencyText(c.best.result.latency)}, gateway CPU ${percent(c.best.extra["server cpu"] ?? 0)} of a core, ` +
        `machine ${percent(c.best.extra["machine busy"] ?? 0)} busy, generator CPU ${percent(c.best.result.generatorCpu)}. `
      : "";
    return [
      {
        id,
        name: `GraphQL ${what} pages of ${PAGE} over HTTP (capacity at p99 ≤ 50 ms)`,
        value: capacity,
        unit: "req/s",
        baseline: { name: "bare Yoga { __typename }", value: baselineCapacity },
        ratio,
        target: `≥ ${MIN_RATIO * 100}% of baseline at p99 ≤ ${P99_MS} ms`,
        met: isMet(c),
        note:
          `Capacity ${edgeText(c, (r) => `${rate(r)} req/s`)}. ${best}Each request pages from a random keyset position and carries an operator API key (the bare ` +
          `baseline's none). Baseline ${edgeText(baseline, (r) => `${rate(r)} req/s`)}: ` +
          `${baseline.best ? `${latencyText(baseline.best.result.latency)}, server CPU ${percent(baseline.best.extra["server cpu"] ?? 0)}, generator CPU ${percent(baseline.best.result.generatorCpu)}` : "none held"}. ` +
          `${coreBound(c, baseline)} ${profiled}`,
      },
    ];
  };
  const twoProcesses = (one: Capacity, two: Capacity) =>
    `The gateway's cluster mode (dist/main.mjs, WORKERS=2, Redis fan-out on, same settings otherwise; steps of ${ctx.scale.clusterStepMs / 1000} s). ` +
    clusterComparison(
      { value: one.best?.result.throughput ?? 0, step: one.best },
      { value: two.best?.result.throughput ?? 0, step: two.best },
      { one: "request" },
    ) +
    ".";
  return [
    ...figures("P6-bindings", "`bindings`", bindings, bindingsProfile),
    ...figures("P6-callRecords", "`callRecords`", callRecords, callRecordsProfile),
    ...figures(
      "P6-bindings-2p",
      "`bindings` (two processes)",
      clusterBindings,
      twoProcesses(bindings, clusterBindings),
    ),
    ...figures(
      "P6-callRecords-2p",
      "`callRecords` (two processes)",
      clusterCallRecords,
      twoProcesses(callRecords, clusterCallRecords),
    ),
    peerFigure("P6-bindings-postgraphile", "`bindings`", bindings, peer.bindings),
    peerFigure("P6-callRecords-postgraphile", "`callRecords`", callRecords, peer.callRecords),
    floorFigure("P6-bindings-floor", "`bindings`", floor.bindings, bindings, baseline),
    floorFigure("P6-callRecords-floor", "`callRecords`", floor.callRecords, callRecords, baseline),
  ];
}
