import {
  createSimulator,
  type Simulator,
  type SimulatorConfig,
  type SimulatorLogEvent,
} from "@privnum/axe-simulator";
import { type AxeClient, type AxeClientOptions, createAxeClient } from "../../src/index.js";

/** The simulator's default app (its package contract). */
export const APP_KEY = "privnum-sim-app";
export const APP_SECRET = "privnum-sim-secret";
/** The default app's X numbers: 0755 and 010. */
export const X1 = "+8617000000001";
export const X2 = "+8617000000002";
export const A1 = "+8613800000021";
export const A2 = "+8613900000022";
export const A3 = "+8613700000023";

/** Retry settings that keep the suite fast: same rules, millisecond waits. */
export const FAST_RETRY = { baseDelayMs: 1, maxDelayMs: 4, flowControlDelayMs: 2, maxElapsedMs: 10_000 };

export type RequestLog = Extract<SimulatorLogEvent, { type: "request" }>;

export interface Harness {
  sim: Simulator;
  /** Every platform request the simulator answered, in order. */
  requests: RequestLog[];
  /** A client of the default app, with fast retries; `options` override. */
  client(options?: Partial<AxeClientOptions>): AxeClient;
  stop(): Promise<void>;
}

/** Start a simulator on port 0 that records the requests it answered. */
export async function startHarness(config: SimulatorConfig = {}): Promise<Harness> {
  const requests: RequestLog[] = [];
  const sim = createSimulator({
    ...config,
    logger: (event) => {
      if (event.type === "request") requests.push(event);
      config.logger?.(event);
    },
  });
  await sim.start();
  return {
    sim,
    requests,
    client: (options = {}) =>
      createAxeClient({
        baseUrl: sim.url,
        appKey: APP_KEY,
        appSecret: APP_SECRET,
        ...options,
        retry: options.retry === false ? false : { ...FAST_RETRY, ...options.retry },
      }),
    stop: () => sim.stop(),
  };
}

/** Only the platform API requests (not the control API), as `METHOD path`. */
export function platformCalls(requests: RequestLog[]): string[] {
  return requests.filter((r) => r.path.startsWith("/rest/")).map((r) => `${r.method} ${r.path}`);
}

/**
 * A fetch that notes every request as `METHOD path` before sending it for real. Needed where the simulator
 * logs a request only when its (hung) answer is finally released.
 */
export function wireLog(): { fetch: typeof fetch; calls: string[] } {
  const calls: string[] = [];
  return {
    calls,
    fetch: (input, init) => {
      calls.push(`${init?.method ?? "GET"} ${new URL(String(input)).pathname}`);
      return fetch(input, init);
    },
  };
}

/** Await a rejection and return the error, failing when the promise resolves. */
export async function rejectionOf(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error("expected the promise to reject");
}
