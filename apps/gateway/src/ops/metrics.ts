import { Counter, Gauge, Histogram, Registry } from "prom-client";
import type { CallEventRow } from "../calls/call-event.table.js";
import type { DatabaseHandle } from "../database/database.js";
import type { FanOutCounts } from "../fanout/fan-out.js";
import type { NotificationVerdict } from "../notifications/received-notification.table.js";
import type { HttpRoute } from "./http-route.js";
import { processMetricsRegistry } from "./process-metrics.js";

/** What the WebSocket gauges read (the value `attachGraphQLWebSocket` returns). */
export interface WebSocketCounts {
  readonly openSockets: number;
  readonly openSubscriptions: number;
}

/** What the metrics read of a stored push (ingest's `StoredPush` has it). */
export interface StoredPushCounts {
  verdict: NotificationVerdict;
  /** Items the push carried. */
  itemCount: number;
  /** What of them was new: call events, CDRs, X-number statuses. */
  events: readonly unknown[];
  records: readonly unknown[];
  numbers: readonly unknown[];
}

/** What the database metrics read. */
export type DatabaseStats = Pick<DatabaseHandle, "poolStats" | "queryCount">;

/** The metrics of one gateway; each `observe…` records one thing that happened. */
export interface GatewayMetrics {
  /** This gateway's own registry (Node's default metrics are in a registry of the process). */
  readonly registry: Registry;
  /** The `Content-Type` of {@link exposition}. */
  readonly contentType: string;
  /** Everything, in Prometheus' text format: the process's metrics, then the gateway's. */
  exposition(): Promise<string>;
  /** An HTTP request answered with `status` (undefined: the connection closed before the answer was sent). */
  observeHttp(method: string, route: HttpRoute, status: number | undefined, seconds: number): void;
  /** `/notify` answered a push with `status`, not 2xx: a refusal (signature, content, size, unavailable …). */
  observeNotifyRefusal(status: number): void;
  /** A GraphQL operation ran (a subscription: until its stream was set up). Labels must be bounded. */
  observeOperation(type: string, name: string, seconds: number): void;
  /** GraphQL errors answered, by their (bounded) code. */
  countGraphQLErrors(codes: readonly string[]): void;
  /** A push was stored (200): its verdict and the items of it that were already stored. */
  observeStoredPush(push: StoredPushCounts): void;
  /** A call event was handed to subscribers: its lag since it was stored. */
  observeHandedOff(row: CallEventRow): void;
  /** Read the WebSocket gauges from `counts` from now on. */
  watchWebSocket(counts: WebSocketCounts): void;
  /** Read the fan-out's gauge and counters from `counts` from now on. */
  watchFanOut(counts: () => FanOutCounts): void;
  /** A recording archive attempt ended: `archived` (with the bytes stored), `expired` or `failed`. */
  observeRecordingAttempt(outcome: "archived" | "expired" | "failed", bytes: number): void;
  /** Archived recordings deleted by RECORDINGS_RETENTION_DAYS. */
  countRecordingsDeleted(count: number): void;
}

const NOTIFY_REFUSAL_REASONS: Readonly<Record<number, string>> = {
  400: "content",
  401: "signature",
  403: "signature",
  405: "method",
  413: "too_large",
  415: "content",
  429: "rate_limited",
  500: "error",
  503: "unavailable",
};

const KNOWN_METHODS = new Set(["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"]);

function statusClass(status: number | undefined): string {
  return status === undefined ? "aborted" : `${Math.floor(status / 100)}xx`;
}

/** Why `/notify` refused a push, from the status it answered: a small fixed set. */
function refusalReason(status: number): string {
  return NOTIFY_REFUSAL_REASONS[status] ?? (status < 500 ? "client" : "server");
}

/**
 * The gateway's metrics (names prefixed `privnum_`), in a registry of its own so that several gateways can
 * run in one process. Every label takes its values from a small fixed set or through a bounded label
 * (graphql-metrics.ts), never straight from a request. Gauges of sockets and of the pool are read when
 * scraped.
 */
export function createGatewayMetrics(database: DatabaseStats): GatewayMetrics {
  const registry = new Registry();
  const registers = [registry];

  const httpDuration = new Histogram({
    name: "privnum_http_request_duration_seconds",
    help: "HTTP requests by method, route (graphql, notify, healthz, readyz, metrics, health, recordings, other) and status class, until the answer was sent.",
    labelNames: ["method", "route", "status_class"] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
    registers,
  });
  const operationDuration = new Histogram({
    name: "privnum_graphql_operation_duration_seconds",
    help: "GraphQL operations executed (HTTP and WebSocket) by type and name; a subscription until its stream is set up.",
    labelNames: ["operation_type", "operation_name"] as const,
    buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers,
  });
  const graphqlErrors = new Counter({
    name: "privnum_graphql_errors_total",
    help: "GraphQL errors answered (parse, validation, execution), by extensions.code.",
    labelNames: ["code"] as const,
    registers,
  });
  const notifyVerdicts = new Counter({
    name: "privnum_notify_verdicts_total",
    help: "Pushes answered on /notify: accepted or duplicate (stored, 200), or rejected, by reason class and HTTP status.",
    labelNames: ["verdict", "reason", "status"] as const,
    registers,
  });
  const duplicateItems = new Counter({
    name: "privnum_notify_duplicate_items_total",
    help: "Items (call events, CDRs, number statuses) of stored pushes that were already stored.",
    registers,
  });
  const deliveryLag = new Histogram({
    name: "privnum_call_event_delivery_lag_seconds",
    help: "From a call event's insertion (its inserted_at, database clock) to its hand-off to this gateway's subscribers.",
    buckets: [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60],
    registers,
  });
  let webSocket: WebSocketCounts | undefined;
  new Gauge({
    name: "privnum_websocket_connections",
    help: "WebSocket connections open now.",
    registers,
    collect() {
      this.set(webSocket?.openSockets ?? 0);
    },
  });
  new Gauge({
    name: "privnum_websocket_subscriptions",
    help: "Subscriptions running now over WebSocket.",
    registers,
    collect() {
      this.set(webSocket?.openSubscriptions ?? 0);
    },
  });
  // PGlite has one connection and no pool: no pool gauges rather than made-up figures.
  if (database.poolStats() !== undefined) {
    const poolGauge = (
      name: string,
      help: string,
      read: (stats: { total: number; idle: number; waiting: number }) => number,
    ) =>
      new Gauge({
        name,
        help,
        registers,
        collect() {
          const stats = database.poolStats();
          if (stats) this.set(read(stats));
        },
      });
    poolGauge(
      "privnum_database_pool_connections",
      "Connections of the database pool, open now.",
      (s) => s.total,
    );
    poolGauge(
      "privnum_database_pool_idle_connections",
      "Connections of the database pool that are idle.",
      (s) => s.idle,
    );
    poolGauge(
      "privnum_database_pool_waiting_requests",
      "Requests waiting for a connection of the database pool.",
      (s) => s.waiting,
    );
  }
  let countedStatements = 0;
  new Counter({
    name: "privnum_database_statements_total",
    help: "Database statements run (each one Kysely sent, whether it succeeded or failed).",
    registers,
    collect() {
      const now = database.queryCount();
      this.inc(now - countedStatements);
      countedStatements = now;
    },
  });

  let fanOut: (() => FanOutCounts) | undefined;
  new Gauge({
    name: "privnum_fanout_degraded",
    help: "1 while the fan-out's broker (Redis) is unreachable and the feeds poll the stored streams every second; else 0.",
    registers,
    collect() {
      this.set(fanOut?.().degraded ? 1 : 0);
    },
  });
  const fanOutCounter = (name: string, help: string, read: (counts: FanOutCounts) => number) => {
    let counted = 0;
    return new Counter({
      name,
      help,
      registers,
      collect() {
        const now = fanOut ? read(fanOut()) : counted;
        this.inc(now - counted);
        counted = now;
      },
    });
  };
  fanOutCounter(
    "privnum_fanout_wakeups_received_total",
    "Wake-ups heard from other instances through the fan-out (each makes the feeds read the stored streams).",
    (c) => c.wakeUpsReceived,
  );
  fanOutCounter(
    "privnum_fanout_wakeups_lost_total",
    "Wake-ups this instance could not pass on to the others (broker away or failing): they find the rows by polling.",
    (c) => c.wakeUpsLost,
  );

  const recordingAttempts = new Counter({
    name: "privnum_recording_archive_attempts_total",
    help: "Recording archive attempts of this instance by outcome (archived, expired, failed).",
    labelNames: ["outcome"] as const,
    registers,
  });
  const recordingBytes = new Counter({
    name: "privnum_recording_archived_bytes_total",
    help: "Bytes of recordings this instance archived.",
    registers,
  });
  const recordingsDeleted = new Counter({
    name: "privnum_recordings_deleted_total",
    help: "Archived recordings deleted by RECORDINGS_RETENTION_DAYS (by this instance).",
    registers,
  });

  const processRegistry = processMetricsRegistry();
  return {
    registry,
    contentType: registry.contentType,
    async exposition() {
      return (await processRegistry.metrics()) + (await registry.metrics());
    },
    observeHttp(method, route, status, seconds) {
      const upper = method.toUpperCase();
      httpDuration.observe(
        { method: KNOWN_METHODS.has(upper) ? upper : "OTHER", route, status_class: statusClass(status) },
        seconds,
      );
    },
    observeNotifyRefusal(status) {
      notifyVerdicts.inc({ verdict: "rejected", reason: refusalReason(status), status: String(status) });
    },
    observeOperation(type, name, seconds) {
      operationDuration.observe({ operation_type: type, operation_name: name }, seconds);
    },
    countGraphQLErrors(codes) {
      for (const code of codes) graphqlErrors.inc({ code });
    },
    observeStoredPush(push) {
      const stored = push.verdict === "duplicate" ? "already_stored" : "stored";
      notifyVerdicts.inc({ verdict: push.verdict, reason: stored, status: "200" });
      const fresh = push.events.length + push.records.length + push.numbers.length;
      const duplicates = push.verdict === "duplicate" ? push.itemCount : Math.max(0, push.itemCount - fresh);
      if (duplicates > 0) duplicateItems.inc(duplicates);
    },
    observeHandedOff(row) {
      const insertedAt =
        row.inserted_at instanceof Date ? row.inserted_at.getTime() : Date.parse(String(row.inserted_at));
      if (Number.isFinite(insertedAt)) deliveryLag.observe(Math.max(0, Date.now() - insertedAt) / 1000);
    },
    watchWebSocket(counts) {
      webSocket = counts;
    },
    watchFanOut(counts) {
      fanOut = counts;
    },
    observeRecordingAttempt(outcome, bytes) {
      recordingAttempts.inc({ outcome });
      if (bytes > 0) recordingBytes.inc(bytes);
    },
    countRecordingsDeleted(count) {
      if (count > 0) recordingsDeleted.inc(count);
    },
  };
}
