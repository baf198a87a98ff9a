import { join } from "node:path";
import { type GatewayProcess, REPO_ROOT, spawnGateway } from "./gateway-process.js";

/** The simulator's command-line entry point (`axe-simulator`), which runs its built CLI. */
export const SIMULATOR_BIN = join(REPO_ROOT, "packages/axe-simulator/bin/axe-simulator.mjs");

/** Longest the CLI may take to print its banner. */
const START_BOUND_MS = 20_000;
/** How often {@link SimulatorCli.deliveriesWhen} reads the push attempts. */
const DELIVERIES_POLL_MS = 100;

/** One push attempt as the simulator's control API reports it (`GET /simulator/deliveries`). */
export interface SimulatorDelivery {
  pushId: number;
  kind: "callEvent" | "fee" | "numStatus";
  eventType: string;
  attempt: number;
  body: Record<string, unknown>;
  status?: number;
  outcome: "delivered" | "failed" | "dropped" | "skipped";
  /** No attempt of this push follows: it was delivered, or the platform gave up on it. */
  final: boolean;
}

/** What `POST /simulator/calls` answers. */
export interface SimulatedCall {
  sessionId: string;
  notifications: Record<string, unknown>[];
  cdr: { icid: string };
}

/** The standalone simulator CLI in a child process, and its control API. */
export interface SimulatorCli {
  process: GatewayProcess;
  /** Its base URL (platform API and control API). */
  url: string;
  /** Place a call (`POST /simulator/calls`). */
  placeCall(input: Record<string, unknown>): Promise<SimulatedCall>;
  /** Every push attempt so far (`GET /simulator/deliveries`). */
  deliveries(): Promise<SimulatorDelivery[]>;
  /**
   * Resolves with the push attempts once `condition` holds for them (read every 100 ms: the list grows with
   * every attempt, bodies included); rejects after `timeoutMs`, naming `what`.
   */
  deliveriesWhen(
    condition: (deliveries: SimulatorDelivery[]) => boolean,
    what: string,
    timeoutMs?: number,
  ): Promise<SimulatorDelivery[]>;
  /** SIGTERM, then SIGKILL if it has not exited within 5 s; resolves once it has exited. */
  stop(): Promise<void>;
}

/**
 * Start `axe-simulator` with `args` (a free port unless `--port` is given) and wait for its banner; a CLI that
 * exits first, or prints none within {@link START_BOUND_MS}, is killed and the start rejects.
 */
export async function startSimulatorCli(args: string[]): Promise<SimulatorCli> {
  // The spawn helper of the gateway's tests: any command, its output collected.
  const child = spawnGateway(process.execPath, [SIMULATOR_BIN, "--port", "0", ...args], {});
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([
      child.waitForOutput("control API:"),
      new Promise((_, reject) => {
        timer = setTimeout(
          () => reject(new Error(`no simulator banner within ${START_BOUND_MS} ms`)),
          START_BOUND_MS,
        );
      }),
    ]);
  } catch (error) {
    child.child.kill("SIGKILL");
    await child.exited;
    throw new Error(`axe-simulator did not start:\n${child.stdout()}\n${child.stderr()}`, { cause: error });
  } finally {
    clearTimeout(timer);
  }
  const url = /AXE simulator listening on (http:\/\/\S+)/.exec(child.stdout())?.[1];
  if (!url) throw new Error(`no simulator banner in:\n${child.stdout()}`);

  const control = async <T>(path: string, init?: RequestInit): Promise<T> => {
    const response = await fetch(`${url}${path}`, { ...init, signal: AbortSignal.timeout(10_000) });
    if (!response.ok) throw new Error(`${path}: HTTP ${response.status} ${await response.text()}`);
    return (await response.json()) as T;
  };
  const deliveries = async () =>
    (await control<{ deliveries: SimulatorDelivery[] }>("/simulator/deliveries")).deliveries;
  return {
    process: child,
    url,
    placeCall: (input) =>
      control<SimulatedCall>("/simulator/calls", {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify(input),
      }),
    deliveries,
    async deliveriesWhen(condition, what, timeoutMs = 10_000) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const current = await deliveries();
        if (condition(current)) return current;
        if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
        await new Promise((resolve) => setTimeout(resolve, DELIVERIES_POLL_MS));
      }
    },
    async stop() {
      if (child.child.exitCode === null && child.child.signalCode === null) {
        child.child.kill("SIGTERM");
        const timer = setTimeout(() => child.child.kill("SIGKILL"), 5000);
        await child.exited;
        clearTimeout(timer);
      }
      await child.exited;
    },
  };
}
