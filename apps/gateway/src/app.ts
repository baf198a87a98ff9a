import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { type AxeClient, type AxeClientOptions, createAxeClient } from "@privnum/axe-api";
import {
  type AppConfig,
  createSimulator,
  DEFAULT_APP,
  type Simulator,
  type SimulatorConfig,
} from "@privnum/axe-simulator";
import { createVerifier } from "@privnum/wsse-auth";
import { type ExecutionArgs, GraphQLError } from "graphql";
import { useServer } from "graphql-ws/use/ws";
import { createYoga, type YogaServerInstance } from "graphql-yoga";
import type { Kysely } from "kysely";
import { WebSocketServer } from "ws";
import { type BindingCommands, createBindingCommands } from "./bindings/binding-commands.js";
import { type BackgroundPlatformCheck, startPlatformCheck } from "./bindings/platform-check.js";
import { type CallEventFeed, createCallEventFeed } from "./calls/call-event-feed.js";
import { type Database, type DatabaseHandle, migrateToLatest, openDatabase } from "./database/database.js";
import type { GatewayContext, GatewayServices } from "./graphql/context.js";
import { schema } from "./graphql/schema.js";
import { renderOfflineGraphiQL } from "./http/graphiql.js";
import { probePort } from "./http/port-probe.js";
import { useQueryJit } from "./http/query-jit.js";
import { useRequestSizeLimit } from "./http/request-size-limit.js";
import { useSharedSubscriptionEvents } from "./http/shared-subscription-events.js";
import { createDatabaseNonceStore } from "./ingest/nonce-store.js";
import { useNotifyRoute } from "./ingest/notify-route.js";
import type { StoredPush } from "./ingest/store-pushes.js";
import {
  rememberServedVirtualNumbers,
  type ServedVirtualNumber,
} from "./numbers/virtual-number.repository.js";
import { createGatewayPubSub, type GatewayPubSub } from "./pubsub/pubsub.js";
import type { GatewayConfig } from "./shared/config.js";
import { isPortInUse, MigrationError, NotStartedError, PortInUseError } from "./shared/errors.js";
import { createLogger, type Logger } from "./shared/logger.js";

const GRAPHIQL_DEFAULT_QUERY = `# privnum gateway. Try: create a binding, then watch calls on X live.
mutation Bind {
  createBinding(input: { bindNum: "+8613800000021", virtualNum: "+8617000000001" }) {
    __typename
    ... on CreateBindingPayload { binding { subscriptionId virtualNum extendNum state } }
    ... on Error { message }
  }
}

subscription Live {
  callEvents(filter: { virtualNum: "+8617000000001" }) { cursor eventType caller called stateCode }
}

query Calls {
  callSessions(first: 10) { edges { node { sessionId state scenario talkSeconds } } }
}
`;

/** Options beyond the environment, for tests, scripts and embedding. */
export interface BuildAppOptions {
  /** Logger. @default a pino logger at `config.logLevel` writing to stdout */
  logger?: Logger;
  /**
   * Clock of binding lifetimes and mirror timestamps.
   * @default the embedded simulator's virtual clock, or the wall clock with a remote platform
   */
  now?: () => Date;
  /** Extra settings for the embedded simulator (time scale, faults, seed …). @default {} */
  simulator?: Omit<SimulatorConfig, "host" | "port" | "apps"> & { apps?: AppConfig[] };
  /** Extra settings for the platform client (retry, timeout …). @default {} */
  platformClient?: Partial<Omit<AxeClientOptions, "baseUrl" | "appKey" | "appSecret" | "scheme">>;
  /** How often to look for call events stored by other instances, in ms. @default 1000 */
  feedPollIntervalMs?: number;
  /** How often to look for bindings that lapsed, in ms (0 = never; call `services.bindings.sweepExpired`). @default 15000 */
  expirySweepIntervalMs?: number;
  /** How often to purge expired nonces, in ms. @default 60000 */
  noncePurgeIntervalMs?: number;
}

/** A built gateway. */
export interface GatewayApp {
  /** Open the database, migrate, start the platform (or the embedded simulator) and listen. */
  start(): Promise<{ url: string; graphqlUrl: string; simulatorUrl: string | undefined }>;
  /** Stop listening (closing WebSockets), stop the simulator, close the database. Safe to call twice. */
  stop(): Promise<void>;
  /** Base URL, e.g. `http://127.0.0.1:4000` (after start). */
  readonly url: string;
  /** The GraphQL endpoint (HTTP; the same path serves WebSocket). */
  readonly graphqlUrl: string;
  /** The Yoga instance, for in-process requests (`yoga.fetch`) (after start). */
  readonly yoga: YogaServerInstance<Record<string, unknown>, GatewayContext>;
  /** The running services (after start). */
  readonly services: GatewayServices;
  /** The embedded simulator, when no AXE_BASE_URL is configured (after start). */
  readonly simulator: Simulator | undefined;
  readonly logger: Logger;
}

/** Assemble the gateway from its configuration. Nothing runs until `start()`. */
export function buildApp(config: GatewayConfig, options: BuildAppOptions = {}): GatewayApp {
  const logger = options.logger ?? createLogger({ level: config.logLevel });
  let handle: DatabaseHandle | undefined;
  let server: Server | undefined;
  let wsServer: WebSocketServer | undefined;
  let disposeWs: (() => Promise<void> | void) | undefined;
  let simulator: Simulator | undefined;
  let platform: AxeClient | undefined;
  let feed: CallEventFeed | undefined;
  let services: GatewayServices | undefined;
  let yoga: YogaServerInstance<Record<string, unknown>, GatewayContext> | undefined;
  let url: string | undefined;
  const timers: NodeJS.Timeout[] = [];
  let stopping: Promise<void> | undefined;
  let platformCheck: BackgroundPlatformCheck | undefined;

  const now =
    options.now ??
    (() => (simulator && config.platform.kind === "embedded-simulator" ? simulator.clock.now() : new Date()));

  async function startPlatform(gatewayUrl: string): Promise<void> {
    const p = config.platform;
    let baseUrl: string;
    if (p.kind === "embedded-simulator") {
      const { apps, ...rest } = options.simulator ?? {};
      simulator = createSimulator({
        ...(p.stateDir !== undefined ? { dataDir: p.stateDir } : {}),
        ...rest,
        host: config.host,
        port: p.port,
        apps: apps ?? [
          {
            ...DEFAULT_APP,
            appKey: p.appKey,
            appSecret: p.appSecret,
            virtualNumbers: [...DEFAULT_APP.virtualNumbers],
            notifyUrl: `${gatewayUrl}/notify`,
          },
        ],
      });
      try {
        baseUrl = (await simulator.start()).url;
      } catch (error) {
        if (isPortInUse(error))
          throw new PortInUseError(error.port ?? p.port, "SIMULATOR_PORT", { cause: error });
        throw error;
      }
    } else {
      baseUrl = p.baseUrl;
    }
    platform = createAxeClient({
      ...options.platformClient,
      baseUrl,
      appKey: p.appKey,
      appSecret: p.appSecret,
      scheme: p.scheme,
      logger: logger.child({ component: "axe-api" }),
    });
  }

  /** The configured X numbers and, in embedded mode, the simulator's own with the status it holds. */
  function servedVirtualNumbers(): ServedVirtualNumber[] {
    const configured = config.virtualNumbers.map((number) => ({ number, status: null, cause: null }));
    const embedded = (simulator?.state().apps ?? []).flatMap((a) =>
      a.virtualNumbers.map((n) => ({ number: n.number, status: n.status, cause: null })),
    );
    return [...configured, ...embedded];
  }

  function publish(pubsub: GatewayPubSub, push: StoredPush): void {
    if (push.events.length > 0) feed?.wake();
    for (const session of push.sessions) pubsub.publish("callSession", session);
    for (const record of push.records) pubsub.publish("callRecord", record);
    for (const number of push.numbers) pubsub.publish("virtualNumber", number);
  }

  function createYogaFor(db: Kysely<Database>, pubsub: GatewayPubSub) {
    const p = config.platform;
    const nonceStore = createDatabaseNonceStore(db);
    timers.push(
      setInterval(
        () =>
          void nonceStore
            .purgeExpired()
            .catch((error) => logger.warn({ err: error }, "purging nonces failed")),
        options.noncePurgeIntervalMs ?? 60_000,
      ),
    );
    const verifier = config.notifyVerify
      ? createVerifier({
          lookupSecret: (appKey) => (appKey === p.appKey ? p.appSecret : undefined),
          nonceStore,
        })
      : null;
    if (!verifier) logger.warn("NOTIFY_VERIFY=false: pushes on /notify are NOT authenticated");
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
      // The body limit is useRequestSizeLimit's (below): Yoga's own pipes every body through a counting stream.
      maxRequestBodySize: false,
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
      context: (): GatewayContext => ({ services: services! }),
      plugins: [
        useRequestSizeLimit({ path: "/graphql", maxBytes: 256 * 1024 }),
        // Queries run compiled (graphql-jit); mutations and subscriptions stay on graphql-js.
        useQueryJit({
          onCompileError: (errors) =>
            logger.warn({ errors: errors.map((e) => e.message) }, "graphql-jit could not compile a query"),
        }),
        // `callEvents` fields resolve from the event alone: one execution per event serves every subscriber.
        useSharedSubscriptionEvents({ fields: ["callEvents"] }),
        useNotifyRoute({
          db,
          verifier,
          logger: logger.child({ component: "notify" }),
          onStored: (push) => publish(pubsub, push),
        }),
      ],
    });
  }

  function listen(httpServer: Server): Promise<string> {
    return new Promise((resolve, reject) => {
      const onError = (error: Error) =>
        reject(isPortInUse(error) ? new PortInUseError(config.port, "PORT", { cause: error }) : error);
      httpServer.once("error", onError);
      httpServer.listen(config.port, config.host, () => {
        httpServer.off("error", onError);
        const address = httpServer.address() as AddressInfo;
        const host = address.family === "IPv6" ? `[${address.address}]` : address.address;
        resolve(`http://${host}:${address.port}`);
      });
    });
  }

  function attachWebSocket(httpServer: Server, y: NonNullable<typeof yoga>): void {
    // graphql-ws over the same server and path; every operation runs through Yoga's envelop so its
    // plugins (masking, parse/validate caching, context) apply exactly as over HTTP.
    wsServer = new WebSocketServer({ server: httpServer, path: y.graphqlEndpoint, maxPayload: 64 * 1024 });
    const disposable = useServer(
      {
        execute: (args) =>
          (args.rootValue as { execute: (a: ExecutionArgs) => unknown }).execute(args) as never,
        subscribe: (args) =>
          (args.rootValue as { subscribe: (a: ExecutionArgs) => unknown }).subscribe(args) as never,
        onSubscribe: async (ctx, _id, payload) => {
          const {
            schema: envelopedSchema,
            execute,
            subscribe,
            contextFactory,
            parse,
            validate,
          } = y.getEnveloped({
            ...ctx,
            req: ctx.extra.request,
            socket: ctx.extra.socket,
            params: payload,
          });
          let document: ExecutionArgs["document"];
          try {
            document = parse(payload.query);
          } catch (error) {
            // A syntax error is the client's: answer it as an error message, keep the socket open.
            if (error instanceof GraphQLError) return [error];
            throw error;
          }
          const args: ExecutionArgs = {
            schema: envelopedSchema,
            operationName: payload.operationName ?? null,
            document,
            variableValues: payload.variables ?? null,
            contextValue: await contextFactory(),
            rootValue: { execute, subscribe },
          };
          const errors = validate(args.schema, args.document);
          if (errors.length > 0) return errors;
          return args;
        },
      },
      wsServer,
    );
    disposeWs = () => disposable.dispose();
  }

  const app: GatewayApp = {
    async start() {
      if (url) return { url, graphqlUrl: `${url}/graphql`, simulatorUrl: simulator?.url };
      // Both ports first, so that a taken one fails the start before the database is created or migrated.
      // Until Yoga is ready (below), the server answers 503. The embedded simulator itself starts last, once
      // pushes can be stored: a restarted simulator delivers at once what fell due while it was down.
      server = createServer((request, response) => {
        if (yoga) return void yoga(request, response);
        response.writeHead(503, { "retry-after": "1" }).end();
      });
      try {
        url = await listen(server);
        const p = config.platform;
        if (p.kind === "embedded-simulator") {
          await probePort(config.host, p.port).catch((error: unknown) => {
            throw isPortInUse(error) ? new PortInUseError(p.port, "SIMULATOR_PORT", { cause: error }) : error;
          });
        }
        handle = await openDatabase(config.database);
      } catch (error) {
        await app.stop();
        throw error;
      }
      const migrated = await migrateToLatest(handle.db);
      if (!migrated.ok) {
        await app.stop();
        throw new MigrationError(migrated.error);
      }
      for (const result of migrated.results ?? []) {
        logger.info({ migration: result.migrationName, status: result.status }, "migration");
      }
      const db = handle.db;
      const pubsub = createGatewayPubSub();
      feed = createCallEventFeed({
        db,
        logger: logger.child({ component: "feed" }),
        ...(options.feedPollIntervalMs !== undefined ? { pollIntervalMs: options.feedPollIntervalMs } : {}),
      });
      const bindings: BindingCommands = createBindingCommands({
        db,
        pubsub,
        now,
        logger: logger.child({ component: "bindings" }),
        platform: () => {
          if (!platform) throw new NotStartedError("The platform client");
          return platform;
        },
      });
      services = {
        db,
        feed,
        pubsub,
        bindings,
        now,
        logger,
        platform: () => {
          if (!platform) throw new NotStartedError("The platform client");
          return platform;
        },
      };
      yoga = createYogaFor(db, pubsub);
      attachWebSocket(server, yoga);
      try {
        await feed.start();
        await startPlatform(url);
        await rememberServedVirtualNumbers(db, servedVirtualNumbers(), now());
      } catch (error) {
        await app.stop();
        throw error;
      }
      const sweepMs = options.expirySweepIntervalMs ?? 15_000;
      if (sweepMs > 0) {
        timers.push(
          setInterval(
            () =>
              void bindings
                .sweepExpired()
                .catch((error) => logger.warn({ err: error }, "expiry sweep failed")),
            sweepMs,
          ),
        );
      }
      for (const timer of timers) timer.unref();
      // Bindings lost on the platform behind the mirror's back (docs/axe-platform.md §7): found in the background.
      platformCheck = startPlatformCheck(
        bindings.checkAgainstPlatform,
        logger.child({ component: "bindings" }),
      );
      logger.info(
        { url, database: config.database.kind, platform: config.platform.kind, simulatorUrl: simulator?.url },
        "gateway started",
      );
      return { url, graphqlUrl: `${url}/graphql`, simulatorUrl: simulator?.url };
    },

    stop() {
      stopping ??= (async () => {
        for (const timer of timers.splice(0)) clearInterval(timer);
        await platformCheck?.stop();
        await simulator?.stop();
        if (wsServer) {
          for (const client of wsServer.clients) client.close(1001, "Going away");
          await disposeWs?.();
          await new Promise<void>((resolve) => wsServer!.close(() => resolve()));
        }
        if (server?.listening) {
          server.closeAllConnections();
          await new Promise<void>((resolve) => server!.close(() => resolve()));
        }
        await feed?.stop();
        await handle?.close();
        url = undefined;
      })();
      return stopping;
    },

    get url() {
      if (!url) throw new NotStartedError("url");
      return url;
    },
    get graphqlUrl() {
      return `${app.url}/graphql`;
    },
    get yoga() {
      if (!yoga) throw new NotStartedError("yoga");
      return yoga;
    },
    get services() {
      if (!services) throw new NotStartedError("services");
      return services;
    },
    get simulator() {
      return simulator;
    },
    logger,
  };
  return app;
}
