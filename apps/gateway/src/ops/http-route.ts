import { NOTIFY_PATHS } from "../ingest/notify-handler.js";
import { HEALTHZ_PATH } from "./health-route.js";
import { METRICS_PATH } from "./metrics-route.js";
import { READYZ_PATH } from "./readiness-route.js";

/** The fixed set of route labels of the HTTP metrics: never the raw path. */
export type HttpRoute = "graphql" | "notify" | "healthz" | "readyz" | "metrics" | "health" | "other";

const ROUTES = new Map<string, HttpRoute>([
  ["/graphql", "graphql"],
  ...NOTIFY_PATHS.map((path): [string, HttpRoute] => [path, "notify"]),
  [HEALTHZ_PATH, "healthz"],
  [READYZ_PATH, "readyz"],
  [METRICS_PATH, "metrics"],
  // Yoga's own health check.
  ["/health", "health"],
]);

/** The route of a request target (path, with or without a query): one of a few fixed values, whatever is sent. */
export function routeOf(target: string | undefined): HttpRoute {
  const path = (target ?? "/").split("?", 1)[0]!;
  const trimmed = path.length > 1 ? path.replace(/\/+$/, "") : path;
  return ROUTES.get(trimmed) ?? "other";
}
