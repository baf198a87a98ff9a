import type { AxeClient } from "@privnum/axe-api";
import type { Executor } from "../database/database.js";
import type { Logger } from "../shared/logger.js";
import { withinMs } from "../shared/within-ms.js";
import { ArchiveFailure } from "./archive-failure.js";
import {
  type ArchiveRetryPolicy,
  DEFAULT_ARCHIVE_RETRY_POLICY,
  nextRetryDelay,
} from "./archive-retry-policy.js";
import {
  type ClaimedRecording,
  claimDueRecordings,
  markArchived,
  markExpired,
  markFailed,
  releaseClaims,
} from "./recording.repository.js";
import { fetchRecording } from "./recording-download.js";
import { type RecordingStorage, RecordingStorageError } from "./recording-storage.js";
import type { StorageHealth } from "./storage-health.js";

/** How the archiver works; each has a default. */
export interface RecordingArchiverTuning {
  /** Downloads at once on this instance. @default 2 */
  concurrency?: number;
  /** How often it looks for due jobs without being woken, in ms. @default 5000 */
  pollIntervalMs?: number;
  /** How long a claim holds a job, in ms; a crashed instance's jobs are taken up after it. @default 300000 */
  leaseMs?: number;
  /** Longest one download may take, in ms. @default 120000 */
  downloadTimeoutMs?: number;
  /** When failed attempts are tried again. @default DEFAULT_ARCHIVE_RETRY_POLICY */
  retry?: Partial<ArchiveRetryPolicy>;
}

/** What {@link createRecordingArchiver} needs. */
export interface RecordingArchiverOptions extends RecordingArchiverTuning {
  db: Executor;
  storage: RecordingStorage;
  health: StorageHealth;
  platform: () => Pick<AxeClient, "getRecordingDownloadUrl">;
  logger: Logger;
  /** This instance's name in claims (`privnum-gateway:<id>`). */
  worker: string;
  /** `RECORDINGS_MAX_BYTES`. */
  maxBytes: number;
  /** Told of each finished attempt, for the metrics. */
  onAttempt?: (outcome: "archived" | "expired" | "failed", bytes: number) => void;
}

/** Fetches the recordings of stored CDRs into the archive. */
export interface RecordingArchiver {
  /** Start working (returns at once). */
  start(): void;
  /** Look for due jobs now (CDRs with recordings were just stored). */
  wake(): void;
  /**
   * Resolves once no job is due and none is in progress on this instance: for tests and scripts. Rejects
   * after `timeoutMs`.
   */
  drain(timeoutMs?: number): Promise<void>;
  /** Stop: downloads in progress are aborted and their claims given back, due at once. */
  stop(): Promise<void>;
}

/**
 * The archive worker of one instance. It claims due jobs from the `recordings` table (several instances never
 * take one job twice, see `claimDueRecordings`), fetches each file into staging, commits it under a key of its
 * own (`<yyyy>/<mm>/<dd>/<CDR row id>.<ext>`, by the CDR's arrival) and only then marks the job `ARCHIVED`: a
 * file the database does not name may exist after a crash, a name without its file never. A committed file
 * whose mark is lost (the claim lapsed meanwhile) is overwritten by the next attempt under the same key.
 */
export function createRecordingArchiver(options: RecordingArchiverOptions): RecordingArchiver {
  const { db, storage, health, logger, worker } = options;
  const concurrency = options.concurrency ?? 2;
  const pollIntervalMs = options.pollIntervalMs ?? 5000;
  const leaseMs = options.leaseMs ?? 300_000;
  const downloadTimeoutMs = options.downloadTimeoutMs ?? 120_000;
  const retry: ArchiveRetryPolicy = { ...DEFAULT_ARCHIVE_RETRY_POLICY, ...options.retry };
  const stopping = new AbortController();
  const inFlight = new Set<Promise<void>>();
  let timer: NodeJS.Timeout | undefined;
  let claiming: Promise<number> | undefined;
  let wakeAgain = false;
  let started = false;

  async function attempt(job: ClaimedRecording): Promise<void> {
    const jobLog = logger.child({ icid: job.icid, attempt: job.attempts });
    try {
      const fetched = await fetchRecording(job, {
        platform: options.platform,
        storage,
        maxBytes: options.maxBytes,
        signal: stopping.signal,
        timeoutMs: downloadTimeoutMs,
        now: Date.now,
      });
      const key = storageKeyOf(job, fetched.extension);
      try {
        await fetched.staged.commit(key);
      } catch (error) {
        await fetched.staged.discard();
        if (error instanceof RecordingStorageError) {
          throw new ArchiveFailure("failed", `the storage cannot write: ${error.message}`, true, true, {
            cause: error,
          });
        }
        throw error;
      }
      health.succeeded();
      const marked = await markArchived(db, worker, job.callRecordId, {
        storageKey: key,
        sizeBytes: fetched.staged.size,
        contentType: fetched.mime,
        sha256: fetched.staged.sha256,
      });
      if (marked) {
        jobLog.info({ bytes: fetched.staged.size, type: fetched.mime }, "recording archived");
        options.onAttempt?.("archived", fetched.staged.size);
      } else {
        jobLog.warn("recording stored, but the job's claim had lapsed: the next attempt stores it again");
      }
    } catch (error) {
      if (stopping.signal.aborted) return;
      const failure =
        error instanceof ArchiveFailure
          ? error
          : new ArchiveFailure("failed", "the attempt failed unexpectedly", true, false, { cause: error });
      if (failure.storage) health.failed(failure.message);
      if (failure.outcome === "expired") {
        await markExpired(db, worker, job.callRecordId, failure.message);
        jobLog.warn({ reason: failure.message }, "recording expired on the platform before it was archived");
        options.onAttempt?.("expired", 0);
        return;
      }
      const delay = failure.retry ? nextRetryDelay(retry, job.attempts) : null;
      await markFailed(db, worker, job.callRecordId, failure.message, delay);
      const level = delay === null ? "error" : "warn";
      jobLog[level](
        {
          reason: failure.message,
          retryInMs: delay,
          err: error instanceof ArchiveFailure ? undefined : error,
        },
        delay === null ? "recording archive failed for good" : "recording archive failed; it will be retried",
      );
      options.onAttempt?.("failed", 0);
    }
  }

  function run(job: ClaimedRecording): void {
    const done = attempt(job)
      .catch((error: unknown) => {
        // Recording the outcome failed (the database is away): the claim lapses and the job is retried.
        if (!stopping.signal.aborted)
          logger.warn({ err: error, icid: job.icid }, "recording archive outcome not saved");
      })
      .finally(() => {
        inFlight.delete(done);
        if (!stopping.signal.aborted) void claim();
      });
    inFlight.add(done);
  }

  /** Claim as many due jobs as there are free slots; resolves to how many were claimed. */
  function claim(): Promise<number> {
    if (claiming) {
      wakeAgain = true;
      return claiming;
    }
    claiming = (async () => {
      let claimed = 0;
      do {
        wakeAgain = false;
        const free = concurrency - inFlight.size;
        if (free <= 0 || stopping.signal.aborted) break;
        const jobs = await claimDueRecordings(db, worker, free, leaseMs);
        claimed += jobs.length;
        // Claimed while stopping: not started (their claims lapse, or are given back with the others).
        if (stopping.signal.aborted) break;
        for (const job of jobs) run(job);
      } while (wakeAgain);
      return claimed;
    })()
      .catch((error: unknown) => {
        if (!stopping.signal.aborted) logger.warn({ err: error }, "looking for recordings to archive failed");
        return 0;
      })
      .finally(() => {
        claiming = undefined;
      });
    return claiming;
  }

  function schedule(): void {
    if (stopping.signal.aborted) return;
    timer = setTimeout(() => {
      void claim().finally(schedule);
    }, pollIntervalMs);
    timer.unref();
  }

  return {
    start() {
      if (started) return;
      started = true;
      void claim();
      schedule();
    },
    wake() {
      if (started && !stopping.signal.aborted) void claim();
    },
    async drain(timeoutMs = 30_000) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        await Promise.all([...inFlight]);
        if ((await claim()) === 0 && inFlight.size === 0) return;
        if (Date.now() > deadline) throw new Error(`recordings still being archived after ${timeoutMs} ms`);
      }
    },
    async stop() {
      if (stopping.signal.aborted) return;
      stopping.abort();
      clearTimeout(timer);
      // Downloads end at once (aborted); a statement stuck on a silent database link is not waited for past
      // a bound: its claim lapses by itself, and another instance (or this one, restarted) takes the job.
      // A claim under way is not waited for: what it claims after this is not started, and lapses.
      const settled = await withinMs(
        Promise.allSettled([...inFlight]).then(() => true),
        STOP_WAIT_MS,
      );
      const released = settled
        ? await withinMs(
            releaseClaims(db, worker).catch((error: unknown) => {
              logger.warn({ err: error }, "giving back recording claims failed (they lapse by themselves)");
              return 0;
            }),
            STOP_WAIT_MS,
          )
        : undefined;
      if (released === undefined) {
        logger.warn("recording archive jobs in progress left to lapse: the database did not answer in time");
      } else if (released > 0) {
        logger.info({ released }, "recording archive jobs in progress given back");
      }
    },
  };
}

/**
 * Longest `stop` waits for work in progress, then for giving back the claims, in ms: both together stay well
 * inside the bound of one shutdown step (shared/shutdown-stack.ts), even on a loaded machine.
 */
const STOP_WAIT_MS = 1500;

/** Where a job's file goes: by the day its CDR arrived, named by the CDR's row (unique, unlike the icid). */
function storageKeyOf(job: ClaimedRecording, extension: string): string {
  const day = job.cdrReceivedAt.toISOString().slice(0, 10).replaceAll("-", "/");
  return `${day}/${job.callRecordId}.${extension}`;
}
