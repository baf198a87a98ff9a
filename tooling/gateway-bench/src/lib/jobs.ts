// What the orchestrator asks a load generator to do, and what comes back. Plain data: it crosses IPC.
import type { LatencySummary, OpenLoadResult } from "@privnum/bench-kit/open-load";
import type { CursorStyle } from "./keyset-cursors.js";

/** The platform app whose credentials sign the pushes. */
export interface Credentials {
  appKey: string;
  appSecret: string;
}

/** An open-model run: `rate` arrivals per second for `durationMs`, whatever the response times. */
interface OpenModel {
  rate: number;
  durationMs: number;
  /** Arrivals beyond this many in flight count as errors (the server has fallen behind). */
  maxInFlight: number;
}

/** Signed fee pushes of `recordsPerPush` CDRs to `/notify`; push `k` of the run is push number `first + k`. */
export interface FeePushJob extends OpenModel {
  kind: "fee-pushes";
  url: string;
  credentials: Credentials;
  first: number;
  recordsPerPush: number;
  series: number;
}

/** Signed single call-event pushes to `/notify` (of the gateway, or of P2's bare baseline, serve-bare-notify.ts). */
export interface CallEventJob extends OpenModel {
  kind: "call-events";
  url: string;
  credentials: Credentials;
  first: number;
  series: number;
}

/** P1's raw baseline: the same CDRs as {@link FeePushJob}, one prepared UNNEST insert per push. */
export interface RawCdrInsertJob extends OpenModel {
  kind: "raw-cdr-inserts";
  databaseUrl: string;
  poolSize: number;
  appKey: string;
  receivedNotificationId: number;
  first: number;
  recordsPerPush: number;
  series: number;
}

/**
 * GraphQL queries over HTTP. With `cursor`, each request pages from a random point: `$after` is a cursor of
 * the given kind at an id drawn uniformly from `[low, high]`, written in `style` (the gateway's by default;
 * `prefix` is then the gateway's cursor prefix, or PostGraphile's lower-case `orderBy`: see keyset-cursors.ts).
 */
export interface GraphqlReadJob extends OpenModel {
  kind: "graphql-reads";
  url: string;
  /** `Authorization` header of every request: the gateway's API key; absent for the bare Yoga baseline. */
  authorization?: string;
  query: string;
  cursor?: { prefix: string; low: number; high: number; style?: CursorStyle };
  /**
   * A request counts as served when the gateway refused it with this error code (`extensions.code`), instead of
   * when it answered without errors: P7 sends documents the gateway must refuse.
   */
  refusedWith?: string;
}

/** Any open-model job; each answers with bench-kit's {@link OpenLoadResult}. */
export type LoadJob = FeePushJob | CallEventJob | RawCdrInsertJob | GraphqlReadJob;

/** Which server a socket job talks to: the gateway (graphql-ws) or the bare `ws` baseline. */
export type SocketTarget = "gateway" | "bare";

/** P3: subscribers on WebSockets, events pushed over HTTP, latency from send to receipt on one clock. */
export interface FanOutJob {
  target: SocketTarget;
  /** HTTP base of the server (pushes go to `/notify`, or `/publish` on the bare server). */
  url: string;
  wsUrl: string;
  /** graphql-ws `connectionParams.authorization` of every subscriber on the gateway (the bare server has none). */
  authorization?: string;
  credentials: Credentials;
  subscribers: number;
  rate: number;
  durationMs: number;
  first: number;
  series: number;
  /** How long to wait for stragglers after the last push, in ms. */
  drainMs: number;
}

/** What {@link FanOutJob} measured. */
export interface FanOutResult {
  subscribers: number;
  /** Events acknowledged (200) by the server. */
  sent: number;
  sendErrors: number;
  /** sent × subscribers. */
  expected: number;
  received: number;
  missing: number;
  duplicates: number;
  /** From the moment each push was sent to each receipt, one clock (this process). */
  latency: LatencySummary;
  /** Push acknowledgement, from each push's scheduled start. */
  ack: LatencySummary;
  /** CPU this process used from the first push to the end of the drain, as a share of one core. */
  generatorCpu: number;
  errorSamples: string[];
}

/** P4: open `count` more idle sockets (each with one subscription on the gateway). */
export interface OpenSocketsJob {
  target: SocketTarget;
  wsUrl: string;
  /** graphql-ws `connectionParams.authorization` of every socket on the gateway (the bare server has none). */
  authorization?: string;
  count: number;
  /** Sockets opening at once. */
  concurrency: number;
}

/** What {@link OpenSocketsJob} achieved. */
export interface OpenSocketsResult {
  /** Sockets this generator holds open now. */
  open: number;
  failed: number;
  errorSamples: string[];
}

export type { LatencySummary, OpenLoadResult };
