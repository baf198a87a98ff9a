// The gateway's benchmarks (P1 ingest, P2 call events, P3 fan-out, P4 memory per subscriber, P6 reads, P7 the
// webhook while costly queries are refused, P8 fan-out across instances through Redis, P9 recording archive
// throughput, P10 the call-record export), each against a baseline measured in the same run. Run with
// `pnpm bench` (or `pnpm bench:quick` for the reduced scale) at the repository root, or `pnpm bench` in this package.
//
// Every server under test and the load generator run in their own processes (serve-*.ts,
// load-worker.ts), on the machine's PostgreSQL in databases created for the run and dropped after it. P1, P2
// and P6 also run the gateway's own dist/main.mjs as a two-process cluster (lib/gateway-cluster.ts).
// The gateway gets an operator API key generated for the run; the load generator presents it on every GraphQL
// request and graphql-ws socket, as a job parameter over IPC like the platform's signing credentials.
// Traffic stays on 127.0.0.1; every process has a bounded life and stops by itself if this one goes away.
//
// Diagnostics (not used by `pnpm bench`): BENCH_ONLY=P1,P3 runs a subset; BENCH_CPU_PROF=<dir> writes a
// V8 CPU profile of the main gateway process into <dir>.
import { randomBytes } from "node:crypto";
import { mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type BenchFigure, isQuick, reportSuite } from "@privnum/bench-kit";
import { type GatewayConfig, parseConfig } from "@privnum/gateway";
import {
  createBenchDatabase,
  dropAllBenchDatabases,
  prepareBaselineDatabase,
  seedBindings,
} from "./lib/bench-database.js";
import { startChild, stopAllChildren } from "./lib/child-process.js";
import type { BenchContext, GatewayOverrides, Scale, ServerHandle, ServerKind } from "./lib/context.js";
import {
  type ApiKeyEntry,
  apiKeysSetting,
  bearerAuthorization,
  generateApiKey,
} from "./lib/gateway-api-keys.js";
import { gatewayClusterEnv, startGatewayCluster } from "./lib/gateway-cluster.js";
import { busyShare, readCpuTicks } from "./lib/machine-load.js";
import type { ProcessStats } from "./lib/process-stats.js";
import type { ProfileSummary } from "./lib/profile-summary.js";
import { measureRoundTrip } from "./lib/round-trip.js";
import { benchCdrIngest } from "./scenarios/p1-cdr-ingest.js";
import { benchCallEvents } from "./scenarios/p2-call-events.js";
import { benchFanOut } from "./scenarios/p3-fan-out.js";
import { benchIdleMemory } from "./scenarios/p4-idle-memory.js";
import { benchReads } from "./scenarios/p6-reads.js";
import { benchNotifyUnderAbuse } from "./scenarios/p7-notify-under-abuse.js";
import { benchCrossInstance } from "./scenarios/p8-cross-instance.js";
import { benchRecordingArchive } from "./scenarios/p9-recording-archive.js";
import { benchExport } from "./scenarios/p10-export.js";

const FULL: Scale = {
  stepMs: 5000,
  clusterStepMs: 5000,
  warmUpMs: 2000,
  // Enough rungs of 1.5× for a baseline to find its edge (P2 up to 1,000 × 1.5⁸ ≈ 25,600 events/s, P6 up to
  // 51,000 req/s): a baseline held at the top rung gives no ratio, only a bound on it.
  searchSteps: 9,
  edgeGap: 0.05,
  maxRefineSteps: 6,
  fanOutSubscribers: 1000,
  fanOutMs: 15_000,
  fanOutDrainMs: 5000,
  idleSockets: 10_000,
  idleSocketStep: 2500,
  profileMs: 3000,
  archiveRecordings: 500,
};
const QUICK: Scale = {
  stepMs: 1200,
  clusterStepMs: 1200,
  warmUpMs: 1000,
  searchSteps: 3,
  edgeGap: 0.1,
  maxRefineSteps: 5,
  fanOutSubscribers: 1000,
  fanOutMs: 3000,
  fanOutDrainMs: 2000,
  idleSockets: 2000,
  idleSocketStep: 1000,
  profileMs: 0,
  archiveRecordings: 100,
};
// The whole bench must end: past this, everything is torn down and the run fails (the full run takes about
// 16 minutes with the two-process rows and the finer capacity searches).
const DEADLINE_MS = 25 * 60_000;
/**
 * The two-process gateway's platform: nothing listens there. Several instances cannot share an embedded
 * simulator, and the one-process gateway's simulator holds none of the bindings the run seeds, so a
 * reconciliation against it (every gateway runs one at start) would mark them all missing; refused, that
 * run fails and is logged, changing nothing. The pushes the bench sends need no platform.
 */
const UNREACHABLE_PLATFORM_URL = "http://127.0.0.1:9";

const quick = isQuick();
const only = new Set(
  (process.env.BENCH_ONLY ?? "P1,P2,P3,P4,P6,P7,P8,P9,P10")
    .split(",")
    .map((s) => s.trim().toUpperCase())
    .filter(Boolean),
);
const cpuProfileDir = process.env.BENCH_CPU_PROF;
const redisUrl = process.env.PRIVNUM_BENCH_REDIS_URL || "redis://127.0.0.1:6379";
const logDir = mkdtempSync(join(tmpdir(), "privnum-gateway-bench-"));
const started = performance.now();
const log = (line: string) =>
  console.log(`[${((performance.now() - started) / 1000).toFixed(0).padStart(4)} s] ${line}`);

async function cleanUp(): Promise<void> {
  await stopAllChildren();
  await dropAllBenchDatabases();
  rmSync(logDir, { recursive: true, force: true });
}

for (const signal of ["SIGINT", "SIGTERM"] as const) {
  process.once(signal, () => {
    console.error(`${signal}: stopping the bench`);
    void cleanUp().finally(() => process.exit(130));
  });
}
const deadline = setTimeout(() => {
  console.error(`the gateway bench exceeded ${DEADLINE_MS / 60_000} minutes; stopping`);
  void cleanUp().finally(() => process.exit(1));
}, DEADLINE_MS);
deadline.unref();

/** How busy the machine is before the bench adds anything: other work skews every absolute figure. */
async function backgroundLoad(): Promise<BenchFigure> {
  const from = readCpuTicks();
  await new Promise((resolve) => setTimeout(resolve, 3000));
  const busy = busyShare(from, readCpuTicks());
  log(`machine busy before the run: ${(busy * 100).toFixed(0)}% of all cores`);
  return {
    id: "load",
    name: "machine CPU busy with other work before the run (3 s sample)",
    value: Math.round(busy * 1000) / 10,
    unit: "% of all cores",
    note: "Context, not a target: absolute figures drift with it, the ratios much less.",
  };
}

/** The run's gateway configuration with what one gateway changes of it (P8's instances, P9's archive). */
function gatewayConfigWith(config: GatewayConfig, overrides: GatewayOverrides): GatewayConfig {
  let { platform } = config;
  if (overrides.simulatorInMemory && platform.kind === "embedded-simulator") {
    const { stateDir: _inMemory, ...inMemory } = platform;
    platform = inMemory;
  }
  return {
    ...config,
    platform,
    ...(overrides.databaseUrl ? { database: { kind: "postgres", url: overrides.databaseUrl } } : {}),
    ...(overrides.redis ? { redis: overrides.redis } : {}),
    ...(overrides.recordingsDir
      ? { recordings: { ...config.recordings, archive: true, dir: overrides.recordingsDir } }
      : {}),
  };
}

async function main(): Promise<BenchFigure[]> {
  const figures: BenchFigure[] = [await backgroundLoad()];
  const gatewayDb = await createBenchDatabase("gateway");
  const baselineDb = await createBenchDatabase("raw");
  const { receivedNotificationId } = await prepareBaselineDatabase(baselineDb);
  const roundTrip = await measureRoundTrip(baselineDb.url);
  figures.push(roundTrip);
  log(`PostgreSQL round trip: ${roundTrip.value} µs of client CPU per query`);
  // The load reads and subscribes as an operator (full numbers, as the frontend does), with a key made for
  // this run alone. Given explicitly, it also keeps the gateway from writing development keys to a data dir.
  const operator: ApiKeyEntry = { name: "bench-operator", key: generateApiKey(), role: "operator" };
  // The gateway's settings as a deployment gives them (environment variables): parsed here for the
  // one-process gateway, passed as they are to the two-process one (with what a cluster changes).
  const settings: Record<string, string> = {
    PORT: "0",
    HOST: "127.0.0.1",
    DATABASE_URL: gatewayDb.url,
    SIMULATOR_PORT: "0",
    LOG_LEVEL: "info",
    GATEWAY_API_KEYS: apiKeysSetting([operator]),
  };
  const parsed = parseConfig(settings);
  // The issues never quote a key (the gateway's parser names entries by position).
  if (!parsed.ok) throw new Error(`gateway config: ${JSON.stringify(parsed.issues)}`);
  const config = parsed.config;
  if (config.platform.kind !== "embedded-simulator") throw new Error("the bench runs the embedded simulator");
  if (config.auth.devKeys)
    throw new Error("the gateway would generate development keys: the bench passes its own");

  let servers = 0;
  const startServer = async (
    kind: ServerKind,
    profile = false,
    overrides: GatewayOverrides = {},
  ): Promise<ServerHandle> => {
    const n = ++servers;
    const script = {
      gateway: new URL("./serve-gateway.ts", import.meta.url),
      "bare-yoga": new URL("./serve-bare-yoga.ts", import.meta.url),
      "bare-ws": new URL("./serve-bare-ws.ts", import.meta.url),
      "bare-notify": new URL("./serve-bare-notify.ts", import.meta.url),
      postgraphile: new URL("./serve-postgraphile.ts", import.meta.url),
      "raw-pages": new URL("./serve-raw-pages.ts", import.meta.url),
    }[kind];
    const child = await startChild({
      name: `${kind} #${n}`,
      script,
      nodeFlags: [
        "--expose-gc",
        ...(profile && cpuProfileDir ? ["--cpu-prof", `--cpu-prof-dir=${cpuProfileDir}`] : []),
      ],
      logFile: join(logDir, `${kind}-${n}.log`),
    });
    const { url, graphqlUrl, simulatorUrl } = await child.request<{
      url: string;
      graphqlUrl: string;
      simulatorUrl?: string;
    }>("start", gatewayConfigWith(config, overrides));
    return {
      child,
      url,
      graphqlUrl,
      wsUrl: graphqlUrl.replace(/^http/, "ws"),
      simulatorUrl,
      stats: (gc = false) => child.request<ProcessStats>("stats", { gc }),
      stop: () => child.stop(),
    };
  };

  log(`gateway bench (${quick ? "bench:quick" : "full"}): databases ${gatewayDb.name}, ${baselineDb.name}`);
  const gateway = await startServer("gateway", true);
  const bindings = await seedBindings(gatewayDb);
  log(`gateway at ${gateway.url} (pid ${gateway.child.pid}); ${bindings} bindings stored`);
  const worker = await startChild({
    name: "load generator",
    script: new URL("./load-worker.ts", import.meta.url),
  });

  let clusters = 0;
  const { appKey, appSecret } = config.platform;
  const startCluster = () => {
    const n = ++clusters;
    const dataDir = join(logDir, `gateway-cluster-${n}`);
    mkdirSync(dataDir);
    return startGatewayCluster({
      name: `gateway cluster #${n}`,
      logFile: join(logDir, `gateway-cluster-${n}.log`),
      env: gatewayClusterEnv(settings, {
        workers: 2,
        databaseUrl: gatewayDb.url,
        // A prefix of this cluster alone: its channel and counters meet no other deployment's on that Redis.
        redis: { url: redisUrl, keyPrefix: `privnum-bench-${randomBytes(4).toString("hex")}:` },
        dataDir,
        platform: { baseUrl: UNREACHABLE_PLATFORM_URL, appKey, appSecret },
      }),
    });
  };

  const ctx: BenchContext = {
    quick,
    scale: quick ? QUICK : FULL,
    gateway,
    gatewayDatabaseUrl: gatewayDb.url,
    baselineDatabaseUrl: baselineDb.url,
    baselineReceivedId: receivedNotificationId,
    credentials: { appKey: config.platform.appKey, appSecret: config.platform.appSecret },
    gatewayAuthorization: bearerAuthorization(operator.key),
    worker,
    startServer: (kind, overrides) => startServer(kind, false, overrides),
    redisUrl,
    startGatewayCluster: startCluster,
    roundTripCpuUs: roundTrip.value,
    async profileGateway<T>(during: () => Promise<T>) {
      await gateway.child.request("profile-start");
      const settled = await during().then(
        (value) => ({ ok: true as const, value }),
        (error: unknown) => ({ ok: false as const, error }),
      );
      const profile = await gateway.child.request<ProfileSummary>("profile-stop");
      if (!settled.ok) throw settled.error;
      return { value: settled.value, profile };
    },
    log,
  };
  // P6 pages the CDRs that P1 stored, so P1 runs first whenever P6 runs.
  if (only.has("P1") || only.has("P6")) figures.push(...(await benchCdrIngest(ctx)));
  if (only.has("P2")) figures.push(...(await benchCallEvents(ctx)));
  if (only.has("P3")) figures.push(...(await benchFanOut(ctx)));
  if (only.has("P6")) figures.push(...(await benchReads(ctx)));
  if (only.has("P7")) figures.push(...(await benchNotifyUnderAbuse(ctx)));
  if (only.has("P8")) figures.push(...(await benchCrossInstance(ctx)));
  if (only.has("P9")) figures.push(...(await benchRecordingArchive(ctx)));
  if (only.has("P10")) figures.push(...(await benchExport(ctx)));
  await gateway.stop();
  if (only.has("P4")) figures.push(...(await benchIdleMemory(ctx)));
  await worker.stop();
  return figures;
}

let failed = false;
try {
  const figures = await main();
  log("done");
  await reportSuite({ suite: "gateway (P1–P10, real PostgreSQL and Redis)", figures });
} catch (error) {
  failed = true;
  console.error("the gateway bench failed:", error);
  console.error(`server logs were in ${logDir}`);
} finally {
  if (failed) {
    await stopAllChildren();
    await dropAllBenchDatabases();
  } else {
    await cleanUp();
  }
}
process.exit(failed ? 1 : 0);
