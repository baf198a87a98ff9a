import { HEALTHZ_PATH } from "./health-route.js";
import { METRICS_PATH } from "./metrics-route.js";
import { READYZ_PATH } from "./readiness-route.js";

/** The fixed set of route labels of the HTTP metrics: never the raw path. */
export type HttpRoute =
  | "graphql"
  | "notify"
  | "exports"
  | "healthz"
  | "readyz"
  | "metrics"
  | "health"
  | "recordings"
  | "console"
  | "other";

/** The prefix of `GET /recordings/<icid>` (recordings/recording-route.ts), counted as one route. */
const RECORDINGS_PREFIX = "/recordings/";

/** The prefix of the web console's files (console/console-route.ts), counted as one route with `/`. */
const CONSOLE_PREFIX = "/console";

/** Classifies request targets into {@link HttpRoute}s. */
export type RouteOf = (target: string | undefined) => HttpRoute;

/**
 * The route of a request target (path, with or without a query): one of a few fixed values, whatever is sent.
 * `notifyPaths` are the webhook's paths, `exportPaths` the call-record export's (given by the composition
 * root, which owns ingest/ and exports/).
 */
export function createRouteOf(notifyPaths: readonly string[], exportPaths: readonly string[] = []): RouteOf {
  const routes = new Map<string, HttpRoute>([
    ["/graphql", "graphql"],
    ...notifyPaths.map((path): [string, HttpRoute] => [path, "notify"]),
    ...exportPaths.map((path): [string, HttpRoute] => [path, "exports"]),
    [HEALTHZ_PATH, "healthz"],
    [READYZ_PATH, "readyz"],
    [METRICS_PATH, "metrics"],
    // Yoga's own health check.
    ["/health", "health"],
  ]);
  return (target) => {
    const path = (target ?? "/").split("?", 1)[0]!;
    const trimmed = path.length > 1 ? path.replace(/\/+$/, "") : path;
    const route = routes.get(trimmed);
    if (route) return route;
    if (path.startsWith(RECORDINGS_PREFIX)) return "recordings";
    return trimmed === "/" || trimmed === CONSOLE_PREFIX || path.startsWith(`${CONSOLE_PREFIX}/`)
      ? "console"
      : "other";
  };
}
