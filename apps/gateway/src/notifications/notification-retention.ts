import type { Kysely } from "kysely";
import { purgeChangesBefore } from "../changes/stream-change.repository.js";
import type { Database } from "../database/database.js";
import type { Logger } from "../shared/logger.js";
import { repeatEvery } from "../shared/repeat.js";
import { deleteRejectedBefore, purgeBodiesBefore } from "./received-notification.repository.js";

/** Rows touched per statement: each batch is one short statement, never one giant DELETE. */
export const RETENTION_BATCH_SIZE = 1000;

/** What one retention run did. */
export interface RetentionResult {
  /** Bodies of accepted and duplicate pushes deleted (their rows stay: call events and CDRs reference them). */
  bodiesPurged: number;
  /** Rows of refused pushes deleted whole (nothing references them). */
  rejectedDeleted: number;
  /** Changes of the change stream deleted (a resume from an older cursor replays what is left). */
  changesDeleted: number;
  /** Statements run that changed rows, or found none left. */
  batches: number;
}

/** Options for {@link purgeExpiredNotifications}. */
export interface RetentionOptions {
  /** Kept bodies received before this instant go. */
  before: Date;
  /** @default RETENTION_BATCH_SIZE */
  batchSize?: number;
}

/**
 * Delete what `received_notifications` keeps past its retention, in batches of `batchSize` rows:
 * - the body of an accepted or duplicate push (set to null, `body_purged_at` set): the row itself stays,
 *   since call events and CDRs reference it by foreign key and its metadata still tells what arrived;
 * - the whole row of a refused push: nothing references one (only stored pushes have events or CDRs);
 * - the changes of the change stream (`stream_changes`), snapshots kept for resuming subscriptions.
 */
export async function purgeExpiredNotifications(
  db: Kysely<Database>,
  options: RetentionOptions,
): Promise<RetentionResult> {
  const batchSize = options.batchSize ?? RETENTION_BATCH_SIZE;
  const result: RetentionResult = { bodiesPurged: 0, rejectedDeleted: 0, changesDeleted: 0, batches: 0 };
  for (;;) {
    const purged = await purgeBodiesBefore(db, options.before, batchSize);
    result.batches += 1;
    result.bodiesPurged += purged;
    if (purged < batchSize) break;
  }
  for (;;) {
    const deleted = await deleteRejectedBefore(db, options.before, batchSize);
    result.batches += 1;
    result.rejectedDeleted += deleted;
    if (deleted < batchSize) break;
  }
  for (;;) {
    const deleted = await purgeChangesBefore(db, options.before, batchSize);
    result.batches += 1;
    result.changesDeleted += deleted;
    if (deleted < batchSize) break;
  }
  return result;
}

/** Options for {@link startNotificationRetention}. */
export interface NotificationRetentionOptions {
  db: Kysely<Database>;
  /** `NOTIFY_RETENTION_DAYS`. */
  retentionDays: number;
  /** How often it runs (0 = never). */
  intervalMs: number;
  /** When the first run happens after start, so that a gateway restarted more often than `intervalMs` still purges. */
  firstRunAfterMs?: number;
  logger: Logger;
  /** @default () => new Date() */
  now?: () => Date;
}

const DAY_MS = 24 * 60 * 60 * 1000;

/**
 * Run {@link purgeExpiredNotifications} every `intervalMs` (and once `firstRunAfterMs` after start) for what
 * is older than `retentionDays`, logging what each run deleted. Resolves the function that stops it, waiting for a run in flight.
 */
export function startNotificationRetention(options: NotificationRetentionOptions): () => Promise<void> {
  const { db, retentionDays, intervalMs, logger } = options;
  const now = options.now ?? (() => new Date());
  if (intervalMs <= 0) return async () => {};
  let running: Promise<unknown> = Promise.resolve();
  const run = async () => {
    const before = new Date(now().getTime() - retentionDays * DAY_MS);
    const result = await purgeExpiredNotifications(db, { before });
    if (result.bodiesPurged + result.rejectedDeleted + result.changesDeleted > 0) {
      logger.info({ ...result, before, retentionDays }, "notification retention: deleted kept bodies");
    }
  };
  const onError = (error: unknown) => logger.warn({ err: error }, "notification retention failed");
  const runOnce = () => {
    running = run();
    return running;
  };
  const stop = repeatEvery(intervalMs, runOnce, onError);
  const first =
    options.firstRunAfterMs !== undefined
      ? setTimeout(() => void runOnce().catch(onError), options.firstRunAfterMs)
      : undefined;
  first?.unref();
  return async () => {
    stop();
    clearTimeout(first);
    await running.catch(() => {});
  };
}
