// Runs the gateway: `pnpm start` runs the build of this file (dist/main.mjs). Everything else lives in app.ts.
//
// Exit codes: 0 after a clean stop on SIGINT or SIGTERM; 1 when the configuration is invalid, the start
// failed, a stop step failed or overran its bound (app.ts), or the whole stop overran STOP_DEADLINE_MS, or
// on a second signal more than REPEATED_SIGNAL_WINDOW_MS after the first. The process stops in every case.
// In cluster mode (WORKERS > 1) the primary exits 0 once every worker stopped cleanly, and 1 when the start
// failed, a worker's stop failed, or workers kept dying (process/cluster-primary.ts).
import cluster from "node:cluster";
import { buildApp } from "./app.js";
import { DevKeysFileError } from "./auth/dev-keys.js";
import { reportToPrimary } from "./process/cluster-messages.js";
import { runClusterPrimary } from "./process/cluster-primary.js";
import { acquireDataDirLock } from "./process/data-dir-lock.js";
import { formatStartBanner } from "./process/start-banner.js";
import { loadConfigFromEnv } from "./shared/config.js";
import { DataDirInUseError, PortInUseError } from "./shared/errors.js";
import type { Logger } from "./shared/logger.js";

const loaded = loadConfigFromEnv();
if (!loaded.ok) {
  for (const issue of loaded.issues) console.error(`config: ${issue.variable} ${issue.message}`);
  process.exit(1);
}
const { config } = loaded;

// Cluster mode (WORKERS > 1): this process is the primary, which forks the workers and never serves itself
// (process/cluster-primary.ts), or one of its workers, which runs below as a gateway does, reporting its
// start to the primary instead of printing the banner.
const clusterWorker = config.workers > 1 && cluster.isWorker;
if (config.workers > 1 && cluster.isPrimary) {
  await runClusterPrimary(config);
} else {
  await runGateway();
}

async function runGateway(): Promise<void> {
  // pino writes asynchronously: wait for its lines before printing around them or exiting.
  function flushLogs(logger: Logger): Promise<void> {
    return new Promise((resolve) => logger.flush(() => resolve()));
  }

  // A cluster's primary holds the lock for all its workers.
  let lock: Pick<Awaited<ReturnType<typeof acquireDataDirLock>>, "release"> = { release: async () => {} };
  try {
    if (!clusterWorker) lock = await acquireDataDirLock(config.dataDir);
  } catch (error) {
    // A mistake the user fixes from one line: no stack trace.
    if (!(error instanceof DataDirInUseError)) throw error;
    console.error(error.message);
    process.exit(1);
  }

  const app = buildApp(
    config,
    clusterWorker ? { responseHeaders: { "x-privnum-worker": String(cluster.worker?.id) } } : {},
  );

  // Ctrl-C signals the whole foreground process group, and each pnpm between the shell and this process
  // forwards the signal too (pnpm answers a second SIGINT with SIGTERM): one Ctrl-C arrives here up to three
  // times within moments. Signals within this window of the first are that same request.
  const REPEATED_SIGNAL_WINDOW_MS = 2000;

  // The longest a stop may take, whatever it waits for (a database link gone silent, a step that hangs): each
  // step is bounded on its own (shutdown-stack.ts), and this bounds them all.
  const STOP_DEADLINE_MS = 15_000;

  let stopping = false;
  let firstSignalAt = 0;
  for (const signal of ["SIGINT", "SIGTERM"] as const) {
    process.on(signal, () => {
      if (stopping) {
        // A second signal, later, means "now".
        if (performance.now() - firstSignalAt > REPEATED_SIGNAL_WINDOW_MS) process.exit(1);
        return;
      }
      stopping = true;
      firstSignalAt = performance.now();
      app.logger.info({ signal }, "stopping");
      setTimeout(() => {
        app.logger.error({ deadlineMs: STOP_DEADLINE_MS }, "stop overran its deadline: exiting now");
        void flushLogs(app.logger).then(() => process.exit(1));
      }, STOP_DEADLINE_MS);
      // A clean stop exits 0, so that pnpm, which runs `pnpm start`, reports no failure.
      app
        .stop()
        .then(() => lock.release())
        .then(
          () => flushLogs(app.logger).then(() => process.exit(0)),
          (error: unknown) => {
            app.logger.error({ err: error }, "stop failed");
            return flushLogs(app.logger).then(() => process.exit(1));
          },
        );
    });
  }

  try {
    const started = await app.start();
    // The banner comes after the start's log lines, in one write, so that no log line splits it.
    await flushLogs(app.logger);
    if (stopping) return;
    if (!clusterWorker) process.stdout.write(formatStartBanner(started));
    else {
      // Only what the banner shows: the rest of a running gateway does not cross processes.
      const { url, graphqlUrl, simulatorUrl, devKeys, fanOut, recordingArchive } = started;
      await reportToPrimary({
        type: "privnum:worker-started",
        gateway: {
          url,
          graphqlUrl,
          simulatorUrl,
          devKeys,
          fanOut,
          recordingArchive,
          console: started.console,
        },
      });
    }
  } catch (error) {
    // Stopped by a signal while starting: the signal's handler exits.
    if (!stopping) {
      await app.stop().catch(() => {});
      await lock.release();
      const oneLine = error instanceof PortInUseError || error instanceof DevKeysFileError;
      if (oneLine && !clusterWorker) console.error(error.message);
      if (!oneLine) {
        app.logger.fatal({ err: error }, "gateway failed to start");
        await flushLogs(app.logger);
      }
      // A worker's primary prints the line (once for the cluster) and stops the other workers.
      if (clusterWorker) {
        await reportToPrimary({
          type: "privnum:worker-failed",
          message: oneLine ? error.message : "a worker failed to start (its log line above says why)",
        });
      }
      process.exit(1);
    }
  }
}
