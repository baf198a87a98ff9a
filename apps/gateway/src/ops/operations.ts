import type { Plugin } from "graphql-yoga";
import type { Authenticator } from "../auth/authenticator.js";
import type { DatabaseHandle } from "../database/database.js";
import { databaseReadiness } from "./database-readiness.js";
import { useGraphQLMetrics } from "./graphql-metrics.js";
import { useHealthRoute } from "./health-route.js";
import { observeHttpRequests, type RequestHandler } from "./http-metrics.js";
import { createRouteOf } from "./http-route.js";
import { createGatewayMetrics, type GatewayMetrics } from "./metrics.js";
import { createMetricsAccess } from "./metrics-access.js";
import { useMetricsRoute } from "./metrics-route.js";
import { createReadiness, type ReadinessCheck } from "./readiness.js";
import { useReadinessRoute } from "./readiness-route.js";

/** What {@link createOperations} needs. */
export interface OperationsOptions {
  /** `HOST`: `/metrics` is open on a loopback address. */
  host: string;
  /** `METRICS_TOKEN`. */
  metricsToken: string | undefined;
  /** Checks an admin's credentials for `/metrics`. */
  authenticator: Authenticator;
  /** The open, migrated database: readiness looks at it, the metrics read its pool and statement count. */
  database: DatabaseHandle;
  /** The webhook's paths, counted as the `notify` route. */
  notifyPaths: readonly string[];
  /** The export's paths, counted as the `exports` route. */
  exportPaths?: readonly string[];
  /** Checks of `/readyz` besides the database's (the fan-out's broker …). */
  checks?: readonly ReadinessCheck[];
}

/** The operations side of a gateway, for app.ts to wire in. */
export interface Operations {
  /** This gateway's metrics (observers for the feed, the webhook, HTTP and WebSocket). */
  metrics: GatewayMetrics;
  /** `/healthz`, `/readyz` and `/metrics`, as Yoga plugins. */
  routes: Plugin[];
  /** The Yoga plugin recording GraphQL operations and errors. */
  graphqlMetrics: Plugin;
  /** Wrap the server's handler so that every HTTP request is measured. */
  observeHttpRequests(handler: RequestHandler): RequestHandler;
}

/** Build the probes and the metrics of one gateway. */
export function createOperations(options: OperationsOptions): Operations {
  const metrics = createGatewayMetrics(options.database);
  const readiness = createReadiness({
    checks: [databaseReadiness(options.database.db), ...(options.checks ?? [])],
  });
  const access = createMetricsAccess(options);
  const routeOf = createRouteOf(options.notifyPaths, options.exportPaths);
  return {
    metrics,
    routes: [useHealthRoute(), useReadinessRoute(readiness), useMetricsRoute({ metrics, access })],
    graphqlMetrics: useGraphQLMetrics(metrics),
    observeHttpRequests: (handler) => observeHttpRequests(handler, metrics, routeOf),
  };
}
