import type { Notification } from "@privnum/notification-schemas";
import type { Kysely } from "kysely";
import type { Database } from "../database/database.js";
import { DatabaseTimeoutError, isDatabaseUnavailable } from "../database/database-errors.js";
import type { NonceClaim } from "../notifications/nonce.repository.js";
import { createGroupCommit, GroupCommitTimeoutError } from "./group-commit.js";
import { storeNotifications } from "./store-pushes.js";
import { itemCount, type PendingPush, type ReceivedBody, type StoredPush } from "./stored-push.js";

/** How one lane of the writer stores its pushes. */
export interface WriterLaneOptions {
  /** Transactions of this lane storing pushes at the same time. */
  concurrency?: number;
  /** Most pushes stored in one transaction. */
  maxBatchPushes?: number;
  /** Most items (events, CDRs, statuses) stored in one transaction, unless one push alone has more. */
  maxBatchItems?: number;
}

/** Options for {@link createNotificationWriter}. */
export interface NotificationWriterOptions {
  db: Kysely<Database>;
  /** @default () => new Date() */
  now?: () => Date;
  /**
   * Call events and number statuses: small, many, and awaited live. One transaction at a time: pushes that
   * arrive meanwhile go in the next one, which takes about half the CPU per event under load that two at a
   * time take, and holds more events per second (docs/performance-notes.md).
   * @default { concurrency: 1, maxBatchPushes: 64, maxBatchItems: 200 }
   */
  events?: WriterLaneOptions;
  /**
   * CDR pushes: up to 50 CDRs each, heavy for the database, which runs each transaction on one core.
   * @default { concurrency: 4, maxBatchPushes: 16, maxBatchItems: 100 }
   */
  records?: WriterLaneOptions;
  /**
   * Most pushes waiting per lane; beyond it `write` rejects with `GroupCommitFullError` (answered 503: the
   * platform sends the push again later) rather than holding ever more bodies in memory.
   * @default 5000
   */
  maxWaiting?: number;
  /**
   * Most body bytes waiting per lane (bodies are up to 1 MiB each), refused the same way beyond it.
   * @default 64 MiB
   */
  maxWaitingBytes?: number;
  /**
   * Longest a push waits for its commit, in ms; then `write` rejects with `DatabaseTimeoutError` (answered
   * 503). A push still queued is dropped, never stored later; one whose transaction is under way may still
   * commit, which is harmless: the platform sends it again and the copy is recognised as a duplicate.
   * Bounds the wait on a stalled database, and on PGlite's single connection when it is busy.
   * @default DEFAULT_COMMIT_TIMEOUT_MS
   */
  commitTimeoutMs?: number;
}

/** How long a push waits for its commit unless told otherwise: a few seconds, well within a webhook timeout. */
export const DEFAULT_COMMIT_TIMEOUT_MS = 5000;

/** Stores pushes, each resolving after the commit that made it durable. */
export interface NotificationWriter {
  /**
   * Store one push with its Nonce (null when verification is off); resolves after commit with what it
   * changed; rejects with `ReplayedNonceError` when the Nonce was already used, or when the database fails.
   */
  write(notification: Notification, body: ReceivedBody, nonce: NonceClaim | null): Promise<StoredPush>;
  /** Pushes waiting for a transaction (not counting those being stored). */
  readonly waiting: number;
}

/** A push's weight in a batch: its items, and at least one. */
function itemsOf({ notification }: PendingPush): number {
  return Math.max(1, itemCount(notification));
}

/**
 * Stores pushes with group commit (see `createGroupCommit`): under load, the pushes that arrived while the
 * previous transactions ran are stored together, one transaction and one statement per table for all.
 * Two lanes: call events (and number statuses) batch eagerly and never wait behind a CDR push; CDR pushes,
 * which already carry many rows each, are stored with more transactions side by side so that the database
 * can use more than one core.
 *
 * One push must not fail the others: when a batch of several fails for a reason other than the database
 * being unreachable, each of its pushes is stored again in a transaction of its own, and only those that
 * fail again are rejected.
 */
export function createNotificationWriter(options: NotificationWriterOptions): NotificationWriter {
  const { db } = options;
  const now = options.now ?? (() => new Date());
  const maxWaiting = options.maxWaiting ?? 5000;
  const maxWaitingSize = options.maxWaitingBytes ?? 64 * 1024 * 1024;
  const commitTimeoutMs = options.commitTimeoutMs ?? DEFAULT_COMMIT_TIMEOUT_MS;

  async function storeEach(batch: readonly PendingPush[]): Promise<(StoredPush | Error)[]> {
    const results: (StoredPush | Error)[] = [];
    for (const push of batch) {
      try {
        results.push((await storeNotifications(db, [push], now()))[0]!);
      } catch (error) {
        results.push(error instanceof Error ? error : new Error(String(error)));
      }
    }
    return results;
  }

  async function storeBatch(batch: readonly PendingPush[]): Promise<readonly (StoredPush | Error)[]> {
    try {
      return await storeNotifications(db, batch, now());
    } catch (error) {
      if (batch.length === 1 || isDatabaseUnavailable(error)) throw error;
      return storeEach(batch);
    }
  }

  const lane = (defaults: Required<WriterLaneOptions>, given: WriterLaneOptions | undefined) =>
    createGroupCommit<PendingPush, StoredPush | Error>({
      concurrency: given?.concurrency ?? defaults.concurrency,
      maxBatch: given?.maxBatchPushes ?? defaults.maxBatchPushes,
      weight: itemsOf,
      maxWeight: given?.maxBatchItems ?? defaults.maxBatchItems,
      maxWaiting,
      size: (push) => push.body.bytes.byteLength,
      maxWaitingSize,
      maxWaitMs: commitTimeoutMs,
      run: storeBatch,
    });
  const events = lane({ concurrency: 1, maxBatchPushes: 64, maxBatchItems: 200 }, options.events);
  const records = lane({ concurrency: 4, maxBatchPushes: 16, maxBatchItems: 100 }, options.records);

  return {
    async write(notification, body, nonce) {
      let outcome: StoredPush | Error;
      try {
        outcome = await (notification.kind === "fee" ? records : events).submit({
          notification,
          body,
          nonce,
        });
      } catch (error) {
        if (error instanceof GroupCommitTimeoutError) {
          throw new DatabaseTimeoutError("storing a push", commitTimeoutMs, { cause: error });
        }
        throw error;
      }
      if (outcome instanceof Error) throw outcome;
      return outcome;
    },
    get waiting() {
      return events.waiting + records.waiting;
    },
  };
}
