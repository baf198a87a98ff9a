import type { IncomingMessage, ServerResponse } from "node:http";
import type { RouteOf } from "./http-route.js";
import type { GatewayMetrics } from "./metrics.js";

/** A Node request handler (what `http.createServer` takes; Yoga is one). */
export type RequestHandler = (request: IncomingMessage, response: ServerResponse) => void;

/**
 * Wrap the server's request handler so that every HTTP request is measured from its arrival until its answer
 * was sent (or its connection closed first), whatever plugin or route answered it. Measured on Node's own
 * request and response, outside Yoga, so that answers ended early (the webhook, a 413) count too.
 */
export function observeHttpRequests(
  handler: RequestHandler,
  metrics: GatewayMetrics,
  routeOf: RouteOf,
): RequestHandler {
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
