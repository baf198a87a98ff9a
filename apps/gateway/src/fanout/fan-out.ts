import type { ReadinessCheck } from "../ops/readiness.js";

/** Called when new stream entries may have been committed (by this instance or another). */
export type CommitListener = () => void;

/** What the metrics read of a fan-out. */
export interface FanOutCounts {
  /** The broker is unreachable now, so the feeds poll often. Never for `in-process`. */
  degraded: boolean;
  /** Wake-ups heard from other instances since the start. */
  wakeUpsReceived: number;
  /** Wake-ups this instance could not pass on to the others (the broker was away or failed). */
  wakeUpsLost: number;
}

/**
 * How the gateway's instances learn that something was committed to the stored streams (call events and
 * changes), so that their feeds read at once instead of at the next poll. It carries no data: the streams in
 * the database are the truth, and a lost wake-up only delays delivery until the next poll.
 */
export interface FanOut {
  /** `in-process` (one instance, no broker) or `redis`. */
  readonly kind: "in-process" | "redis";
  /** This instance committed new stream entries: wake its own feeds now and tell the other instances. */
  committed(): void;
  /** Register a listener called on every wake-up; returns its removal. */
  onCommitted(listener: CommitListener): () => void;
  /**
   * How often feeds should read the streams without a wake-up, in ms, now: rarely while a broker carries the
   * wake-ups, every second when there is none or it is down.
   */
  pollIntervalMs(): number;
  /** Its state and counts so far, for the metrics. */
  counts(): FanOutCounts;
  /** What `/readyz` reports of it (optional: its failure degrades, never unreadies). Absent for `in-process`. */
  readiness?: ReadinessCheck;
  /** Connect (never fails the start when the broker is down: the gateway starts degraded). */
  start(): Promise<void>;
  /** Disconnect. */
  stop(): Promise<void>;
}
