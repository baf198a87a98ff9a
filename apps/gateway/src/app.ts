// The composition root: builds each part of the gateway, in the order the data flows, and nothing else.
// Where each part lives and how they connect: docs/architecture.md.

import type { BuildAppOptions, GatewayApp, RunningGateway } from "./app-api.js";
import { loadAccess } from "./auth/access.js";
import { createBindingCommands } from "./bindings/binding-commands.js";
import { startBindingUpkeep } from "./bindings/binding-upkeep.js";
import { createCallEventFeed } from "./calls/call-event-feed.js";
import { openMigratedDatabase } from "./database/open-migrated-database.js";
import type { GatewayServices } from "./graphql/context.js";
import { useAuthentication } from "./http/authentication.js";
import { attachGraphQLWebSocket } from "./http/graphql-websocket.js";
import { listenHttp } from "./http/http-server.js";
import { createOriginPolicy } from "./http/origin-policy.js";
import { createGatewayYoga } from "./http/yoga.js";
import { useNotifyRoute } from "./ingest/notify-route.js";
import { createNotifyVerification } from "./ingest/notify-verifier.js";
import { publishStoredPush } from "./ingest/publish-stored-push.js";
import { rememberServedVirtualNumbers } from "./numbers/virtual-number.repository.js";
import { createPlatformLink } from "./platform/platform-link.js";
import { createGatewayPubSub } from "./pubsub/pubsub.js";
import type { GatewayConfig } from "./shared/config.js";
import { createLogger, type Logger } from "./shared/logger.js";
import { sampledLog } from "./shared/sampled-log.js";
import { createShutdownStack } from "./shared/shutdown-stack.js";

export type { BuildAppOptions, GatewayApp, RunningGateway } from "./app-api.js";

/** Assemble the gateway from its configuration. Nothing runs until `start()`. */
export function buildApp(config: GatewayConfig, options: BuildAppOptions = {}): GatewayApp {
  const logger = options.logger ?? createLogger({ level: config.logLevel });
  let current: Promise<RunningGateway> | undefined;
  return {
    logger,
    start() {
      current ??= startGateway(config, options, logger).catch((error: unknown) => {
        current = undefined;
        throw error;
      });
      return current;
    },
    async stop() {
      const running = current;
      current = undefined;
      await running?.then(
        (gateway) => gateway.stop(),
        () => {},
      );
    },
  };
}

async function startGateway(
  config: GatewayConfig,
  options: BuildAppOptions,
  logger: Logger,
): Promise<RunningGateway> {
  const open = createShutdownStack();
  try {
    // Both ports first, so that a taken one fails the start before the database is created or migrated.
    const http = await listenHttp(config.host, config.port);
    open.defer(() => http.close());
    const platform = createPlatformLink(config, options, logger);
    await platform.checkPort();
    const { authenticator, devKeys, graphiqlAuthorization } = await loadAccess(config);
    const database = await openMigratedDatabase(config.database, logger);
    open.defer(() => database.close());

    const { db } = database;
    const now = options.now ?? platform.now;
    const pubsub = createGatewayPubSub();
    const feed = createCallEventFeed({
      db,
      logger: logger.child({ component: "feed" }),
      ...(options.feedPollIntervalMs !== undefined ? { pollIntervalMs: options.feedPollIntervalMs } : {}),
    });
    open.defer(() => feed.stop());
    // Requests in flight (and subscriptions over HTTP) end before the feed and the database close.
    open.defer(() => http.close());
    const bindingsLogger = logger.child({ component: "bindings" });
    const platformClient = platform.client;
    const bindings = createBindingCommands({
      db,
      pubsub,
      now,
      logger: bindingsLogger,
      platform: platformClient,
    });
    const services: GatewayServices = { db, feed, pubsub, bindings, now, logger, platform: platformClient };

    const verification = createNotifyVerification({
      db,
      platform: config.platform,
      enabled: config.notifyVerify,
      purgeIntervalMs: options.noncePurgeIntervalMs ?? 60_000,
      logger,
    });
    open.defer(verification.stop);
    const notifyRoute = useNotifyRoute({
      db,
      verifier: verification.verifier,
      logger: logger.child({ component: "notify" }),
      onStored: (push) => publishStoredPush(push, { feed, pubsub }),
    });
    const origins = createOriginPolicy(config.auth.corsOrigins);
    // The counts of log lines left out by sampling are written at the latest when the gateway stops.
    open.defer(() => sampledLog(logger).flush());
    const yoga = createGatewayYoga({
      services,
      logger,
      routes: [notifyRoute],
      authentication: useAuthentication(authenticator, logger),
      origins,
      production: config.production,
      limits: config.limits.graphql,
      graphiqlAuthorization,
    });
    const webSocket = attachGraphQLWebSocket({ server: http.server, yoga, authenticator, origins, logger });
    open.defer(() => webSocket.close());
    http.serve(yoga);

    await feed.start();
    // The embedded simulator starts once pushes can be stored: a restarted one delivers at once what fell due.
    open.defer(() => platform.stop());
    await platform.start(`${http.url}/notify`);
    await rememberServedVirtualNumbers(db, platform.servedVirtualNumbers(), now());

    open.defer(startBindingUpkeep(bindings, options.expirySweepIntervalMs ?? 15_000, bindingsLogger));

    const simulator = platform.simulator();
    const { url } = http;
    const started = { url, database: config.database.kind, platform: config.platform.kind };
    logger.info({ ...started, simulatorUrl: simulator?.url }, "gateway started");
    return Object.freeze({
      url,
      graphqlUrl: `${url}/graphql`,
      simulatorUrl: simulator?.url,
      yoga,
      services,
      simulator,
      devKeys,
      databaseQueryCount: database.queryCount,
      stop: () => open.close(),
    });
  } catch (error) {
    await open
      .close()
      .catch((closeError: unknown) => logger.warn({ err: closeError }, "cleanup after a failed start"));
    throw error;
  }
}
