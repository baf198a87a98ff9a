import type { Simulator } from "@privnum/axe-simulator";
import type { DevKeys } from "./auth/dev-keys.js";
import type { OpenDatabaseOptions } from "./database/database.js";
import type { FanOut } from "./fanout/fan-out.js";
import type { GatewayServices } from "./graphql/context.js";
import type { GraphQLWebSocket } from "./http/graphql-websocket.js";
import type { GatewayYoga } from "./http/yoga.js";
import type { PlatformLinkOptions } from "./platform/platform-link.js";
import type { RecordingArchiverTuning } from "./recordings/recording-archiver.js";
import type { RecordingStorage } from "./recordings/recording-storage.js";
import type { Logger } from "./shared/logger.js";

// What embedders, tests and scripts see of the gateway: the options of buildApp (app.ts), and what it starts.

/** Options beyond the environment, for tests, scripts and embedding. */
export interface BuildAppOptions extends PlatformLinkOptions {
  /** Logger. @default a pino logger at `config.logLevel` writing to stdout */
  logger?: Logger;
  /**
   * Clock of binding lifetimes, mirror timestamps and the end of `VirtualNumber.activity` windows.
   * @default the embedded simulator's clock, or the wall clock
   */
  now?: () => Date;
  /**
   * How often the feeds read the stored streams without a wake-up (rows other instances stored), in ms.
   * @default 1000 in-process, 10000 while Redis carries the wake-ups
   */
  feedPollIntervalMs?: number;
  /** With Redis: how often the feeds read the stored streams while Redis is unreachable, in ms. @default 1000 */
  degradedFeedPollIntervalMs?: number;
  /** How often to look for bindings that lapsed, in ms (0 = never; call `services.bindings.sweepExpired`). @default 15000 */
  expirySweepIntervalMs?: number;
  /**
   * Time between reconciliations of the bindings with the platform, in ms (0 = only at start; call
   * `services.reconciler.run`). @default `config.reconcileIntervalMinutes` (BINDINGS_RECONCILE_MINUTES)
   */
  reconcileIntervalMs?: number;
  /** How often to purge expired nonces, in ms. @default 60000 */
  noncePurgeIntervalMs?: number;
  /** The pool's size and timeouts (PostgreSQL). @default DEFAULT_DATABASE_TIMEOUTS, 10 connections */
  database?: OpenDatabaseOptions;
  /**
   * Longest a push waits on the database, in ms, for its commit (its nonce check included); then it is
   * answered 503 with Retry-After. @default DEFAULT_COMMIT_TIMEOUT_MS
   */
  notifyTimeoutMs?: number;
  /** Rows per query of the call-record export. @default DEFAULT_EXPORT_PAGE_SIZE (1000) */
  exportPageSize?: number;
  /** Longest each step of `stop` is waited for, in ms. @default DEFAULT_SHUTDOWN_STEP_TIMEOUT_MS */
  shutdownStepTimeoutMs?: number;
  /**
   * How often every WebSocket is pinged, in ms; one that has not answered the previous ping by the next is
   * closed: with 4008 "Subscriber too slow" if the gateway kept sending to it meanwhile, else terminated. @default 30000
   */
  webSocketKeepAliveMs?: number;
  /**
   * Headers set on every HTTP response (not on WebSocket upgrades); cluster mode names the worker that
   * answered (`x-privnum-worker`). @default none
   */
  responseHeaders?: Readonly<Record<string, string>>;
  /** Where archived recordings go. @default a directory: `config.recordings.dir`, else `<dataDir>/recordings` */
  recordingStorage?: RecordingStorage;
  /** How the recording archiver works (concurrency, polling, lease, retries). @default see RecordingArchiverTuning */
  recordingArchive?: RecordingArchiverTuning;
  /** When the recording retention runs. @default every hour, the first a minute after start */
  recordingRetention?: { intervalMs?: number; firstRunAfterMs?: number };
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
  /** How instances wake each other's feeds: `in-process` (one instance) or `redis`. */
  readonly fanOut: FanOut["kind"];
  /** Where recordings are archived (`directory /…`); undefined with RECORDINGS_ARCHIVE=false. */
  readonly recordingArchive: string | undefined;
  /** The web console: its URL (`…/console/`), or why it is not served. */
  readonly console: { url: string } | { unavailable: string };
  /** The development keys (no API key or JWT setting, outside production); undefined otherwise. */
  readonly devKeys: DevKeys | undefined;
  /** Database statements run since the start (for tests that bound the work of a request). */
  databaseQueryCount(): number;
  /** graphql-ws on the HTTP port: its open sockets and subscriptions. */
  readonly webSocket: GraphQLWebSocket;
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
