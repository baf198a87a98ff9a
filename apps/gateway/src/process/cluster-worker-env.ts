// The environment the primary gives each worker: the user's, with what the primary settled for the machine.
import type { GatewayConfig } from "../shared/config.js";

/** What the primary settled before forking: the port all workers share and, if it runs one, its simulator. */
export interface ClusterSettlement {
  /** The concrete port of the gateway (never 0: the embedded simulator's notify URL names it). */
  port: number;
  /** The embedded simulator the primary runs; undefined with a remote platform. */
  simulator?: { url: string; virtualNumbers: readonly string[] };
}

/**
 * The variables each worker starts with, over the primary's own: the shared `PORT`, and with an embedded
 * simulator its URL as `AXE_BASE_URL` (same app key and secret, its numbers added to `AXE_VIRTUAL_NUMBERS`),
 * so that each worker sees a remote platform and parses its configuration as any gateway does.
 */
export function clusterWorkerEnv(config: GatewayConfig, settled: ClusterSettlement): Record<string, string> {
  const env: Record<string, string> = { PORT: String(settled.port) };
  const { platform } = config;
  if (settled.simulator && platform.kind === "embedded-simulator") {
    env.AXE_BASE_URL = settled.simulator.url;
    env.AXE_APP_KEY = platform.appKey;
    env.AXE_APP_SECRET = platform.appSecret;
    env.AXE_AUTH_SCHEME = platform.scheme;
    env.AXE_VIRTUAL_NUMBERS = [
      ...new Set([...config.virtualNumbers, ...settled.simulator.virtualNumbers]),
    ].join(",");
  }
  return env;
}
