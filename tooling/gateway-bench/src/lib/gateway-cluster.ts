// The gateway as a deployment runs it with several processes: its own `dist/main.mjs` (resolved from the
// `@privnum/gateway` package) as a child process, configured by environment variables only, with WORKERS set.
// It prints its start banner on stdout once every worker listens; SIGTERM stops it (the primary exits after
// its workers). Its CPU and memory are the primary's and every descendant's, read from /proc. No IPC, so no
// profiling: profiles come from the one-process gateway (serve-gateway.ts).
import { spawn } from "node:child_process";
import { once } from "node:events";
import { appendFileSync, closeSync, openSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { type BenchChild, registerChild } from "./child-process.js";
import type { ServerHandle } from "./context.js";
import type { ProcessStats } from "./process-stats.js";
import { readProcessTree } from "./process-tree.js";

/** Longest wait for the start banner, in ms. */
const START_TIMEOUT_MS = 60_000;
/** Longest wait for the primary to exit after SIGTERM (the gateway's own stop deadline is 15 s), in ms. */
const STOP_TIMEOUT_MS = 20_000;
/** How often the log file is read for the banner while the cluster starts, in ms. */
const BANNER_POLL_MS = 100;
/** Hard bound on the cluster's life (`timeout`), whatever happens to the orchestrator. */
const MAX_LIFETIME = "30m";

/** The gateway's base URL from the first line of its start banner (apps/gateway/src/process/start-banner.ts). */
export function bannerUrl(line: string): string | undefined {
  return /^privnum gateway listening on (https?:\/\/\S+)$/.exec(line.trim())?.[1];
}

/** Options of {@link startGatewayCluster}. */
export interface GatewayClusterOptions {
  /** Name in errors and logs. */
  name: string;
  /** The gateway's whole environment (PATH is added): its settings, WORKERS among them. */
  env: Record<string, string>;
  /** File that receives the cluster's stdout and stderr. */
  logFile: string;
  /** The entry to run. @default the `@privnum/gateway` package's `dist/main.mjs` */
  mainScript?: string;
  /** @default 60 s */
  startTimeoutMs?: number;
}

/** The built gateway's entry, next to the package's `dist/index.mjs`. */
export function gatewayMainScript(): string {
  return fileURLToPath(new URL("./main.mjs", import.meta.resolve("@privnum/gateway")));
}

/** A running cluster: a server handle whose stats cover every process of it. */
export interface GatewayCluster extends ServerHandle {
  /** The primary's exit code once it has exited (null: ended by a signal); undefined while it runs. */
  exitCode(): number | null | undefined;
}

/** What a cluster of the bench's gateway changes of the one-process gateway's settings. */
export interface ClusterSettings {
  workers: number;
  /** PostgreSQL database the instances share. */
  databaseUrl: string;
  /** Redis fan-out, with a key prefix of the run's own. */
  redis: { url: string; keyPrefix: string };
  /** `DATA_DIR` (and the recordings archive under it): a directory of the cluster's own. */
  dataDir: string;
  /**
   * The platform (`AXE_BASE_URL`): several instances cannot share an embedded simulator. The pushes are
   * signed with `appKey` / `appSecret`.
   */
  platform: { baseUrl: string; appKey: string; appSecret: string };
}

/** The cluster's environment: the one-process gateway's settings, with {@link ClusterSettings} over them. */
export function gatewayClusterEnv(
  settings: Record<string, string>,
  cluster: ClusterSettings,
): Record<string, string> {
  return {
    ...settings,
    WORKERS: String(cluster.workers),
    DATABASE_URL: cluster.databaseUrl,
    REDIS_URL: cluster.redis.url,
    REDIS_KEY_PREFIX: cluster.redis.keyPrefix,
    DATA_DIR: cluster.dataDir,
    RECORDINGS_DIR: join(cluster.dataDir, "recordings"),
    AXE_BASE_URL: cluster.platform.baseUrl,
    AXE_APP_KEY: cluster.platform.appKey,
    AXE_APP_SECRET: cluster.platform.appSecret,
  };
}

/** Start the cluster and resolve once its banner is printed; rejects (and stops it) otherwise. */
export async function startGatewayCluster(options: GatewayClusterOptions): Promise<GatewayCluster> {
  // The cluster writes its output (a log line per stored push, at `info`) straight to the file, as the
  // one-process gateway does: no byte of it passes through this process while steps run.
  const startOffset = sizeOf(options.logFile);
  const log = openSync(options.logFile, "a");
  const child = spawn(
    "timeout",
    // --foreground: a SIGTERM to `timeout` goes to the primary alone, which stops its workers itself.
    [
      "--foreground",
      "--kill-after=10s",
      MAX_LIFETIME,
      process.execPath,
      options.mainScript ?? gatewayMainScript(),
    ],
    { env: { PATH: process.env.PATH ?? "/usr/bin:/bin", ...options.env }, stdio: ["ignore", log, log] },
  );
  closeSync(log);
  const pid = child.pid;
  if (pid === undefined) throw new Error(`${options.name}: could not be started`);
  let exitCode: number | null | undefined;
  const exited = once(child, "exit").then(([code]) => {
    exitCode = code as number | null;
  });
  // On the way out of the orchestrator, whatever the path, the cluster goes too.
  const killOnExit = () => child.kill("SIGTERM");
  process.once("exit", killOnExit);

  const startTimeoutMs = options.startTimeoutMs ?? START_TIMEOUT_MS;
  const url = await (async () => {
    const deadline = performance.now() + startTimeoutMs;
    for (;;) {
      const banner = readFileSync(options.logFile)
        .subarray(startOffset)
        .toString("utf8")
        .split("\n")
        .map(bannerUrl)
        .find(Boolean);
      if (banner) return banner;
      if (exitCode !== undefined) {
        throw new Error(
          `${options.name} exited before its start banner (code ${exitCode}); see ${options.logFile}`,
        );
      }
      if (performance.now() > deadline)
        throw new Error(`${options.name}: no start banner within ${startTimeoutMs} ms`);
      await Promise.race([exited, new Promise((resolve) => setTimeout(resolve, BANNER_POLL_MS))]);
    }
  })().catch(async (error: unknown) => {
    child.kill("SIGKILL");
    await exited;
    process.removeListener("exit", killOnExit);
    throw error;
  });

  let stopping: Promise<void> | undefined;
  let forget = () => {};
  const handle: BenchChild = {
    name: options.name,
    pid,
    request: (type) =>
      Promise.reject(new Error(`${options.name} answers no requests ("${type}"): it runs without IPC`)),
    stop() {
      stopping ??= (async () => {
        forget();
        if (exitCode === undefined) {
          child.kill("SIGTERM");
          const killer = setTimeout(() => {
            // The primary did not stop in time: every process of the tree goes now.
            for (const p of safeTree(pid)) process.kill(p, "SIGKILL");
          }, STOP_TIMEOUT_MS);
          await exited;
          clearTimeout(killer);
        }
        process.removeListener("exit", killOnExit);
        appendFileSync(options.logFile, `[bench] ${options.name} exited with code ${exitCode}\n`);
      })();
      return stopping;
    },
  };
  forget = registerChild(handle);
  const stats = (): ProcessStats => {
    const tree = readProcessTree(pid);
    return {
      rssBytes: tree.rssBytes,
      heapUsedBytes: 0,
      cpuMs: tree.cpuMs,
      systemCpuMs: tree.systemCpuMs,
      subscriptions: 0,
    };
  };
  const graphqlUrl = `${url}/graphql`;
  return {
    child: handle,
    url,
    graphqlUrl,
    wsUrl: graphqlUrl.replace(/^http/, "ws"),
    simulatorUrl: undefined,
    // No collection on demand across processes: `gc` is ignored, RSS is as it stands.
    stats: async () => stats(),
    stop: () => handle.stop(),
    exitCode: () => exitCode,
  };
}

function sizeOf(file: string): number {
  try {
    return statSync(file).size;
  } catch {
    return 0;
  }
}

function safeTree(pid: number): number[] {
  try {
    return readProcessTree(pid).pids;
  } catch {
    return [];
  }
}
