// The composition root: builds each part of the gateway, in the order the data flows, and nothing else.
// Where each part lives and how they connect: docs/architecture.md.
import type { Simulator } from "@privnum/axe-simulator";
import { createBindingCommands } from "./bindings/binding-commands.js";
import { startPlatformCheck } from "./bindings/platform-check.js";
import { createCallEventFeed } from "./calls/call-event-feed.js";
import { openMigratedDatabase } from "./database/open-migrated-database.js";
import type { GatewayServices } from "./graphql/context.js";
import { attachGraphQLWebSocket } from "./http/graphql-websocket.js";
import { listenHttp } from "./http/http-server.js";
import { createGatewayYoga, type GatewayYoga } from "./http/yoga.js";
import { useNotifyRoute } from "./ingest/notify-route.js";
import { createNotifyVerification } from "./ingest/notify-verifier.js";
import { publishStoredPush } from "./ingest/publish-stored-push.js";
import { rememberServedVirtualNumbers } from "./numbers/virtual-number.repository.js";
import { createPlatformLink, type PlatformLinkOptions } from "./platform/platform-link.js";
import { createGatewayPubSub } from "./pubsub/pubsub.js";
import type { GatewayConfig } from "./shared/config.js";
import { createLogger, type Logger } from "./shared/logger.js";
import { repeatEvery } from "./shared/repeat.js";
import { createShutdownStack } from "./shared/shutdown-stack.js";

/** Options beyond the environment, for tests, scripts and embedding. */
export interface BuildAppOptions extends PlatformLinkOptions {
  /** Logger. @default a pino logger at `config.logLevel` writing to stdout */
  logger?: Logger;
  /** Clock of binding lifetimes and mirror timestamps. @default the embedded simulator's clock, or the wall clock */
  now?: () => Date;
  /** How often to look for call events stored by other instances, in ms. @default 1000 */
  feedPollIntervalMs?: number;
  /** How often to look for bindings that lapsed, in ms (0 = never; call `services.bindings.sweepExpired`). @default 15000 */
  expirySweepIntervalMs?: number;
  /** How often to purge expired nonces, in ms. @default 60000 */
  noncePurgeIntervalMs?: number;
}

/** A started gateway. Immutable; `stop` is safe to call more than once. */
export interface RunningGateway {
  /** Base URL, e.g. `http://127.0.0.1:4000`. */
  readonly url: string;
  /** The GraphQL endpoint (HTTP; the same path serves WebSocket). */
  readonly graphqlUrl: string;
  /** The embedded simulator's URL; undefined with a remote platform. */
  readonly simulatorUrl: string | undefined;
  /** The Yoga instance, for in-process requests (`yoga.fetch`). */
  readonly yoga: GatewayYoga;
  readonly services: GatewayServices;
  /** The embedded simulator; undefined with a remote platform. */
  readonly simulator: Simulator | undefined;
  /** Stop listening (closing WebSockets), stop the simulator, close the database. */
  stop(): Promise<void>;
}

/** A gateway ready to start. */
export interface GatewayApp {
  /** Bind the ports, open and migrate the database, start the platform link and serve. */
  start(): Promise<RunningGateway>;
  /** Stop what `start` started (waiting for a start in progress). Safe to call at any time, and twice. */
  stop(): Promise<void>;
  readonly logger: Logger;
}

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
    const bindings = createBindingCommands({
      db,
      pubsub,
      now,
      logger: bindingsLogger,
      platform: platform.client,
    });
    const services: GatewayServices = { db, feed, pubsub, bindings, now, logger, platform: platform.client };

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
    const yoga = createGatewayYoga({ services, logger, routes: [notifyRoute] });
    const webSocket = attachGraphQLWebSocket(http.server, yoga);
    open.defer(() => webSocket.close());
    http.serve(yoga);

    await feed.start();
    // The embedded simulator starts once pushes can be stored: a restarted one delivers at once what fell due.
    open.defer(() => platform.stop());
    await platform.start(`${http.url}/notify`);
    await rememberServedVirtualNumbers(db, platform.servedVirtualNumbers(), now());

    const sweepMs = options.expirySweepIntervalMs ?? 15_000;
    if (sweepMs > 0) {
      open.defer(
        repeatEvery(sweepMs, bindings.sweepExpired, (error) =>
          logger.warn({ err: error }, "expiry sweep failed"),
        ),
      );
    }
    // Bindings lost on the platform behind the mirror's back (docs/axe-platform.md §7): found in the background.
    const platformCheck = startPlatformCheck(bindings.checkAgainstPlatform, bindingsLogger);
    open.defer(() => platformCheck.stop());

    const simulator = platform.simulator();
    logger.info(
      {
        url: http.url,
        database: config.database.kind,
        platform: config.platform.kind,
        simulatorUrl: simulator?.url,
      },
      "gateway started",
    );
    return Object.freeze({
      url: http.url,
      graphqlUrl: `${http.url}/graphql`,
      simulatorUrl: simulator?.url,
      yoga,
      services,
      simulator,
      stop: () => open.close(),
    });
  } catch (error) {
    await open
      .close()
      .catch((closeError: unknown) => logger.warn({ err: closeError }, "cleanup after a failed start"));
    throw error;
  }
}
