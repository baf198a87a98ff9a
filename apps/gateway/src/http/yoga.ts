import { createYoga, type Plugin, type YogaServerInstance } from "graphql-yoga";
import type { GatewayContext, GatewayServices } from "../graphql/context.js";
import { schema } from "../graphql/schema.js";
import type { Logger } from "../shared/logger.js";
import { GRAPHIQL_DEFAULT_QUERY, renderOfflineGraphiQL } from "./graphiql.js";
import { useQueryJit } from "./query-jit.js";
import { useRequestSizeLimit } from "./request-size-limit.js";
import { useSharedSubscriptionEvents } from "./shared-subscription-events.js";

/** The gateway's Yoga instance: GraphQL over HTTP (and, through graphql-websocket.ts, over WebSocket). */
export type GatewayYoga = YogaServerInstance<Record<string, unknown>, GatewayContext>;

/** What {@link createGatewayYoga} needs. */
export interface GatewayYogaOptions {
  services: GatewayServices;
  logger: Logger;
  /** Routes served beside /graphql (the webhook), as Yoga plugins. */
  routes: Plugin[];
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

/** Largest GraphQL request body accepted over HTTP. */
const MAX_GRAPHQL_BODY_BYTES = 256 * 1024;

/** Yoga set up for the gateway: schema, error masking, offline GraphiQL, logging and request limits. */
export function createGatewayYoga({
  services,
  logger,
  routes,
  bodyLimit = "plugin",
  queryExecution,
}: GatewayYogaOptions): GatewayYoga {
  // Queries run compiled (graphql-jit); mutations and subscriptions stay on graphql-js.
  const execution =
    queryExecution === undefined
      ? useQueryJit({
          onCompileError: (errors) =>
            logger.warn({ errors: errors.map((e) => e.message) }, "graphql-jit could not compile a query"),
        })
      : queryExecution;
  return createYoga<Record<string, unknown>, GatewayContext>({
    schema,
    graphqlEndpoint: "/graphql",
    maskedErrors: true,
    landingPage: false,
    graphiql: {
      subscriptionsProtocol: "WS",
      title: "privnum gateway",
      defaultQuery: GRAPHIQL_DEFAULT_QUERY,
    },
    renderGraphiQL: renderOfflineGraphiQL,
    // The body limit is useRequestSizeLimit's (below): Yoga's own costs CPU on every request
    // (docs/performance-notes.md).
    maxRequestBodySize: bodyLimit === "yoga" ? MAX_GRAPHQL_BODY_BYTES : false,
    logging: {
      // Yoga logs a few debug lines per request: build them only when they are written.
      debug: (...args) => {
        if (logger.isLevelEnabled("debug")) logger.debug({ yoga: args.map(String).join(" ") });
      },
      info: (...args) => logger.info({ yoga: args.map(String).join(" ") }),
      warn: (...args) => logger.warn({ yoga: args.map(String).join(" ") }),
      error: (...args) =>
        logger.error({ err: args.find((a) => a instanceof Error), yoga: args.map(String).join(" ") }),
    },
    context: (): GatewayContext => ({ services }),
    plugins: [
      ...(bodyLimit === "plugin"
        ? [useRequestSizeLimit({ path: "/graphql", maxBytes: MAX_GRAPHQL_BODY_BYTES })]
        : []),
      ...(execution ? [execution] : []),
      // `callEvents` fields resolve from the event alone: one execution per event serves every subscriber.
      useSharedSubscriptionEvents({ fields: ["callEvents"] }),
      ...routes,
    ],
  });
}
