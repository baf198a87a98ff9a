// What every scenario gets from the orchestrator: the servers under test, the load generator, the
// databases, the scale of the run, and a way to time a step while watching the server and the machine.
import type { BenchChild } from "./child-process.js";
import type { Credentials, LoadJob, OpenLoadResult } from "./jobs.js";
import { busyShare, groupCpuBetween, readCpuTicks, readProcessGroupCpu } from "./machine-load.js";
import type { ProcessStats } from "./process-stats.js";
import type { ProfileSummary } from "./profile-summary.js";

/** How big a run is: `pnpm bench` (full) or `pnpm bench:quick`. */
export interface Scale {
  /** Length of one open-model step, in ms. */
  stepMs: number;
  /**
   * Length of one step of the two-process gateway's searches (the -2p rows), in ms: the knob that bounds what
   * they add to the run (four more searches).
   */
  clusterStepMs: number;
  /** Light load before a server's first measured step (JIT, pools, caches), in ms. */
  warmUpMs: number;
  /** Coarse steps of a capacity search. */
  searchSteps: number;
  /** Gap a capacity search narrows to between the rate held and the rate missed, as a share of the rate held. */
  edgeGap: number;
  /** Most bisection steps a capacity search spends narrowing that gap. */
  maxRefineSteps: number;
  /** P3: subscribers, and how long events are pushed, in ms. */
  fanOutSubscribers: number;
  fanOutMs: number;
  /** P3: how long subscribers may still receive after the last push before a delivery counts as missing. */
  fanOutDrainMs: number;
  /** P4: sockets to ramp to, and the ramp's step. */
  idleSockets: number;
  idleSocketStep: number;
  /** P9: recorded calls whose recordings are archived in the measured round (and downloaded by the baseline). */
  archiveRecordings: number;
  /**
   * Length of the extra step run under the CPU profiler where a target is missed, in ms; 0 runs none
   * (`bench:quick`, which checks a change rather than explains a figure).
   */
  profileMs: number;
}

/** A server under test, in its own process (the gateway cluster: a primary and its workers). */
export interface ServerHandle {
  child: BenchChild;
  url: string;
  graphqlUrl: string;
  wsUrl: string;
  /** A gateway's embedded simulator (its platform API, recording downloads and control API); undefined otherwise. */
  simulatorUrl: string | undefined;
  /** Its memory and CPU; with `gc`, after a full collection. */
  stats(gc?: boolean): Promise<ProcessStats>;
  stop(): Promise<void>;
}

/**
 * The kinds of server a scenario can start (`postgraphile`: P6's peer, `raw-pages`: P6's floor, both over the
 * run's gateway database).
 */
export type ServerKind = "gateway" | "bare-yoga" | "bare-ws" | "bare-notify" | "postgraphile" | "raw-pages";

/** What a gateway a scenario starts changes of the run's configuration (P8's instances). */
export interface GatewayOverrides {
  /** `DATABASE_URL`: a database of its own (instances share one). @default the run's gateway database */
  databaseUrl?: string;
  /** `REDIS_URL` and `REDIS_KEY_PREFIX`: instances wake each other's feeds through Redis. @default none */
  redis?: { url: string; keyPrefix: string };
  /**
   * `RECORDINGS_DIR`, with `RECORDINGS_ARCHIVE` on (P9): the archive goes to a directory the scenario removes
   * after. @default the run's setting
   */
  recordingsDir?: string;
  /**
   * The embedded simulator keeps its state (bindings, recordings) in memory, not under `DATA_DIR`: it starts
   * empty and leaves nothing behind (P9). @default false
   */
  simulatorInMemory?: boolean;
}

/** Shared by all scenarios. */
export interface BenchContext {
  quick: boolean;
  scale: Scale;
  /** The gateway started for the run (P1, P2, P3, P6). */
  gateway: ServerHandle;
  /** Its database: the URL is also what a scenario counts committed rows in. */
  gatewayDatabaseUrl: string;
  /** A migrated database of the same shape for the raw baselines. */
  baselineDatabaseUrl: string;
  /** The one `received_notifications` row the baselines' rows refer to. */
  baselineReceivedId: number;
  /** The platform app that signs pushes to `/notify`. */
  credentials: Credentials;
  /**
   * `Authorization` value of the run's operator API key: every GraphQL request and graphql-ws socket to the
   * gateway carries it (never logged). The bare baselines take none.
   */
  gatewayAuthorization: string;
  /** The load generator. */
  worker: BenchChild;
  /**
   * Run `during` with the gateway's main thread under V8's sampling profiler, and summarise where its CPU
   * went. Only for steps of their own: the profiler's cost must not reach a measured figure.
   */
  profileGateway<T>(during: () => Promise<T>): Promise<{ value: T; profile: ProfileSummary }>;
  /** Start another server (each in its own process), a gateway with `overrides`; stop it when done. */
  startServer(kind: ServerKind, overrides?: GatewayOverrides): Promise<ServerHandle>;
  /**
   * Start the gateway as a two-process cluster (its own `dist/main.mjs` with `WORKERS=2`) on the run's gateway
   * database, with Redis on: P1, P2 and P6's `-2p` rows. No profiling (profiles come from the one-process runs).
   */
  startGatewayCluster(): Promise<ServerHandle>;
  /** Client CPU of one PostgreSQL round trip, in µs (the `round-trip` row): the unit of the `-cpu` targets. */
  roundTripCpuUs: number;
  /** The Redis P8's instances share (`PRIVNUM_BENCH_REDIS_URL`; never logged: it may hold a password). */
  redisUrl: string;
  log(line: string): void;
}

/** Run `job` in the load generator, measuring the server's CPU and the machine's alongside. */
export async function measuredRun(
  ctx: BenchContext,
  server: ServerHandle | undefined,
  job: LoadJob,
): Promise<{ result: OpenLoadResult; extra: Record<string, number> }> {
  const before = server ? await server.stats() : undefined;
  const ticks = readCpuTicks();
  const postgres = readProcessGroupCpu("postgres");
  const started = performance.now();
  const result = await ctx.worker.request<OpenLoadResult>("load", job, job.durationMs + 120_000);
  const elapsed = performance.now() - started;
  const machine = busyShare(ticks, readCpuTicks());
  const extra: Record<string, number> = {
    "machine busy": machine,
    "postgres cpu": (groupCpuBetween(postgres, readProcessGroupCpu("postgres")) * 1000) / elapsed,
  };
  if (server && before) {
    const after = await server.stats();
    extra["server cpu"] = (after.cpuMs - before.cpuMs) / elapsed;
    extra["of which kernel"] = (after.systemCpuMs - before.systemCpuMs) / elapsed;
  }
  return { result, extra };
}
