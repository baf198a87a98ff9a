import type { AxeClient } from "@privnum/axe-api";
import type { GraphQLResolveInfo } from "graphql";
import type { Kysely } from "kysely";
import type { Logger } from "pino";
import type { Caller } from "../auth/caller.js";
import type { BindingCommands } from "../bindings/binding-commands.js";
import type { BindingReconciler } from "../bindings/binding-reconcile.js";
import type { CallEventFeed } from "../calls/call-event-feed.js";
import type { RecordingUrlCache } from "../calls/recording-url-cache.js";
import type { ChangeFeed } from "../changes/change-feed.js";
import type { Database } from "../database/database.js";
import type { RecordingArchiver } from "../recordings/recording-archiver.js";
import type { RecordingLinks } from "../recordings/recording-links.js";
import type { RecordingStorage } from "../recordings/recording-storage.js";
import type { ReplayGate } from "../stream/replay-gate.js";
import type { ExecutionScope } from "./execution-scope.js";

/** Long-lived parts every resolver may use. */
export interface GatewayServices {
  db: Kysely<Database>;
  feed: CallEventFeed;
  /** The change stream (calls, CDRs, binding changes, number statuses), tailed for subscriptions. */
  changes: ChangeFeed;
  /** Bounds the database work of resuming subscriptions (concurrency and events per replay). */
  replays: ReplayGate;
  bindings: BindingCommands;
  /** Reconciles the mirrored bindings with the platform (at start, on a schedule, and on demand). */
  reconciler: BindingReconciler;
  /** The platform client (throws before start). */
  platform(): AxeClient;
  /**
   * The clock of binding lifetimes and of activity windows (the simulator's virtual clock when it is
   * embedded).
   */
  now(): Date;
  logger: Logger;
  /** Recording download URLs asked from the platform, shared across requests while valid. */
  recordingUrls: RecordingUrlCache;
  /** `GRAPHQL_MAX_PLATFORM_CALLS`: the platform requests one execution may cause. */
  maxPlatformCallsPerExecution: number;
  /** Where archived recordings are kept. */
  recordingStorage: RecordingStorage;
  /** Signed links to archived recordings. */
  recordingLinks: RecordingLinks;
  /** This instance's recording archive worker; undefined with RECORDINGS_ARCHIVE=false. */
  archiver: RecordingArchiver | undefined;
}

/** The GraphQL context. */
export interface GatewayContext {
  services: GatewayServices;
  /** Who sent the operation: checked before anything runs (http/authentication.ts, http/graphql-websocket.ts). */
  caller: Caller;
  /**
   * The DataLoaders and platform-call budget of the execution `info` belongs to (see
   * graphql/execution-scope.ts): fresh for each query, mutation field and subscription event.
   */
  execution(info: GraphQLResolveInfo): ExecutionScope;
}
