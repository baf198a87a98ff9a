// P9's raw baseline: recordings fetched as the gateway's archiver fetches them, without the gateway: the
// platform's GetRecordingDownloadUrl (signed, its 301 read and not followed, as @privnum/axe-api does), then the
// file, streamed to a temp file; a fixed number at once, no database, no checks beyond the HTTP status.
import { createWriteStream } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import type { ReadableStream } from "node:stream/web";
import { signUsernameToken } from "@privnum/wsse-auth";
import type { Credentials } from "./jobs.js";

/** The platform's recording download address API (docs/axe-platform.md §9; `RECORDING_PATH` of @privnum/axe-api). */
export const RECORDING_URL_PATH = "/rest/provision/voice/record/v1.0";

/** A recording as a CDR names it. */
export interface RecordingRef {
  recordDomain: string;
  fileName: string;
}

/** What {@link downloadRecordings} needs. */
export interface DownloadRecordingsOptions {
  /** Base URL of the platform (the embedded simulator). */
  platformUrl: string;
  /** The app whose credentials sign GetRecordingDownloadUrl. */
  credentials: Credentials;
  recordings: readonly RecordingRef[];
  /** Downloads at once (the archiver's concurrency). */
  concurrency: number;
  /** Longest one download (URL and file) may take, in ms. @default 30000 */
  timeoutMs?: number;
}

/** What {@link downloadRecordings} did. */
export interface DownloadRun {
  /** Files written whole. */
  files: number;
  bytes: number;
  /** Recordings whose URL request or download failed. */
  failed: number;
  /** The first few failures, in words (never a URL: the platform's carry signatures). */
  errorSamples: string[];
  /** From the first request to the last file written, in ms. */
  elapsedMs: number;
  /** CPU this process used meanwhile, in ms (user + system). */
  cpuMs: number;
}

const MAX_ERROR_SAMPLES = 5;

/**
 * Fetch every recording of `options.recordings`, `concurrency` at a time, each into a file of a temp directory
 * removed at the end. A failed recording is counted, never thrown: the run reports its failures.
 */
export async function downloadRecordings(options: DownloadRecordingsOptions): Promise<DownloadRun> {
  if (!Number.isInteger(options.concurrency) || options.concurrency < 1) {
    throw new Error(`concurrency must be a positive integer (got ${options.concurrency})`);
  }
  const timeoutMs = options.timeoutMs ?? 30_000;
  const dir = await mkdtemp(join(tmpdir(), "privnum-bench-raw-recordings-"));
  const run: DownloadRun = { files: 0, bytes: 0, failed: 0, errorSamples: [], elapsedMs: 0, cpuMs: 0 };
  let next = 0;
  const worker = async () => {
    for (let i = next++; i < options.recordings.length; i = next++) {
      try {
        // Awaited first: `run.bytes += await …` would read the sum before the other downloads add to it.
        const bytes = await downloadOne(options, options.recordings[i]!, join(dir, `${i}.wav`), timeoutMs);
        run.bytes += bytes;
        run.files++;
      } catch (error) {
        run.failed++;
        if (run.errorSamples.length < MAX_ERROR_SAMPLES) run.errorSamples.push((error as Error).message);
      }
    }
  };
  const cpu = process.cpuUsage();
  const started = performance.now();
  try {
    await Promise.all(Array.from({ length: options.concurrency }, worker));
    run.elapsedMs = performance.now() - started;
    const used = process.cpuUsage(cpu);
    run.cpuMs = (used.user + used.system) / 1000;
    return run;
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** One recording: its URL, then its file into `path`; resolves to the bytes written. */
async function downloadOne(
  options: DownloadRecordingsOptions,
  recording: RecordingRef,
  path: string,
  timeoutMs: number,
): Promise<number> {
  const signal = AbortSignal.timeout(timeoutMs);
  const url = new URL(RECORDING_URL_PATH, options.platformUrl);
  url.searchParams.set("recordDomain", recording.recordDomain);
  url.searchParams.set("fileName", recording.fileName);
  const signed = signUsernameToken(options.credentials);
  const answer = await fetch(url, {
    headers: { ...signed.headers, Accept: "application/json" },
    redirect: "manual",
    signal,
  });
  await answer.body?.cancel();
  const location = answer.headers.get("location");
  if (answer.status !== 301 || !location) {
    throw new Error(
      `GetRecordingDownloadUrl answered HTTP ${answer.status}${location ? "" : " without Location"}`,
    );
  }
  const file = await fetch(new URL(location, url), { signal });
  if (file.status !== 200 || !file.body) {
    await file.body?.cancel();
    throw new Error(`the download answered HTTP ${file.status}`);
  }
  const out = createWriteStream(path);
  await pipeline(Readable.fromWeb(file.body as ReadableStream<Uint8Array>), out);
  return out.bytesWritten;
}
