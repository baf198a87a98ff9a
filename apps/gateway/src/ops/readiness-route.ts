import type { Plugin } from "graphql-yoga";
import { jsonResponse, useGetRoute } from "./get-route.js";
import type { Readiness } from "./readiness.js";

/** Path of the readiness probe. */
export const READYZ_PATH = "/readyz";

/**
 * `GET /readyz`: the readiness report as JSON, 200 while no check is `unready` (a `degraded` one included),
 * else 503 with `Retry-After`. No credentials: load balancers call it, and the report names checks and
 * states only.
 */
export function useReadinessRoute(readiness: Readiness): Plugin {
  return useGetRoute(READYZ_PATH, async () => {
    const report = await readiness.report();
    return report.status === "unready"
      ? jsonResponse(503, report, { "retry-after": "5" })
      : jsonResponse(200, report);
  });
}
