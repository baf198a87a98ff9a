import { type AxeApiError, type AxeClient, isAxeApiError } from "@privnum/axe-api";
import { ArchiveFailure } from "./archive-failure.js";
import { sniffAudioType } from "./audio-type.js";
import type { ClaimedRecording } from "./recording.repository.js";
import {
  type RecordingStorage,
  RecordingStorageError,
  RecordingTooLargeError,
  type StagedFile,
} from "./recording-storage.js";

/** How long the platform keeps a recording after its CDR (docs/axe-platform.md §9). */
const PLATFORM_RETENTION_MS = 7 * 24 * 60 * 60 * 1000;

/** The platform's answer "recording is not enabled for this app". */
const RECORDING_NOT_ENABLED = "1012012";

/** A recording fetched into staging, ready to commit. */
export interface FetchedRecording {
  staged: StagedFile;
  mime: string;
  extension: string;
}

/** What {@link fetchRecording} needs. */
export interface FetchRecordingDeps {
  platform: () => Pick<AxeClient, "getRecordingDownloadUrl">;
  storage: RecordingStorage;
  /** `RECORDINGS_MAX_BYTES`. */
  maxBytes: number;
  /** Aborts the attempt (the gateway stops). */
  signal: AbortSignal;
  /** Longest one download may take, in ms. */
  timeoutMs: number;
  /** The wall clock, in ms. */
  now: () => number;
}

/**
 * Fetch one recording into staging: its download URL from the platform (GetRecordingDownloadUrl with the CDR's
 * `recordDomain` and `recordObjectName`), or the CDR's `recordFileDownloadUrl`; then the file, streamed to the
 * storage, measured, hashed and checked to be audio. Nothing is committed here; every failure is an
 * {@link ArchiveFailure} and leaves nothing behind.
 */
export async function fetchRecording(
  job: ClaimedRecording,
  deps: FetchRecordingDeps,
): Promise<FetchedRecording> {
  const url = await downloadUrlOf(job, deps);
  const signal = AbortSignal.any([deps.signal, AbortSignal.timeout(deps.timeoutMs)]);
  let response: Response;
  try {
    response = await fetch(url, { signal, redirect: "follow" });
  } catch (error) {
    throw downloadFailure("the download could not start", error, deps.signal);
  }
  if (response.status !== 200) {
    await response.body?.cancel().catch(() => {});
    const gone = response.status === 404 || response.status === 410;
    if (gone && deps.now() - job.cdrReceivedAt.getTime() >= PLATFORM_RETENTION_MS) {
      throw new ArchiveFailure(
        "expired",
        `the download answered ${response.status}, more than 7 days after the CDR (the platform deletes recordings then)`,
        false,
      );
    }
    throw new ArchiveFailure("failed", `the download answered HTTP ${response.status}`, true);
  }
  const declaredLength = Number(response.headers.get("content-length") ?? Number.NaN);
  if (declaredLength > deps.maxBytes) {
    await response.body?.cancel().catch(() => {});
    throw new ArchiveFailure("failed", new RecordingTooLargeError(deps.maxBytes).message, false);
  }
  if (!response.body) throw new ArchiveFailure("failed", "the download had no body", true);
  let staged: StagedFile;
  try {
    // Node's web streams are async iterable (the DOM typings do not say so). Iterated directly: through
    // `Readable.fromWeb`, a body cut midway also surfaced as an unhandled "terminated" error.
    const body = response.body as unknown as AsyncIterable<Uint8Array>;
    staged = await deps.storage.stage(body, { maxBytes: deps.maxBytes });
  } catch (error) {
    if (error instanceof RecordingStorageError) {
      throw new ArchiveFailure("failed", `the storage cannot write: ${error.message}`, true, true, {
        cause: error,
      });
    }
    if (error instanceof RecordingTooLargeError) throw new ArchiveFailure("failed", error.message, false);
    throw downloadFailure("the download broke off", error, deps.signal);
  }
  if (Number.isFinite(declaredLength) && staged.size !== declaredLength) {
    await staged.discard();
    throw new ArchiveFailure(
      "failed",
      `the download broke off: ${staged.size} of ${declaredLength} bytes received`,
      true,
    );
  }
  const type = await sniffAudioType(staged.head);
  if (!type) {
    await staged.discard();
    const declared = (response.headers.get("content-type") ?? "no type").split(";", 1)[0]!.slice(0, 100);
    throw new ArchiveFailure(
      "failed",
      `the file is not audio (served as ${declared}, ${staged.size} bytes)`,
      true,
    );
  }
  return { staged, mime: type.mime, extension: type.extension };
}

async function downloadUrlOf(job: ClaimedRecording, deps: FetchRecordingDeps): Promise<string> {
  if (job.recordDomain && job.recordObjectName) {
    try {
      return await deps
        .platform()
        .getRecordingDownloadUrl(
          { recordDomain: job.recordDomain, fileName: job.recordObjectName },
          { signal: deps.signal },
        );
    } catch (error) {
      throw platformFailure(error, deps.signal);
    }
  }
  const direct = job.downloadUrl ?? "";
  if (!URL.canParse(direct) || !/^https?:$/.test(new URL(direct).protocol)) {
    throw new ArchiveFailure("failed", "the CDR's recordFileDownloadUrl is not an http(s) URL", false);
  }
  return direct;
}

function platformFailure(error: unknown, stopping: AbortSignal): ArchiveFailure {
  if (stopping.aborted)
    return new ArchiveFailure("failed", "the gateway stopped", true, false, { cause: error });
  if (!isAxeApiError(error)) {
    return new ArchiveFailure("failed", `asking the platform for the download URL failed`, true, false, {
      cause: error,
    });
  }
  const e = error as AxeApiError;
  const code = e.resultcode ? ` (${e.resultcode}${e.resultdesc ? ` ${e.resultdesc}` : ""})` : "";
  if (e.category === "not-found") {
    return new ArchiveFailure("expired", `the platform no longer has the recording${code}`, false, false, {
      cause: error,
    });
  }
  if (e.resultcode === RECORDING_NOT_ENABLED) {
    return new ArchiveFailure("failed", `recording is not enabled for this app${code}`, false, false, {
      cause: error,
    });
  }
  return new ArchiveFailure(
    "failed",
    `the platform refused the download URL: ${e.category}${code}`,
    true,
    false,
    {
      cause: error,
    },
  );
}

function downloadFailure(what: string, error: unknown, stopping: AbortSignal): ArchiveFailure {
  if (stopping.aborted)
    return new ArchiveFailure("failed", "the gateway stopped", true, false, { cause: error });
  const timedOut = (error as Error | null)?.name === "TimeoutError";
  const cause = (error as { cause?: { message?: string } } | null)?.cause;
  const detail = timedOut
    ? "timed out"
    : (cause?.message ?? (error as Error | null)?.message ?? String(error));
  return new ArchiveFailure("failed", `${what}: ${detail}`, true, false, { cause: error });
}
