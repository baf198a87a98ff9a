import type { IncomingMessage, ServerResponse } from "node:http";
import { NOTIFY_PATHS } from "../ingest/notify-handler.js";
import { HEALTHZ_PATH } from "./health-route.js";
import type { GatewayMetrics, HttpRoute } from "./metrics.js";
import { METRICS_PATH } from "./metrics-route.js";
import { READYZ_PATH } from "./readiness-route.js";

type RequestHandler = (request: IncomingMessage, response: ServerResponse) => void;

const ROUTES = new Map<string, HttpRoute>([
  ["/graphql", "graphql"],
  ...NOTIFY_PATHS.map((path): [string, HttpRoute] => [path, "notify"]),
  [HEALTHZ_PATH, "healthz"],
  [READYZ_PATH, "readyz"],
  [METRICS_PATH, "metrics"],
  ["/health", "health"],
]);

/** The route label of a request URL: one of a few fixed values, whatever path a client sends. */
export function routeOf(url: string | undefined): HttpRoute {
  const path = (url ?? "/").split("?", 1)[0]!;
  const trimmed = path.length > 1 ? path.replace(/\/+$/, "") : path;
  return ROUTES.get(trimmed) ?? "other";
}

/**
 * Wrap the server's request handler so that every HTTP request is measured from its arrival until its answer
 * was sent (or its connection closed first), whatever plugin or route answered it. Measured on Node's own
 * request and response, outside Yoga, so that answers ended early (the webhook, a 413) count too.
 */
export function observeHttpRequests(handler: RequestHandler, metrics: GatewayMetrics): RequestHandler {
  return (request, response) => {
    const started = performance.now();
    response.once("close", () => {
      metrics.observeHttp(
        request.method ?? "",
        routeOf(request.url),
        response.writableFinished ? response.statusCode : undefined,
        (performance.now() - started) / 1000,
      );
    });
    handler(request, response);
  };
}
