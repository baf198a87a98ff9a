import type { Plugin } from "graphql-yoga";
import { jsonResponse, useGetRoute } from "./get-route.js";
import type { GatewayMetrics } from "./metrics.js";
import type { MetricsAccessVerdict } from "./metrics-access.js";

/** Path of the Prometheus exposition. */
export const METRICS_PATH = "/metrics";

/** What {@link useMetricsRoute} needs. */
export interface MetricsRouteOptions {
  metrics: GatewayMetrics;
  /** Who may read (metrics-access.ts). */
  access: (authorization: string | null) => Promise<MetricsAccessVerdict>;
}

/**
 * `GET /metrics`: the Prometheus text exposition of the process's and this gateway's metrics, to whom
 * `access` allows; otherwise 401 (with `WWW-Authenticate`) or 403 and a JSON error.
 */
export function useMetricsRoute({ metrics, access }: MetricsRouteOptions): Plugin {
  return useGetRoute(METRICS_PATH, async (request) => {
    const verdict = await access(request.headers.get("authorization"));
    if (!verdict.allowed) {
      const challenge: Record<string, string> =
        verdict.status === 401 ? { "www-authenticate": 'Bearer realm="privnum"' } : {};
      return jsonResponse(verdict.status, { error: verdict.message }, challenge);
    }
    return new Response(await metrics.exposition(), {
      headers: { "content-type": metrics.contentType, "cache-control": "no-store" },
    });
  });
}
