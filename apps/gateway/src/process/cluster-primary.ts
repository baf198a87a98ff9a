// Cluster mode's primary: what exists once per machine (the DATA_DIR lock, the development keys, the embedded
// simulator), the workers it forks onto the one port (node:cluster shares the listening socket), their
// replacement when one dies, and the stop of all on SIGINT or SIGTERM. The workers are gateways as main.ts
// runs them; they report their start over IPC (cluster-messages.ts) and the primary prints the banner.
import cluster, { type Worker } from "node:cluster";
import { DevKeysFileError, loadOrCreateDevKeys } from "../auth/dev-keys.js";
import { createPlatformLink, type PlatformLink } from "../platform/platform-link.js";
import { findFreePort, probePort } from "../platform/port-probe.js";
import type { GatewayConfig } from "../shared/config.js";
import { DataDirInUseError, isPortInUse, PortInUseError } from "../shared/errors.js";
import { createLogger, type Logger } from "../shared/logger.js";
import { isWorkerMessage } from "./cluster-messages.js";
import { type ClusterSettlement, clusterWorkerEnv } from "./cluster-worker-env.js";
import { acquireDataDirLock, type DataDirLock } from "./data-dir-lock.js";
import { formatStartBanner, type StartedGateway } from "./start-banner.js";

/** More unexpected worker deaths than this within {@link DEATH_WINDOW_MS} stop the cluster (exit 1). */
export const MAX_WORKER_DEATHS = 5;
/** The window {@link MAX_WORKER_DEATHS} counts in. */
export const DEATH_WINDOW_MS = 60_000;
/** Signals within this window of the first are the same stop request (main.ts says why). */
const REPEATED_SIGNAL_WINDOW_MS = 2000;
/** The longest the workers' stop may take (each bounds its own at 15 s) before they are killed. */
const STOP_DEADLINE_MS = 20_000;

/** A one-line problem for the user: printed without a stack, and the start fails with exit 1. */
class StartRefusal extends Error {}

/** Run the cluster's primary for `config` (`config.workers` > 1). Exits the process when the cluster stops. */
export async function runClusterPrimary(config: GatewayConfig): Promise<void> {
  const logger = createLogger({ level: config.logLevel }).child({ component: "cluster" });
  let lock: DataDirLock | undefined;
  let platform: PlatformLink | undefined;
  // A signal before the workers are forked stops the start here: what was set up is undone, exit 0.
  let interrupted = false;
  const interrupt = () => {
    interrupted = true;
  };
  process.on("SIGINT", interrupt).on("SIGTERM", interrupt);
  const undoAndExit = async (code: number) => {
    await platform?.stop().catch(() => {});
    await lock?.release();
    await new Promise<void>((resolve) => logger.flush(() => resolve()));
    process.exit(code);
  };
  try {
    lock = await acquireDataDirLock(config.dataDir).catch(asRefusal(DataDirInUseError));
    // Created once, before any worker: each worker only reads them.
    const devKeys = config.auth.devKeys
      ? await loadOrCreateDevKeys(config.dataDir).catch(asRefusal(DevKeysFileError))
      : undefined;
    const port = await settlePort(config);
    let simulator: ClusterSettlement["simulator"];
    if (!interrupted && config.platform.kind === "embedded-simulator") {
      platform = createPlatformLink(config, {}, logger);
      await platform.checkPort().catch(asRefusal(PortInUseError));
      await platform.start(`${baseUrl(config.host, port)}/notify`).catch(asRefusal(PortInUseError));
      simulator = {
        url: platform.simulator()!.url,
        virtualNumbers: platform.servedVirtualNumbers().map((served) => served.number),
      };
    }
    process.off("SIGINT", interrupt).off("SIGTERM", interrupt);
    if (interrupted) return await undoAndExit(0);
    const settled: ClusterSettlement = { port, ...(simulator ? { simulator } : {}) };
    superviseWorkers(config, clusterWorkerEnv(config, settled), {
      logger,
      onStarted: (gateway) =>
        process.stdout.write(
          formatStartBanner({ ...gateway, simulatorUrl: simulator?.url, devKeys, workers: config.workers }),
        ),
      release: async () => {
        await platform?.stop();
        await lock?.release();
      },
    });
  } catch (error) {
    process.off("SIGINT", interrupt).off("SIGTERM", interrupt);
    if (error instanceof StartRefusal) console.error(error.message);
    else logger.fatal({ err: error }, "the cluster failed to start");
    await undoAndExit(1);
  }
}

// A known one-line error becomes a StartRefusal; anything else is rethrown as it is.
function asRefusal(kind: new (...args: never[]) => Error): (error: unknown) => never {
  return (error) => {
    if (error instanceof kind) throw new StartRefusal(error.message);
    throw error;
  };
}

// The port every worker listens on: PORT, checked free now so that a taken one fails at once with the usual
// line; PORT=0 becomes a concrete free port, since the embedded simulator's notify URL must name it.
async function settlePort(config: GatewayConfig): Promise<number> {
  try {
    if (config.port === 0) return await findFreePort(config.host);
    await probePort(config.host, config.port);
    return config.port;
  } catch (error) {
    if (isPortInUse(error)) throw new StartRefusal(new PortInUseError(config.port, "PORT").message);
    throw error;
  }
}

function baseUrl(host: string, port: number): string {
  return host.includes(":") ? `http://[${host}]:${port}` : `http://${host}:${port}`;
}

interface SupervisorHooks {
  logger: Logger;
  /** Every worker has started: print the banner (once; replacements do not print it again). */
  onStarted(gateway: StartedGateway): void;
  /** After the last worker exited: release what the primary holds. */
  release(): Promise<void>;
}

// Forks the workers, prints the banner once all serve, replaces a worker that dies (bounded), and stops them
// all on SIGINT or SIGTERM, exiting 0 when every worker stopped cleanly.
function superviseWorkers(config: GatewayConfig, env: Record<string, string>, hooks: SupervisorHooks): void {
  const { logger } = hooks;
  const started = new Set<number>();
  // The workers not yet exited (cluster.workers may still list one whose IPC channel is closing).
  const live = new Map<number, Worker>();
  let allStarted = false;
  let stopping = false;
  let exitCode = 0;
  let firstSignalAt = 0;
  const deaths: number[] = [];

  const fork = (): Worker => {
    const worker = cluster.fork(env);
    live.set(worker.id, worker);
    worker.on("message", (message: unknown) => {
      if (!isWorkerMessage(message) || stopping) return;
      if (message.type === "privnum:worker-failed") {
        if (allStarted) {
          // A replacement that cannot start (the database away, say) exits next: a death, replaced within
          // the bound like any other.
          logger.error(
            { worker: worker.id, reason: message.message },
            "a replacement worker failed to start",
          );
          return;
        }
        // The first failure is the one the user reads; the rest of the cluster stops.
        console.error(message.message);
        stop(1);
        return;
      }
      started.add(worker.id);
      if (allStarted) {
        logger.info({ worker: worker.id, workerPid: worker.process.pid }, "replacement worker started");
      } else if (started.size === config.workers) {
        allStarted = true;
        logger.info({ workers: config.workers }, "every worker started");
        hooks.onStarted(message.gateway);
      }
    });
    return worker;
  };

  cluster.on("exit", (worker, code, signal) => {
    started.delete(worker.id);
    live.delete(worker.id);
    if (stopping) {
      if (code !== 0) exitCode = 1;
      if (live.size === 0) void finish();
      return;
    }
    const died = { worker: worker.id, workerPid: worker.process.pid, code, signal };
    if (!allStarted) {
      logger.error(died, "a worker exited while the cluster was starting");
      stop(1);
      return;
    }
    const now = performance.now();
    deaths.push(now);
    while (deaths.length > 0 && now - deaths[0]! > DEATH_WINDOW_MS) deaths.shift();
    if (deaths.length > MAX_WORKER_DEATHS) {
      logger.fatal(
        { ...died, deaths: deaths.length, windowMs: DEATH_WINDOW_MS },
        "workers keep dying: stopping the cluster",
      );
      stop(1);
      return;
    }
    logger.error(died, "a worker died: starting a replacement");
    fork();
  });

  function stop(code: number): void {
    if (code !== 0) exitCode = 1;
    if (stopping) return;
    stopping = true;
    for (const worker of live.values()) worker.process.kill("SIGTERM");
    setTimeout(() => {
      logger.error({ deadlineMs: STOP_DEADLINE_MS }, "the workers' stop overran its deadline: killing them");
      for (const worker of live.values()) worker.process.kill("SIGKILL");
      exitCode = 1;
      void finish();
    }, STOP_DEADLINE_MS).unref();
    if (live.size === 0) void finish();
  }

  let finishing: Promise<void> | undefined;
  function finish(): Promise<void> {
    finishing ??= hooks
      .release()
      .catch((error: unknown) => {
        logger.error({ err: error }, "stopping the primary failed");
        exitCode = 1;
      })
      .then(() => new Promise<void>((resolve) => logger.flush(() => resolve())))
      .then(() => process.exit(exitCode));
    return finishing;
  }

  for (const signal of ["SIGINT", "SIGTERM"] as const) {
    process.on(signal, () => {
      if (stopping) {
        // A second signal, later, means "now".
        if (performance.now() - firstSignalAt > REPEATED_SIGNAL_WINDOW_MS) {
          for (const worker of live.values()) worker.process.kill("SIGKILL");
          process.exit(1);
        }
        return;
      }
      firstSignalAt = performance.now();
      logger.info({ signal }, "stopping every worker");
      stop(0);
    });
  }

  for (let i = 0; i < config.workers; i++) fork();
}
