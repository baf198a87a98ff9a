import type { Plugin } from "graphql-yoga";
import type { RouteOf } from "./http-route.js";
import type { GatewayMetrics } from "./metrics.js";

/**
 * Counts the pushes `/notify` refuses, from the status of its answer, seen from outside the webhook's handler
 * (accepted and duplicate pushes are counted where they are stored: the `onStored` callback). Yoga runs
 * `onResponse` for answers ended early too, which is how the webhook answers, over HTTP and in-process alike.
 */
export function useNotifyRefusalMetrics(metrics: GatewayMetrics, routeOf: RouteOf): Plugin {
  return {
    onResponse({ request, response }) {
      if (response.status >= 200 && response.status < 300) return;
      if (routeOf(new URL(request.url).pathname) === "notify") metrics.observeNotifyRefusal(response.status);
    },
  };
}
