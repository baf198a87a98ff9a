// The composition root: builds each part of the gateway, in the order the data flows, and nothing else.
// Where each part lives and how they connect: docs/architecture.md.

import { join } from "node:path";
import { consoleDir } from "@privnum/console";
import type { BuildAppOptions, GatewayApp, RunningGateway } from "./app-api.js";
import { loadAccess } from "./auth/access.js";
import { createBindingCommands } from "./bindings/binding-commands.js";
import { createBindingReconciler } from "./bindings/binding-reconcile.js";
import { startBindingUpkeep } from "./bindings/binding-upkeep.js";
import { createCallEventFeed } from "./calls/call-event-feed.js";
import { createRecordingUrlCache } from "./calls/recording-url-cache.js";
import { createChangeFeed } from "./changes/change-feed.js";
import { loadConsoleBundle } from "./console/console-bundle.js";
import { CONSOLE_PATH, useConsoleRoute } from "./console/console-route.js";
import { loadGatewaySecret } from "./database/gateway-secrets.js";
import { openMigratedDatabase } from "./database/open-migrated-database.js";
import { CALL_RECORD_EXPORT_PATHS, useCallRecordExport } from "./exports/call-record-export.route.js";
import { createFanOut } from "./fanout/create-fan-out.js";
import { gatewayApplicationName, warnAboutInstancesWithoutBroker } from "./fanout/instance-census.js";
import type { GatewayServices } from "./graphql/context.js";
import { logRefusal, useAuthentication } from "./http/authentication.js";
import { createBodyPolicy } from "./http/body-policy.js";
import { attachGraphQLWebSocket } from "./http/graphql-websocket.js";
import { guardRequestBodies, listenHttp, withResponseHeaders } from "./http/http-server.js";
import { createOriginPolicy } from "./http/origin-policy.js";
import { graphqlBodyRoute } from "./http/request-size-limit.js";
import { createGatewayYoga } from "./http/yoga.js";
import { NOTIFY_PATHS } from "./ingest/notify-handler.js";
import { publishStoredPush } from "./ingest/publish-stored-push.js";
import { createRefusalStore } from "./ingest/refusal-store.js";
import { createWebhook } from "./ingest/webhook.js";
import { rememberServedVirtualNumbers } from "./numbers/virtual-number.repository.js";
import { createOperations } from "./ops/operations.js";
import { createPlatformLink } from "./platform/platform-link.js";
import { createDirectoryStorage } from "./recordings/directory-storage.js";
import { createRecordingAccess } from "./recordings/recording-access.js";
import { createRecordingArchiver } from "./recordings/recording-archiver.js";
import { hasRecording } from "./recordings/recording-eligibility.js";
import { createRecordingLinks } from "./recordings/recording-links.js";
import { startRecordingRetention } from "./recordings/recording-retention.js";
import { useRecordingRoute } from "./recordings/recording-route.js";
import { createStorageHealth } from "./recordings/storage-health.js";
import type { GatewayConfig } from "./shared/config.js";
import { createLogger, type Logger } from "./shared/logger.js";
import { sampledLog } from "./shared/sampled-log.js";
import { createShutdownStack } from "./shared/shutdown-stack.js";
import { createReplayGate, replayConcurrencyFor } from "./stream/replay-gate.js";

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
  const open = createShutdownStack(
    options.shutdownStepTimeoutMs !== undefined ? { stepTimeoutMs: options.shutdownStepTimeoutMs } : {},
  );
  try {
    // Both ports first, so that a taken one fails the start before the database is created or migrated.
    const http = await listenHttp(config.host, config.port, logger);
    open.defer(() => http.close(), "the HTTP server");
    const platform = createPlatformLink(config, options, logger);
    await platform.checkPort();
    const { authenticator, devKeys, graphiqlAuthorization } = await loadAccess(config);
    const applicationName = gatewayApplicationName();
    const database = await openMigratedDatabase(config.database, logger, {
      applicationName,
      ...options.database,
    });
    open.defer(() => database.close(), "the database");
    if (config.database.kind === "postgres" && !config.redis) {
      await warnAboutInstancesWithoutBroker(database.db, applicationName, logger);
    }
    const fanOut = createFanOut(config.redis, {
      logger,
      pollIntervalMs: options.feedPollIntervalMs,
      degradedPollIntervalMs: options.degradedFeedPollIntervalMs,
    });
    const recordingHealth = createStorageHealth();
    const operations = createOperations({
      host: config.host,
      metricsToken: config.metricsToken,
      authenticator,
      database,
      notifyPaths: NOTIFY_PATHS,
      exportPaths: CALL_RECORD_EXPORT_PATHS,
      checks: [
        ...(fanOut.readiness ? [fanOut.readiness] : []),
        ...(config.recordings.archive ? [recordingHealth.readiness] : []),
      ],
    });
    const { metrics } = operations;
    metrics.watchFanOut(fanOut.counts);

    const { db } = database;
    const now = options.now ?? platform.now;
    open.defer(() => fanOut.stop(), "the fan-out");
    await fanOut.start();
    const feed = createCallEventFeed({
      db,
      logger: logger.child({ component: "feed" }),
      onHandedOff: metrics.observeHandedOff,
      pollIntervalMs: fanOut.pollIntervalMs,
    });
    open.defer(() => feed.stop(), "the call-event feed");
    const changes = createChangeFeed({
      db,
      logger: logger.child({ component: "changes" }),
      pollIntervalMs: fanOut.pollIntervalMs,
    });
    open.defer(() => changes.stop(), "the change feed");
    fanOut.onCommitted(() => {
      feed.wake();
      changes.wake();
    });
    // Requests in flight (and subscriptions over HTTP) end before the feed and the database close.
    open.defer(() => http.close(), "the HTTP server");
    const bindingsLogger = logger.child({ component: "bindings" });
    const platformClient = platform.client;
    const bindings = createBindingCommands({
      db,
      onCommitted: () => fanOut.committed(),
      now,
      logger: bindingsLogger,
      platform: platformClient,
    });
    const reconciler = createBindingReconciler({
      db,
      onCommitted: () => fanOut.committed(),
      now,
      logger: bindingsLogger,
      platform: platformClient,
    });
    const recordingStorage =
      options.recordingStorage ??
      createDirectoryStorage(config.recordings.dir ?? join(config.dataDir, "recordings"));
    const archiver = config.recordings.archive
      ? createRecordingArchiver({
          ...options.recordingArchive,
          db,
          storage: recordingStorage,
          health: recordingHealth,
          platform: platformClient,
          logger: logger.child({ component: "recordings" }),
          worker: applicationName,
          maxBytes: config.recordings.maxBytes,
          onAttempt: metrics.observeRecordingAttempt,
        })
      : undefined;
    const replays = createReplayGate({
      concurrency: replayConcurrencyFor(database.kind),
      maxEvents: config.limits.subscriptions.maxReplayEvents,
    });
    const services: GatewayServices = {
      db,
      feed,
      changes,
      replays,
      bindings,
      reconciler,
      now,
      logger,
      platform: platformClient,
      recordingUrls: createRecordingUrlCache({ platform: platformClient, now }),
      maxPlatformCallsPerExecution: config.limits.graphql.maxPlatformCalls,
      recordingStorage,
      recordingLinks: createRecordingLinks({
        secret: await loadGatewaySecret(db, "recording-links"),
        ttlSeconds: config.recordings.linkTtlSeconds,
      }),
      archiver,
    };

    const refusalStore = createRefusalStore(config.redis, {
      refusals: config.limits.notify.refusalsPerMinute,
      logger,
    });
    open.defer(() => refusalStore.stop(), "the shared refusal counts");
    await refusalStore.start();
    const webhook = createWebhook({
      db,
      config,
      logger,
      noncePurgeIntervalMs: options.noncePurgeIntervalMs,
      timeoutMs: options.notifyTimeoutMs,
      refusalStore: refusalStore.store,
      onRefused: metrics.observeNotifyRefusal,
      onStored: (push) => {
        metrics.observeStoredPush(push);
        publishStoredPush(push, fanOut);
        if (push.records.some(hasRecording)) archiver?.wake();
      },
    });
    open.defer(webhook.stop, "the nonce purge");
    const origins = createOriginPolicy(config.auth.corsOrigins);
    // The counts of log lines left out by sampling are written at the latest when the gateway stops.
    open.defer(() => sampledLog(logger).flush());
    const recordingRoute = useRecordingRoute({
      db,
      storage: recordingStorage,
      access: createRecordingAccess({
        links: services.recordingLinks,
        authenticator,
        onRefusal: (error) => logRefusal(logger, error),
      }),
      logger,
    });
    const consoleBundle = config.console.enabled
      ? await loadConsoleBundle(config.console.dir ?? consoleDir)
      : undefined;
    if (consoleBundle && !consoleBundle.available) {
      logger.warn({ consoleDir: consoleBundle.dir }, `the console is not served: ${consoleBundle.reason}`);
    }
    const yoga = createGatewayYoga({
      services,
      logger,
      routes: [
        webhook.route,
        ...operations.routes,
        recordingRoute,
        ...(consoleBundle ? [useConsoleRoute(consoleBundle)] : []),
        ...useCallRecordExport({
          db,
          authenticator,
          logger,
          pageSize: options.exportPageSize,
          onRefusal: (error) => logRefusal(logger, error),
        }),
      ],
      authentication: useAuthentication(authenticator, logger),
      origins,
      production: config.production,
      limits: config.limits.graphql,
      graphiqlAuthorization,
      metrics: operations.graphqlMetrics,
    });
    // The feeds start before anyone can subscribe: a resume replays up to its feed's position.
    await feed.start();
    await changes.start();
    const webSocket = attachGraphQLWebSocket({
      server: http.server,
      yoga,
      authenticator,
      origins,
      logger,
      maxSockets: config.limits.subscriptions.maxSockets,
      maxSubscriptionsPerSocket: config.limits.subscriptions.maxPerSocket,
      ...(options.webSocketKeepAliveMs !== undefined ? { keepAliveMs: options.webSocketKeepAliveMs } : {}),
    });
    open.defer(() => webSocket.close(), "the WebSocket server");
    metrics.watchWebSocket(webSocket);
    const bodyPolicy = createBodyPolicy([webhook.bodyRoute, graphqlBodyRoute("/graphql")], (error) =>
      logger.warn({ err: error }, "checking a request's admission failed (the request was let in)"),
    );
    http.serve(
      withResponseHeaders(
        options.responseHeaders,
        operations.observeHttpRequests(guardRequestBodies(webhook.serveHttp(yoga), bodyPolicy)),
      ),
    );
    // The embedded simulator starts once pushes can be stored: a restarted one delivers at once what fell due.
    open.defer(() => platform.stop(), "the platform link");
    await platform.start(`${http.url}/notify`);
    await rememberServedVirtualNumbers(db, platform.servedVirtualNumbers(), now());

    open.defer(
      startBindingUpkeep(
        bindings,
        reconciler,
        {
          sweepMs: options.expirySweepIntervalMs ?? 15_000,
          reconcileMs: options.reconcileIntervalMs ?? config.reconcileIntervalMinutes * 60_000,
        },
        bindingsLogger,
      ),
      "the binding upkeep",
    );
    open.defer(webhook.startRetention(), "the notification retention");
    if (archiver) {
      await recordingStorage.probe().catch((error: unknown) => {
        recordingHealth.failed((error as Error).message);
        logger.warn({ err: error }, "the recordings storage cannot write: recordings wait until it can");
      });
      archiver.start();
      open.defer(() => archiver.stop(), "the recording archiver");
    }
    if (config.recordings.retentionDays !== undefined) {
      open.defer(
        startRecordingRetention({
          db,
          storage: recordingStorage,
          retentionDays: config.recordings.retentionDays,
          logger: logger.child({ component: "recordings" }),
          onDeleted: metrics.countRecordingsDeleted,
          ...options.recordingRetention,
        }),
        "the recording retention",
      );
    }

    const simulator = platform.simulator();
    const { url } = http;
    const started = {
      url,
      database: config.database.kind,
      platform: config.platform.kind,
      fanOut: fanOut.kind,
    };
    logger.info({ ...started, simulatorUrl: simulator?.url }, "gateway started");
    return Object.freeze({
      url,
      graphqlUrl: `${url}/graphql`,
      simulatorUrl: simulator?.url,
      yoga,
      services,
      simulator,
      fanOut: fanOut.kind,
      recordingArchive: archiver ? recordingStorage.description : undefined,
      console: !consoleBundle
        ? { unavailable: "CONSOLE_ENABLED=false" }
        : consoleBundle.available
          ? { url: `${url}${CONSOLE_PATH}` }
          : { unavailable: `${consoleBundle.reason}; run \`pnpm build\`` },
      devKeys,
      databaseQueryCount: database.queryCount,
      webSocket,
      stop: () => open.close(),
    });
  } catch (error) {
    await open
      .close()
      .catch((closeError: unknown) => logger.warn({ err: closeError }, "cleanup after a failed start"));
    throw error;
  }
}
