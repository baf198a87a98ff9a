import { sql } from "kysely";
import type { Executor } from "../database/database.js";
import type { Logger } from "../shared/logger.js";
import { repeatEvery } from "../shared/repeat.js";
import type { RecordingStorage } from "./recording-storage.js";

const DAY_MS = 24 * 60 * 60 * 1000;

/** Recordings deleted per statement. */
const BATCH_SIZE = 100;

/** What one run deleted. */
export interface RecordingPurge {
  /** Files deleted and their jobs marked DELETED. */
  deleted: number;
  /** Of those, files that were already gone from the storage. */
  missing: number;
}

/**
 * Delete the archived recordings whose CDR arrived before `before`, in batches: each batch's rows are
 * locked (skipping rows another instance is purging), their files deleted, then the rows marked `DELETED`
 * in the same transaction. A file deleted whose mark was then lost is found missing by the next run, which
 * marks it.
 */
export async function purgeArchivedRecordings(
  db: Executor,
  storage: RecordingStorage,
  before: Date,
): Promise<RecordingPurge> {
  const result: RecordingPurge = { deleted: 0, missing: 0 };
  for (;;) {
    const batch = await db.transaction().execute(async (tx) => {
      const { rows } = await sql<{ call_record_id: number | string; storage_key: string | null }>`
        select r.call_record_id, r.storage_key from recordings r
        join call_records c on c.id = r.call_record_id
        where r.state = 'ARCHIVED' and c.inserted_at < ${before}
        order by r.call_record_id
        limit ${BATCH_SIZE}
        for update of r skip locked`.execute(tx);
      let missing = 0;
      for (const row of rows) {
        if (row.storage_key && !(await storage.delete(row.storage_key))) missing += 1;
      }
      if (rows.length > 0) {
        await sql`update recordings set state = 'DELETED', deleted_at = now(), storage_key = null,
            updated_at = now()
          where call_record_id = any(${rows.map((r) => Number(r.call_record_id))}::int8[])`.execute(tx);
      }
      return { count: rows.length, missing };
    });
    result.deleted += batch.count;
    result.missing += batch.missing;
    if (batch.count < BATCH_SIZE) return result;
  }
}

/** Options for {@link startRecordingRetention}. */
export interface RecordingRetentionOptions {
  db: Executor;
  storage: RecordingStorage;
  /** `RECORDINGS_RETENTION_DAYS`. */
  retentionDays: number;
  /** How often it runs. @default one hour */
  intervalMs?: number;
  /** When the first run happens after start. @default one minute */
  firstRunAfterMs?: number;
  logger: Logger;
  /** Told how many each run deleted. */
  onDeleted?: (count: number) => void;
  /** @default () => new Date() */
  now?: () => Date;
}

/**
 * Run {@link purgeArchivedRecordings} every hour (and a minute after start) for recordings whose CDR is older
 * than `retentionDays`, logging what each run deleted. Resolves the function that stops it, waiting for a
 * run in flight.
 */
export function startRecordingRetention(options: RecordingRetentionOptions): () => Promise<void> {
  const { db, storage, retentionDays, logger } = options;
  const now = options.now ?? (() => new Date());
  let running: Promise<unknown> = Promise.resolve();
  const run = async () => {
    const before = new Date(now().getTime() - retentionDays * DAY_MS);
    const purge = await purgeArchivedRecordings(db, storage, before);
    options.onDeleted?.(purge.deleted);
    if (purge.deleted > 0) {
      logger.info(
        { ...purge, before, retentionDays },
        `recording retention: deleted ${purge.deleted} archived recording${purge.deleted === 1 ? "" : "s"}`,
      );
    }
  };
  const onError = (error: unknown) => logger.warn({ err: error }, "recording retention failed");
  const runOnce = () => {
    running = run();
    return running;
  };
  const stop = repeatEvery(options.intervalMs ?? 3_600_000, runOnce, onError);
  const first = setTimeout(() => void runOnce().catch(onError), options.firstRunAfterMs ?? 60_000);
  first.unref();
  return async () => {
    stop();
    clearTimeout(first);
    await running.catch(() => {});
  };
}
