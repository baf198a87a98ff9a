import type { Notification } from "@privnum/notification-schemas";
import type { Kysely } from "kysely";
import type { Database } from "../db/database.js";
import { isDatabaseUnavailable } from "../db/database-errors.js";
import { createGroupCommit } from "../group-commit.js";
import {
  type PendingPush,
  type ReceivedBody,
  type StoredPush,
  storeNotifications,
} from "./store-notification.js";

/** Options for {@link createNotificationWriter}. */
export interface NotificationWriterOptions {
  db: Kysely<Database>;
  /** @default () => new Date() */
  now?: () => Date;
  /** Transactions storing pushes at the same time. @default 1 */
  concurrency?: number;
  /** Most pushes stored in one transaction. @default 64 */
  maxBatchPushes?: number;
  /** Most items (events, CDRs, statuses) stored in one transaction, unless one push alone has more. @default 1000 */
  maxBatchItems?: number;
  /**
   * Most pushes waiting for a transaction; beyond it `write` rejects with `GroupCommitFullError` (answered
   * 503: the platform sends the push again later) rather than holding ever more bodies in memory.
   * @default 5000
   */
  maxWaiting?: number;
}

/** Stores pushes, each resolving after the commit that made it durable. */
export interface NotificationWriter {
  /** Store one push; resolves after commit with what it changed, rejects when the database fails. */
  write(notification: Notification, body: ReceivedBody): Promise<StoredPush>;
  /** Pushes waiting for a transaction (not counting those being stored). */
  readonly waiting: number;
}

function itemsOf({ notification }: PendingPush): number {
  if (notification.kind === "fee") return notification.feeLst.length;
  if (notification.kind === "numStatus") return notification.numInfo.length;
  return 1;
}

/**
 * Stores pushes with group commit (see `createGroupCommit`): under load, the pushes that arrived while the
 * previous transactions ran are stored together, one transaction and one statement per table for all.
 *
 * One push must not fail the others: when a batch of several fails for a reason other than the database
 * being unreachable, each of its pushes is stored again in a transaction of its own, and only those that
 * fail again are rejected.
 */
export function createNotificationWriter(options: NotificationWriterOptions): NotificationWriter {
  const { db } = options;
  const now = options.now ?? (() => new Date());

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

  const group = createGroupCommit<PendingPush, StoredPush | Error>({
    concurrency: options.concurrency ?? 1,
    maxBatch: options.maxBatchPushes ?? 64,
    weight: itemsOf,
    maxWeight: options.maxBatchItems ?? 1000,
    maxWaiting: options.maxWaiting ?? 5000,
    async run(batch) {
      try {
        return await storeNotifications(db, batch, now());
      } catch (error) {
        if (batch.length === 1 || isDatabaseUnavailable(error)) throw error;
        return storeEach(batch);
      }
    },
  });

  return {
    async write(notification, body) {
      const outcome = await group.submit({ notification, body });
      if (outcome instanceof Error) throw outcome;
      return outcome;
    },
    get waiting() {
      return group.waiting;
    },
  };
}
