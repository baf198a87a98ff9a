import { mkdirSync } from "node:fs";
import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import { createAdaptorServer, type HttpBindings } from "@hono/node-server";
import { Hono } from "hono";
import { resolveConfig } from "./config.js";
import { registerControlRoutes } from "./control-routes.js";
import { SimulatorCore } from "./core.js";
import { PortInUseError, SimulatorConfigError, SimulatorInputError, SimulatorStateError } from "./errors.js";
import { HangRegistry, registerPlatformRoutes } from "./platform-routes.js";
import { platformResult } from "./result-codes.js";
import { resumeTime } from "./resume-time.js";
import { readStateFile, StateFileWriter, stateFilePath } from "./state-file.js";
import type { Simulator, SimulatorConfig } from "./types.js";

/** Longest single `clock.advance`: 10 years of virtual time. */
const MAX_ADVANCE_MS = 10 * 365 * 86_400_000;

function formatUrl(host: string, port: number): string {
  return host.includes(":") ? `http://[${host}]:${port}` : `http://${host}:${port}`;
}

/** What {@link keepStateIn} set up: the writer of the state file and the catch-up of a restored state. */
interface KeptState {
  writer: StateFileWriter;
  /** Settles when the work that fell due while the simulator was down has run (never rejects). */
  caughtUp: Promise<void>;
}

// With a data directory, restores the state saved there and saves every change; undefined without one.
function keepStateIn(core: SimulatorCore): KeptState | undefined {
  const dir = core.config.dataDir;
  if (dir === undefined) return undefined;
  try {
    mkdirSync(dir, { recursive: true });
  } catch (error) {
    throw new SimulatorConfigError([
      { path: "dataDir", message: `cannot create ${dir}: ${(error as Error).message}` },
    ]);
  }
  const file = stateFilePath(dir);
  const saved = readStateFile(file);
  if (saved) core.restore(saved);
  const writer = new StateFileWriter(
    file,
    () => core.snapshot(),
    (error) => core.recordError(error),
  );
  core.onChange = () => writer.changed();
  // The clock moves on to where the downtime brought it, running on the way, in order and each at its time,
  // the work that fell due meanwhile (as clock.advance does), and the state file saves the result.
  let caughtUp = Promise.resolve();
  if (saved && core.config.timeScale > 0) {
    caughtUp = core.scheduler
      .advanceTo(resumeTime(saved, Date.now(), core.config.timeScale))
      .catch((error: unknown) => core.recordError(error));
  }
  return { writer, caughtUp };
}

/**
 * Creates an AXE platform simulator. Nothing listens until `start()`; state, clock and `simulateCall` work
 * before that too. Throws {@link SimulatorConfigError} for an invalid configuration and
 * {@link SimulatorStateFileError} for a state file in `dataDir` it cannot restore.
 */
export function createSimulator(config: SimulatorConfig = {}): Simulator {
  const core = new SimulatorCore(resolveConfig(config));
  const kept = keepStateIn(core);
  const caughtUp = kept?.caughtUp ?? Promise.resolve();
  const hangs = new HangRegistry();
  let server: Server | undefined;
  let starting: Promise<{ url: string }> | undefined;
  let stopped = false;

  const clock = {
    now: () => new Date(core.clock.nowMs()),
    advance: (ms: number): Promise<void> => {
      if (!Number.isFinite(ms) || ms < 0 || ms > MAX_ADVANCE_MS) {
        return Promise.reject(
          new SimulatorInputError([{ path: "ms", message: `must be a number from 0 to ${MAX_ADVANCE_MS}` }]),
        );
      }
      return core.scheduler.advanceTo(core.clock.nowMs() + Math.floor(ms));
    },
    set: (date: Date): Promise<void> => {
      const target = date instanceof Date ? date.getTime() : Number.NaN;
      if (Number.isNaN(target)) {
        return Promise.reject(new SimulatorInputError([{ path: "date", message: "must be a valid Date" }]));
      }
      return core.scheduler.advanceTo(target);
    },
  };
  const flush = () => core.scheduler.flush();

  const app = new Hono<{ Bindings: HttpBindings }>();
  registerPlatformRoutes(app, core, hangs);
  if (core.config.control.enabled) registerControlRoutes(app, core, { ...clock, flush });
  app.notFound((c) => c.body(null, 404));
  app.onError((error, c) => {
    core.recordError(error);
    if (c.req.path.startsWith("/rest/")) {
      const r = platformResult("internalError");
      return c.body(JSON.stringify(r.body), 500, { "Content-Type": "application/json;charset=UTF-8" });
    }
    return c.json({ error: { message: "internal error", issues: [] } }, 500);
  });

  // Listens on the configured address; a taken port rejects with PortInUseError.
  const listen = () =>
    new Promise<{ url: string }>((resolve, reject) => {
      const s = createAdaptorServer({ fetch: app.fetch, overrideGlobalObjects: false }) as Server;
      s.once("error", (error: NodeJS.ErrnoException) => {
        reject(
          error.code === "EADDRINUSE"
            ? new PortInUseError(core.config.port, core.config.host, { cause: error })
            : error,
        );
      });
      s.listen(core.config.port, core.config.host, () => {
        s.removeAllListeners("error");
        const address = s.address() as AddressInfo;
        core.baseUrl = formatUrl(core.config.host, address.port);
        server = s;
        resolve({ url: core.baseUrl });
      });
    });

  const simulator: Simulator = {
    get url(): string {
      if (!core.baseUrl) throw new SimulatorStateError("The simulator is not started: call start() first.");
      return core.baseUrl;
    },
    start() {
      if (stopped)
        return Promise.reject(new SimulatorStateError("A stopped simulator cannot be started again."));
      // Requests are answered only once a restored state caught up with its downtime (no binding that
      // expired meanwhile is ever returned).
      starting ??= caughtUp
        .then(() => {
          if (stopped)
            throw new SimulatorStateError("The simulator was stopped before it started listening.");
          return listen();
        })
        .catch((error: unknown) => {
          starting = undefined;
          throw error;
        });
      return starting;
    },
    async stop() {
      stopped = true;
      await core.scheduler.stop();
      hangs.releaseAll();
      const s = server;
      server = undefined;
      if (s) {
        await new Promise<void>((resolve) => {
          s.close(() => resolve());
          s.closeAllConnections();
        });
      }
      // Last, so that the file holds every change acknowledged before, and the work left pending.
      if (kept) await kept.writer.flush();
      core.onChange = undefined;
    },
    get apps() {
      return core.config.apps;
    },
    clock,
    // A call or status change starts at the virtual time the catch-up of a restored state reaches.
    simulateCall: async (input) => {
      await caughtUp;
      return core.simulateCall(input);
    },
    setNumberStatus: async (input) => {
      await caughtUp;
      core.setNumberStatus(input);
    },
    setFaults: (faults) => core.setFaults(faults),
    deliveries: () => core.dispatcher.deliveries(),
    flush,
    seedBindings: (input) => core.seedBindings(input),
    state: () => core.state(),
  };
  return simulator;
}
