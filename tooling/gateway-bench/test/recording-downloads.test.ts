// P9's raw baseline against a stand-in platform: every file whole and counted, no more downloads at once than
// asked, the URL request signed and its 301 read rather than followed, and failures counted, not thrown.
import { createServer, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { downloadRecordings, RECORDING_URL_PATH } from "../src/lib/recording-downloads.js";

const credentials = { appKey: "bench-app", appSecret: "bench-secret" };
/** The stand-in's files by name: distinct sizes, so that a lost or doubled count shows in the sum. */
const FILES = new Map<string, number>(
  Array.from({ length: 12 }, (_, i) => [`rec-${i}.wav`, 1000 + i * 997] as const),
);
const TOTAL_BYTES = [...FILES.values()].reduce((sum, size) => sum + size, 0);

let server: Server;
let platformUrl: string;
let inFlight = 0;
let mostInFlight = 0;
const urlRequests: IncomingMessage["headers"][] = [];

beforeAll(async () => {
  server = createServer((req, res) => {
    const url = new URL(req.url ?? "/", "http://127.0.0.1");
    if (url.pathname === RECORDING_URL_PATH) {
      urlRequests.push(req.headers);
      const name = url.searchParams.get("fileName") ?? "";
      if (
        url.searchParams.get("recordDomain") !== "sim.example" ||
        !(FILES.has(name) || name === "gone.wav")
      ) {
        res.writeHead(200, { "content-type": "application/json" });
        res.end(JSON.stringify({ resultcode: "1016001", resultdesc: "The record does not exist." }));
        return;
      }
      res.writeHead(301, { location: `/recordings/${encodeURIComponent(name)}` });
      res.end();
      return;
    }
    const size = FILES.get(decodeURIComponent(url.pathname.replace("/recordings/", "")));
    if (!url.pathname.startsWith("/recordings/") || size === undefined) {
      res.writeHead(404);
      res.end();
      return;
    }
    // Held open a little, so that the loop's downloads overlap and the bound on them is exercised.
    inFlight++;
    mostInFlight = Math.max(mostInFlight, inFlight);
    setTimeout(() => {
      inFlight--;
      res.writeHead(200, { "content-type": "audio/wav", "content-length": size });
      res.end(Buffer.alloc(size, 1));
    }, 20);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  platformUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  await new Promise((resolve) => server.close(resolve));
});

const ref = (fileName: string) => ({ recordDomain: "sim.example", fileName });

describe("raw recording downloads (P9's baseline)", () => {
  it("writes every file whole, counts their bytes exactly, and keeps to the concurrency asked", async () => {
    mostInFlight = 0;
    urlRequests.length = 0;
    const run = await downloadRecordings({
      platformUrl,
      credentials,
      recordings: [...FILES.keys()].map(ref),
      concurrency: 2,
    });
    expect(run).toMatchObject({ files: FILES.size, bytes: TOTAL_BYTES, failed: 0, errorSamples: [] });
    expect(mostInFlight).toBeGreaterThan(0);
    expect(mostInFlight).toBeLessThanOrEqual(2);
    expect(run.elapsedMs).toBeGreaterThan(0);
    // Each URL request is signed with the app's own credentials (a fresh token each time).
    expect(urlRequests).toHaveLength(FILES.size);
    for (const headers of urlRequests) {
      expect(headers.authorization).toMatch(/^AKSK /);
      expect(headers["x-aksk"]).toContain('Username="bench-app"');
    }
    expect(new Set(urlRequests.map((h) => h["x-aksk"])).size).toBe(FILES.size);
  });

  it("counts a refused URL request and a failed download as failures, and still fetches the rest", async () => {
    const run = await downloadRecordings({
      platformUrl,
      credentials,
      recordings: [ref("rec-0.wav"), ref("unknown.wav"), ref("gone.wav"), ref("rec-1.wav")],
      concurrency: 1,
    });
    expect(run.files).toBe(2);
    expect(run.bytes).toBe(FILES.get("rec-0.wav")! + FILES.get("rec-1.wav")!);
    expect(run.failed).toBe(2);
    expect(run.errorSamples).toEqual([
      "GetRecordingDownloadUrl answered HTTP 200 without Location",
      "the download answered HTTP 404",
    ]);
  });

  it("counts a platform that cannot be reached as failures", async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, "127.0.0.1", resolve));
    const url = `http://127.0.0.1:${(closed.address() as AddressInfo).port}`;
    await new Promise((resolve) => closed.close(resolve));
    const run = await downloadRecordings({
      platformUrl: url,
      credentials,
      recordings: [ref("rec-0.wav")],
      concurrency: 2,
    });
    expect(run).toMatchObject({ files: 0, bytes: 0, failed: 1 });
    expect(run.errorSamples[0]).toBe("fetch failed");
  });

  it("refuses a concurrency that is not a positive integer", async () => {
    for (const concurrency of [0, -1, 1.5]) {
      await expect(
        downloadRecordings({ platformUrl, credentials, recordings: [ref("rec-0.wav")], concurrency }),
      ).rejects.toThrow(/concurrency must be a positive integer/);
    }
  });
});
