import { mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createAxeClient } from "@privnum/axe-api";
import { createSimulator, type Simulator } from "@privnum/axe-simulator";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ArchiveFailure } from "../src/recordings/archive-failure.js";
import { DEFAULT_ARCHIVE_RETRY_POLICY, nextRetryDelay } from "../src/recordings/archive-retry-policy.js";
import { createDirectoryStorage } from "../src/recordings/directory-storage.js";
import type { ClaimedRecording } from "../src/recordings/recording.repository.js";
import { type FetchRecordingDeps, fetchRecording } from "../src/recordings/recording-download.js";

const X = "+8617000000001";
const APP = { appKey: "download-app", appSecret: "download-secret" };
const NO_RECORDING_APP = { appKey: "no-recording-app", appSecret: "no-recording-secret" };

describe("fetching one recording", () => {
  let simulator: Simulator;
  let storageDir: string;
  let fileName: string;
  let downloadUrl: string;

  const deps = (app = APP, overrides: Partial<FetchRecordingDeps> = {}): FetchRecordingDeps => ({
    platform: () =>
      createAxeClient({ baseUrl: simulator.url!, ...app, scheme: "aksk", retry: { retries: 0 } } as never),
    storage: createDirectoryStorage(storageDir),
    maxBytes: 10 * 1024 * 1024,
    signal: new AbortController().signal,
    timeoutMs: 10_000,
    now: Date.now,
    ...overrides,
  });
  const job = (overrides: Partial<ClaimedRecording> = {}): ClaimedRecording => ({
    callRecordId: 1,
    icid: "icid-1",
    attempts: 1,
    recordDomain: "recordings.axe-simulator.local",
    recordObjectName: fileName,
    downloadUrl: null,
    cdrReceivedAt: new Date(),
    ...overrides,
  });
  const failureOf = async (promise: Promise<unknown>) => {
    const error = await promise.then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(ArchiveFailure);
    return error as ArchiveFailure;
  };

  beforeAll(async () => {
    storageDir = mkdtempSync(join(tmpdir(), "privnum-download-"));
    simulator = createSimulator({
      port: 0,
      timeScale: 0,
      apps: [
        { ...APP, virtualNumbers: [{ number: X }], recordingEnabled: true },
        { ...NO_RECORDING_APP, virtualNumbers: [{ number: "+8617000000002" }], recordingEnabled: false },
      ],
    });
    await simulator.start();
    const client = createAxeClient({ baseUrl: simulator.url!, ...APP, scheme: "aksk" });
    const binding = await client.createBinding({
      bindNum: "+8613800000401",
      virtualNum: X,
      recordFlag: true,
    });
    const placed = await simulator.simulateCall({
      caller: "+8613900000401",
      virtualNum: X,
      digits: binding.extendNum!,
      talkSeconds: 10,
    });
    await simulator.clock.advance(120_000);
    fileName = placed.cdr.recordObjectName as string;
    downloadUrl = `${simulator.url}/recordings/${encodeURIComponent(fileName)}`;
  });
  afterAll(async () => {
    await simulator?.stop();
    rmSync(storageDir, { recursive: true, force: true });
  });

  it("stages the whole file through the platform's URL, or the CDR's direct URL, sniffed as audio", async () => {
    for (const asked of [job(), job({ recordDomain: null, recordObjectName: null, downloadUrl })]) {
      const fetched = await fetchRecording(asked, deps());
      expect(fetched).toMatchObject({ mime: "audio/wav", extension: "wav" });
      expect(Buffer.from(fetched.staged.head.subarray(0, 4)).toString("ascii")).toBe("RIFF");
      expect(fetched.staged.size).toBeGreaterThan(44);
      await fetched.staged.discard();
    }
    expect(readdirSync(join(storageDir, ".staging"))).toEqual([]);
  });

  it("1012007 (the platform has no such file): expired, not retried", async () => {
    const failure = await failureOf(fetchRecording(job({ recordObjectName: "gone.wav" }), deps()));
    expect(failure).toMatchObject({ outcome: "expired", retry: false });
    expect(failure.message).toMatch(/1012007/);
  });

  it("1012012 (recording not enabled for the app): failed at once, not retried", async () => {
    const failure = await failureOf(fetchRecording(job(), deps(NO_RECORDING_APP)));
    expect(failure).toMatchObject({ outcome: "failed", retry: false });
    expect(failure.message).toBe(
      "recording is not enabled for this app (1012012 Application does not open recording function.)",
    );
  });

  it("a platform error (500): failed and retried", async () => {
    simulator.setFaults({ api: { error500: 1 } });
    try {
      const failure = await failureOf(fetchRecording(job(), deps()));
      expect(failure).toMatchObject({ outcome: "failed", retry: true });
      expect(failure.message).toMatch(/^the platform refused the download URL: platform \(1010001/);
    } finally {
      simulator.setFaults({ api: {} });
    }
  });

  it("a direct URL that answers 404: retried within the platform's 7 days, expired after them", async () => {
    const missing = job({
      recordDomain: null,
      recordObjectName: null,
      downloadUrl: `${simulator.url}/recordings/none.wav`,
    });
    expect(await failureOf(fetchRecording(missing, deps()))).toMatchObject({
      outcome: "failed",
      retry: true,
    });
    const old = { ...missing, cdrReceivedAt: new Date(Date.now() - 8 * 24 * 3600 * 1000) };
    expect(await failureOf(fetchRecording(old, deps()))).toMatchObject({ outcome: "expired", retry: false });
  });

  it("a direct URL that is not http(s), and a file over RECORDINGS_MAX_BYTES: failed, not retried, nothing kept", async () => {
    const ftp = job({ recordDomain: null, recordObjectName: null, downloadUrl: "ftp://example.com/a.wav" });
    expect(await failureOf(fetchRecording(ftp, deps()))).toMatchObject({ outcome: "failed", retry: false });
    const tooLarge = await failureOf(fetchRecording(job(), deps(APP, { maxBytes: 1000 })));
    expect(tooLarge).toMatchObject({ outcome: "failed", retry: false });
    expect(tooLarge.message).toMatch(/larger than 1000 bytes/);
    expect(readdirSync(join(storageDir, ".staging"))).toEqual([]);
  });

  it("a download cut midway, and an HTML page served as 200: failed and retried, nothing kept", async () => {
    simulator.setFaults({ recording: { cutMidway: 1 } });
    const cut = await failureOf(fetchRecording(job(), deps()));
    expect(cut).toMatchObject({ outcome: "failed", retry: true, storage: false });
    expect(cut.message).toMatch(/^the download broke off/);
    simulator.setFaults({ recording: { notAudio: 1 } });
    const page = await failureOf(fetchRecording(job(), deps()));
    expect(page).toMatchObject({ outcome: "failed", retry: true });
    expect(page.message).toMatch(/^the file is not audio \(served as text\/html/);
    simulator.setFaults({ recording: {} });
    expect(readdirSync(join(storageDir, ".staging"))).toEqual([]);
  });
});

describe("the retry policy", () => {
  it("doubles from the base up to the maximum, spread by ±20 %, and stops after the last attempt", () => {
    const policy = { baseMs: 1000, maxMs: 10_000, maxAttempts: 6 };
    expect([1, 2, 3, 4, 5].map((n) => nextRetryDelay(policy, n, () => 0.5))).toEqual([
      1000, 2000, 4000, 8000, 10_000,
    ]);
    expect(nextRetryDelay(policy, 6)).toBeNull();
    expect(nextRetryDelay(policy, 1, () => 0)).toBe(800);
    expect(nextRetryDelay(policy, 1, () => 1)).toBe(1200);
    expect(nextRetryDelay(DEFAULT_ARCHIVE_RETRY_POLICY, DEFAULT_ARCHIVE_RETRY_POLICY.maxAttempts)).toBeNull();
  });
});
