// The gateway under test, in its own process: its build (`@privnum/gateway`), started with buildApp exactly as
// its dist/main.mjs does, on the database the orchestrator created for the run. Answers `start`, `stats`,
// `profile-start`, `profile-stop` and `stop` over IPC.
import { buildApp, type GatewayApp, type GatewayConfig, type RunningGateway } from "@privnum/gateway";
import { startCpuProfile, stopCpuProfile } from "./lib/cpu-profiler.js";
import { serveParent } from "./lib/ipc-server.js";
import { readProcessStats } from "./lib/process-stats.js";

let app: GatewayApp | undefined;
let running: RunningGateway | undefined;

serveParent(
  {
    async start(payload) {
      app = buildApp(payload as GatewayConfig);
      running = await app.start();
      return { url: running.url, graphqlUrl: running.graphqlUrl, simulatorUrl: running.simulatorUrl };
    },
    stats(payload) {
      const services = running?.services;
      return readProcessStats(
        (payload as { gc?: boolean } | undefined)?.gc === true,
        services ? services.feed.listenerCount() + services.changes.listenerCount() : 0,
      );
    },
    "profile-start": () => startCpuProfile(),
    "profile-stop": () => stopCpuProfile(),
  },
  {
    maxLifetimeMs: 30 * 60_000,
    onStop: async () => {
      await app?.stop();
    },
  },
);
