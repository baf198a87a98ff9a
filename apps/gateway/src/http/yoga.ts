import { createYoga, type Plugin, type YogaServerInstance } from "graphql-yoga";
import type { Caller } from "../auth/caller.js";
import type { GatewayContext, GatewayServices } from "../graphql/context.js";
import { errorKind, errorLogRecord } from "../graphql/error-log-record.js";
import { createExecutionScopes } from "../graphql/execution-scope.js";
import { schema } from "../graphql/schema.js";
import { DEFAULT_LIMITS, type LimitsConfig } from "../shared/config.js";
import { logExcerpt } from "../shared/log-excerpt.js";
import type { Logger } from "../shared/logger.js";
import { sampledLog } from "../shared/sampled-log.js";
import type { HttpAuthentication } from "./authentication.js";
import { useCredentialExpiry } from "./credential-expiry.js";
import { useCsrfPrevention } from "./csrf-prevention.js";
import { useDeepDocumentGuard } from "./deep-document-guard.js";
import { graphiqlOptions, renderOfflineGraphiQL } from "./graphiql.js";
import { useHiddenSuggestions } from "./hidden-suggestions.js";
import { useIntrospectionPolicy } from "./introspection-policy.js";
import type { OriginPolicy } from "./origin-policy.js";
import { useQueryCost } from "./query-cost.js";
import { useQueryJit } from "./query-jit.js";
import { useQueryLimits } from "./query-limits.js";
import { MAX_GRAPHQL_BODY_BYTES, useRequestSizeLimit } from "./request-size-limit.js";
import { useSharedSubscriptionEvents } from "./shared-subscription-events.js";

/** The gateway's Yoga instance: GraphQL over HTTP (and, through graphql-websocket.ts, over WebSocket). */
export type GatewayYoga = YogaServerInstance<ServerContext, GatewayContext>;

/** What reaches the context besides the request: over WebSocket, the caller authenticated at `connection_init`. */
export interface ServerContext {
  caller?: Caller;
}

/** What {@link createGatewayYoga} needs. */
export interface GatewayYogaOptions {
  services: GatewayServices;
  logger: Logger;
  /** Routes served beside /graphql (the webhook), as Yoga plugins. */
  routes: Plugin[];
  /** Who may run operations over HTTP. */
  authentication: HttpAuthentication;
  /** Which browser pages may call the gateway. */
  origins: OriginPolicy;
  /** `NODE_ENV=production`: no introspection for viewers, no field suggestions. */
  production: boolean;
  /** What one document may cost (`config.limits.graphql`). @default DEFAULT_LIMITS.graphql */
  limits?: LimitsConfig["graphql"];
  /** The `Authorization` value GraphiQL sends (a development key on a loopback host); undefined: none. */
  graphiqlAuthorization?: string | undefined;
  /** Records each operation and error (src/ops/graphql-metrics.ts); none when undefined. */
  metrics?: Plugin | undefined;
  /**
   * Where the GraphQL body limit is kept: `plugin` (useRequestSizeLimit) or `yoga` (Yoga's own
   * `maxRequestBodySize`). Only scripts/compare-request-cpu.ts sets it, to measure one against the other.
   * @default "plugin"
   */
  bodyLimit?: "plugin" | "yoga";
  /**
   * What runs queries: a plugin, or null for graphql-js alone. Only scripts/compare-request-cpu.ts sets it.
   * @default useQueryJit
   */
  queryExecution?: Plugin | null;
}

/** Yoga set up for the gateway: schema, error masking, offline GraphiQL, logging and request limits. */
export function createGatewayYoga({
  services,
  logger,
  routes,
  authentication,
  origins,
  production,
  limits = DEFAULT_LIMITS.graphql,
  graphiqlAuthorization,
  metrics,
  bodyLimit = "plugin",
  queryExecution,
}: GatewayYogaOptions): GatewayYoga {
  // Errors are logged bounded (an excerpt of the query, never variables) and sampled per kind.
  const log = sampledLog(logger);
  // Queries run compiled (graphql-jit); mutations and subscriptions stay on graphql-js.
  const execution =
    queryExecution === undefined
      ? useQueryJit({
          onCompileError: (errors, query) =>
            log.write(
              "warn",
              "graphql-jit",
              { errors: errors.slice(0, 5).map((e) => logExcerpt(e.message)), query: logExcerpt(query) },
              "graphql-jit could not compile a query",
            ),
        })
      : queryExecution;
  return createYoga<ServerContext, GatewayContext>({
    schema,
    graphqlEndpoint: "/graphql",
    maskedErrors: true,
    landingPage: false,
    graphiql: graphiqlOptions(graphiqlAuthorization),
    cors: (request) => origins.cors(request),
    renderGraphiQL: renderOfflineGraphiQL,
    // The body limit is useRequestSizeLimit's (below): Yoga's own costs CPU on every request
    // (docs/performance-notes.md).
    maxRequestBodySize: bodyLimit === "yoga" ? MAX_GRAPHQL_BODY_BYTES : false,
    logging: {
      // Yoga logs a few debug lines per request: build them only when they are written.
      debug: (...args) => {
        if (logger.isLevelEnabled("debug")) logger.debug({ yoga: logExcerpt(args.map(String).join(" ")) });
      },
      info: (...args) => logger.info({ yoga: logExcerpt(args.map(String).join(" ")) }),
      warn: (...args) => log.write("warn", "yoga", { yoga: logExcerpt(args.map(String).join(" ")) }, "yoga"),
      // Masked (unexpected) errors: one line each, bounded, sampled per kind.
      error: (...args) => {
        const error = args.find((a) => a instanceof Error);
        if (error) log.write("error", errorKind(error), { error: errorLogRecord(error) }, "request failed");
        else log.write("error", "yoga", { yoga: logExcerpt(args.map(String).join(" ")) }, "yoga");
      },
    },
    context: ({ request, caller }): GatewayContext => ({
      services,
      caller: caller ?? authentication.callerOf(request),
      execution: createExecutionScopes({
        db: services.db,
        now: services.now,
        maxPlatformCalls: services.maxPlatformCallsPerExecution,
      }),
    }),
    plugins: [
      // Refusals first: a form post, then a request without credentials, learns nothing more.
      useCsrfPrevention(),
      authentication.plugin,
      ...(bodyLimit === "plugin"
        ? [useRequestSizeLimit({ path: "/graphql", maxBytes: MAX_GRAPHQL_BODY_BYTES })]
        : []),
      // Documents too large, deep, wide or costly are refused while parsed and validated, before anything runs.
      ...useQueryLimits({ limits, logger }),
      useDeepDocumentGuard(),
      useQueryCost({ maxCost: limits.maxCost, logger }),
      ...(execution ? [execution] : []),
      useIntrospectionPolicy({ production }),
      ...(production ? [useHiddenSuggestions()] : []),
      useCredentialExpiry(),
      // `callEvents` fields resolve from the event and the caller's role alone: one execution per event and
      // role serves every subscriber.
      useSharedSubscriptionEvents({
        fields: ["callEvents"],
        partitionBy: (context) => (context as GatewayContext).caller.role,
      }),
      ...(metrics ? [metrics] : []),
      ...routes,
    ],
  });
}
