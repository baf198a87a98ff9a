// GET /recordings/<icid>: who may fetch an archived recording (signed link, operator or admin), and that it is
// served as a static file is (validators, conditional and partial requests, HEAD), streamed from the storage
// and let go when the client goes away.
import { mkdtemp, readdir, readlink, rm } from "node:fs/promises";
import { request as httpRequest } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Readable } from "node:stream";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { loadGatewaySecret } from "../src/database/gateway-secrets.js";
import { createRouteOf } from "../src/ops/http-route.js";
import { createDirectoryStorage } from "../src/recordings/directory-storage.js";
import { createRecordingLinks } from "../src/recordings/recording-links.js";
import type { RecordingStorage } from "../src/recordings/recording-storage.js";
import { type CapturedLog, captureLog } from "./support/captured-log.js";
import { createPostgresDatabase, type TestDatabase } from "./support/databases.js";
import { type As, authorizationFor, startGateway, type TestGateway, until } from "./support/gateway.js";
import { ARCHIVED_AT, archiveRecording, pushCdrs, testWav } from "./support/recordings.js";

const ICID = "icid-rec-1";
const NO_FILE_ICID = "icid-rec-lost";
const UNARCHIVED_ICID = "icid-rec-none";
const BIG_ICID = "icid-rec-big";
const DAMAGED_ICID = "icid-rec-damaged";
const WAV = testWav(4000);

/** Bytes read from the storage, by key. */
const bytesRead = new Map<string, number>();

// The storage, counting the bytes its read streams deliver.
function countingReads(storage: RecordingStorage): RecordingStorage {
  return {
    ...storage,
    async read(key, range) {
      const stream = await storage.read(key, range);
      stream?.on("data", (chunk: Buffer) => bytesRead.set(key, (bytesRead.get(key) ?? 0) + chunk.byteLength));
      return stream;
    },
  };
}

describe("GET /recordings/<icid>", () => {
  let gw: TestGateway;
  let dataDir: string;
  let log: CapturedLog;
  let etag: string;

  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), "privnum-recording-route-"));
    log = captureLog("info");
    gw = await startGateway(
      { dataDir },
      {
        logger: log.logger,
        recordingStorage: countingReads(createDirectoryStorage(join(dataDir, "recordings"))),
      },
    );
    await pushCdrs(gw.gateway, [ICID, NO_FILE_ICID, UNARCHIVED_ICID, BIG_ICID, DAMAGED_ICID]);
    etag = `"${(await archiveRecording(gw.gateway, ICID, WAV)).sha256}"`;
  });
  afterAll(async () => {
    await gw?.stop();
    if (dataDir) await rm(dataDir, { recursive: true, force: true });
  });

  async function get(
    path: string,
    as: As = "operator",
    headers: Record<string, string> = {},
    method = "GET",
  ): Promise<Response> {
    const authorization = authorizationFor(as);
    return await gw.gateway.yoga.fetch(`http://gateway.test${path}`, {
      method,
      headers: { ...(authorization ? { authorization } : {}), ...headers },
    });
  }
  const bytesOf = async (response: Response) => Buffer.from(await response.arrayBuffer());

  it("serves an operator the exact bytes, with the file's headers", async () => {
    const response = await get(`/recordings/${ICID}`);
    expect(response.status).toBe(200);
    expect(await bytesOf(response)).toEqual(WAV);
    expect(Object.fromEntries(response.headers)).toMatchObject({
      "content-type": "audio/wav",
      "content-length": String(WAV.byteLength),
      "accept-ranges": "bytes",
      etag,
      "last-modified": ARCHIVED_AT.toUTCString(),
      "content-disposition": `inline; filename="${ICID}.wav"`,
      "x-content-type-options": "nosniff",
      "cache-control": "private, max-age=86400, immutable",
      vary: "Authorization",
    });
    expect(etag).toMatch(/^"[0-9a-f]{64}"$/);
  });

  it("serves an admin", async () => {
    const response = await get(`/recordings/${ICID}`, "admin");
    expect(response.status).toBe(200);
    expect(await bytesOf(response)).toEqual(WAV);
  });

  it("refuses a viewer (403): viewers do not get recordings", async () => {
    const response = await get(`/recordings/${ICID}`, "viewer");
    expect(response.status).toBe(403);
    expect(response.headers.get("content-type")).toBe("application/json");
    expect((await response.json()).error).toMatch(/viewer role may not fetch recordings/);
  });

  it("asks an anonymous client for credentials (401 with WWW-Authenticate)", async () => {
    const response = await get(`/recordings/${ICID}`, null);
    expect(response.status).toBe(401);
    expect(response.headers.get("www-authenticate")).toBe('Bearer realm="privnum"');
    expect((await response.json()).error).toMatch(/^No credentials/);
  });

  it("refuses an unknown API key (401)", async () => {
    const response = await get(`/recordings/${ICID}`, { authorization: "Bearer not-a-key-of-this-gateway" });
    expect(response.status).toBe(401);
    expect(response.headers.get("www-authenticate")).toBe('Bearer realm="privnum"');
    expect((await response.json()).error).toBe("The API key is not one this gateway knows.");
  });

  it("tells an anonymous client nothing of an icid that has no recording (401, not 404)", async () => {
    const response = await get("/recordings/icid-that-was-never-pushed", null);
    expect(response.status).toBe(401);
  });

  it.each([
    ["bytes=0-99", 0, 99],
    ["bytes=-100", WAV.byteLength - 100, WAV.byteLength - 1],
    ["bytes=100-", 100, WAV.byteLength - 1],
  ])("answers one range (%s) with 206 and its bytes", async (range, start, end) => {
    const response = await get(`/recordings/${ICID}`, "operator", { range });
    expect(response.status).toBe(206);
    expect(response.headers.get("content-range")).toBe(`bytes ${start}-${end}/${WAV.byteLength}`);
    expect(response.headers.get("content-length")).toBe(String(end - start + 1));
    expect(response.headers.get("etag")).toBe(etag);
    expect(await bytesOf(response)).toEqual(WAV.subarray(start, end + 1));
  });

  it("answers a range past the end with 416 and the size", async () => {
    const response = await get(`/recordings/${ICID}`, "operator", { range: `bytes=${WAV.byteLength}-` });
    expect(response.status).toBe(416);
    expect(response.headers.get("content-range")).toBe(`bytes */${WAV.byteLength}`);
    expect((await response.json()).error).toMatch(/not within/);
  });

  it("answers several ranges, and a malformed Range, with the whole file (200)", async () => {
    for (const range of ["bytes=0-9,100-109", "bytes 0-9", "items=0-9"]) {
      const response = await get(`/recordings/${ICID}`, "operator", { range });
      expect(response.status, range).toBe(200);
      expect(response.headers.get("content-range"), range).toBeNull();
      expect(await bytesOf(response), range).toEqual(WAV);
    }
  });

  it("answers a current copy with 304 and no body (If-None-Match, then If-Modified-Since)", async () => {
    for (const headers of <Record<string, string>[]>[
      { "if-none-match": etag },
      { "if-none-match": `W/${etag}` },
      { "if-none-match": `"other", ${etag}` },
      { "if-none-match": "*" },
      { "if-modified-since": ARCHIVED_AT.toUTCString() },
      { "if-modified-since": new Date(ARCHIVED_AT.getTime() + 60_000).toUTCString() },
    ]) {
      const response = await get(`/recordings/${ICID}`, "operator", headers);
      expect(response.status, JSON.stringify(headers)).toBe(304);
      expect(response.headers.get("etag")).toBe(etag);
      expect(response.headers.get("cache-control")).toBe("private, max-age=86400, immutable");
      expect(await response.text()).toBe("");
    }
  });

  it("answers 200 when the client's copy is another (If-None-Match wins over If-Modified-Since)", async () => {
    for (const headers of <Record<string, string>[]>[
      { "if-none-match": '"other"' },
      { "if-none-match": '"other"', "if-modified-since": ARCHIVED_AT.toUTCString() },
      { "if-modified-since": new Date(ARCHIVED_AT.getTime() - 60_000).toUTCString() },
      { "if-modified-since": "not a date" },
    ]) {
      const response = await get(`/recordings/${ICID}`, "operator", headers);
      expect(response.status, JSON.stringify(headers)).toBe(200);
      expect(await bytesOf(response)).toEqual(WAV);
    }
  });

  it("honours Range only when If-Range names this file", async () => {
    const mismatch = await get(`/recordings/${ICID}`, "operator", {
      range: "bytes=0-99",
      "if-range": '"other"',
    });
    expect(mismatch.status).toBe(200);
    expect(await bytesOf(mismatch)).toEqual(WAV);
    const weak = await get(`/recordings/${ICID}`, "operator", {
      range: "bytes=0-99",
      "if-range": `W/${etag}`,
    });
    expect(weak.status).toBe(200);
    await weak.body?.cancel();
    const match = await get(`/recordings/${ICID}`, "operator", { range: "bytes=0-99", "if-range": etag });
    expect(match.status).toBe(206);
    expect(await bytesOf(match)).toEqual(WAV.subarray(0, 100));
    const date = await get(`/recordings/${ICID}`, "operator", {
      range: "bytes=0-99",
      "if-range": ARCHIVED_AT.toUTCString(),
    });
    expect(date.status).toBe(206);
    await date.body?.cancel();
  });

  it("answers HEAD with the headers of GET and no body", async () => {
    const head = await get(`/recordings/${ICID}`, "operator", {}, "HEAD");
    const full = await get(`/recordings/${ICID}`);
    await full.body?.cancel();
    expect(head.status).toBe(200);
    expect(Object.fromEntries(head.headers)).toEqual(Object.fromEntries(full.headers));
    expect(await head.text()).toBe("");
  });

  it("answers the same over the gateway's HTTP server (HEAD, 206, 304)", async () => {
    const url = `${gw.gateway.url}/recordings/${ICID}`;
    const authorization = authorizationFor("operator")!;
    const head = await fetch(url, { method: "HEAD", headers: { authorization } });
    expect(head.status).toBe(200);
    expect(head.headers.get("content-length")).toBe(String(WAV.byteLength));
    expect(head.headers.get("etag")).toBe(etag);
    const part = await fetch(url, { headers: { authorization, range: "bytes=10-19" } });
    expect(part.status).toBe(206);
    expect(Buffer.from(await part.arrayBuffer())).toEqual(WAV.subarray(10, 20));
    const current = await fetch(url, { headers: { authorization, "if-none-match": etag } });
    expect(current.status).toBe(304);
    expect(current.headers.get("etag")).toBe(etag);
  });

  it("serves a signed link without credentials, cacheable until the link expires", async () => {
    const before = Math.floor(Date.now() / 1000);
    const link = gw.gateway.services.recordingLinks.sign(ICID);
    const response = await get(link.path, null);
    const after = Math.ceil(Date.now() / 1000);
    expect(response.status).toBe(200);
    expect(await bytesOf(response)).toEqual(WAV);
    const expires = link.expiresAt.getTime() / 1000;
    const maxAge = Number(/^private, max-age=(\d+)$/.exec(response.headers.get("cache-control") ?? "")?.[1]);
    expect(maxAge).toBeGreaterThanOrEqual(expires - after);
    expect(maxAge).toBeLessThanOrEqual(expires - before);
    expect(response.headers.get("vary")).toBeNull();
  });

  it("refuses an expired link (403), saying to ask for a new one", async () => {
    const hourAgo = createRecordingLinks({
      secret: await loadGatewaySecret(gw.gateway.services.db, "recording-links"),
      ttlSeconds: 900,
      now: () => Date.now() - 3_600_000,
    });
    const response = await get(hourAgo.sign(ICID).path, null);
    expect(response.status).toBe(403);
    expect(await response.json()).toEqual({
      error: "This recording link has expired; ask the gateway for a new one (CallRecord.recording.url).",
    });
  });

  it("refuses a tampered link or another call's link (403), never saying which part was wrong", async () => {
    const link = new URL(gw.gateway.services.recordingLinks.sign(ICID).path, "http://gateway.test");
    const signature = link.searchParams.get("signature")!;
    const tampered = new URL(link);
    tampered.searchParams.set("signature", `${signature[0] === "A" ? "B" : "A"}${signature.slice(1)}`);
    const later = new URL(link);
    later.searchParams.set("expires", String(Number(link.searchParams.get("expires")) + 60));
    const other = new URL(
      gw.gateway.services.recordingLinks.sign(UNARCHIVED_ICID).path,
      "http://gateway.test",
    );
    other.pathname = `/recordings/${ICID}`;
    const messages = new Set<string>();
    for (const url of [tampered, later, other]) {
      // Credentials do not rescue a bad link: a query with `signature` is judged by the link alone.
      for (const as of [null, "admin"] as const) {
        const response = await get(`${url.pathname}${url.search}`, as);
        expect(response.status, url.search).toBe(403);
        messages.add((await response.json()).error);
      }
    }
    expect([...messages]).toEqual([
      "This recording link is not valid; ask the gateway for a new one (CallRecord.recording.url).",
    ]);
  });

  it("answers 404 for a call without an archived recording", async () => {
    for (const icid of [UNARCHIVED_ICID, "icid-that-was-never-pushed"]) {
      const response = await get(`/recordings/${icid}`);
      expect(response.status).toBe(404);
      expect(await response.json()).toEqual({ error: "No archived recording for this call." });
    }
  });

  it("answers 404, and logs an error, when the archive lost an archived recording's file", async () => {
    const { key } = await archiveRecording(gw.gateway, NO_FILE_ICID, WAV);
    expect(await gw.gateway.services.recordingStorage.delete(key)).toBe(true);
    for (const method of ["GET", "HEAD"]) {
      const response = await get(`/recordings/${NO_FILE_ICID}`, "operator", {}, method);
      expect(response.status).toBe(404);
      if (method === "GET") expect((await response.json()).error).toMatch(/file is missing/);
    }
    const errors = log.lines.filter((line) => line.level === 50 && line.storageKey === key);
    expect(errors).toHaveLength(2);
    expect(errors[0]).toMatchObject({ component: "recordings", msg: expect.stringMatching(/missing/) });
  });

  it("answers 500, and logs an error, for a file that is not the size its row records", async () => {
    const { key } = await archiveRecording(gw.gateway, DAMAGED_ICID, WAV);
    const storage = gw.gateway.services.recordingStorage;
    await (await storage.stage(Readable.from([WAV.subarray(0, 100)]), { maxBytes: 100 })).commit(key);
    const response = await get(`/recordings/${DAMAGED_ICID}`);
    expect(response.status).toBe(500);
    expect((await response.json()).error).toMatch(/does not match its record/);
    expect(log.lines.filter((line) => line.level === 50 && line.storageKey === key)).toEqual([
      expect.objectContaining({ stored: 100, recorded: WAV.byteLength }),
    ]);
  });

  it("answers another method 405 with Allow", async () => {
    const response = await get(`/recordings/${ICID}`, "operator", {}, "POST");
    expect(response.status).toBe(405);
    expect(response.headers.get("allow")).toBe("GET, HEAD");
  });

  it("refuses a path that is not one icid (400), before asking for credentials", async () => {
    for (const path of [
      "/recordings/",
      "/recordings/a%2Fb",
      "/recordings/a/b",
      "/recordings/%E0%A4%A",
      "/recordings/a%00b",
      `/recordings/${"x".repeat(257)}`,
    ]) {
      const response = await get(path, null);
      expect(response.status, path).toBe(400);
      expect((await response.json()).error, path).toMatch(/^The path must be \/recordings\/<icid>/);
    }
    const longest = await get(`/recordings/${"x".repeat(256)}`);
    expect(longest.status).toBe(404);
  });

  it("counts its requests under the route label `recordings`", () => {
    const routeOf = createRouteOf([]);
    expect(routeOf(`/recordings/${ICID}?expires=1&signature=x`)).toBe("recordings");
    expect(routeOf("/recordings")).toBe("other");
  });

  it.runIf(process.platform === "linux")(
    "closes the file when the client goes away mid-download (the file can then be deleted)",
    async () => {
      const size = 16 * 1024 * 1024;
      const { key } = await archiveRecording(gw.gateway, BIG_ICID, Buffer.alloc(size, 7));
      const path = join(dataDir, "recordings", key);
      const openOnFile = async () => {
        let count = 0;
        for (const fd of await readdir("/proc/self/fd")) {
          const target = await readlink(join("/proc/self/fd", fd)).catch(() => "");
          if (target === path) count++;
        }
        return count;
      };
      const unexpected = vi.spyOn(console, "error");
      try {
        let received = 0;
        const request = httpRequest(`${gw.gateway.url}/recordings/${BIG_ICID}`, {
          headers: { authorization: authorizationFor("operator")! },
        });
        const firstChunk = new Promise<void>((resolve, reject) => {
          request.once("error", reject);
          request.once("response", (response) => {
            expect(response.statusCode).toBe(200);
            response.once("data", (chunk: Buffer) => {
              received += chunk.byteLength;
              // Read no more: the server blocks on the full socket with the file open.
              response.pause();
              resolve();
            });
          });
        });
        request.end();
        await firstChunk;
        await until(async () => (await openOnFile()) === 1, "the file open while it is sent");
        request.destroy();
        await until(async () => (await openOnFile()) === 0, "the file closed once the client went away");
        expect(received).toBeLessThan(size);
        // Reading stopped with the client: the rest of the file was never read.
        expect(bytesRead.get(key)).toBeLessThan(size);
        expect(await gw.gateway.services.recordingStorage.delete(key)).toBe(true);
        // The gateway goes on serving, and the abandoned answer was no error.
        const response = await get(`/recordings/${ICID}`);
        expect(response.status).toBe(200);
        await response.body?.cancel();
        expect(unexpected).not.toHaveBeenCalled();
        expect(log.lines.filter((line) => line.level === 50 && line.storageKey === key)).toEqual([]);
      } finally {
        unexpected.mockRestore();
      }
    },
  );
});

describe("GET /recordings/<icid> across instances on PostgreSQL", () => {
  let database: TestDatabase;
  let dataDir: string;
  const gateways: TestGateway[] = [];

  beforeAll(async () => {
    database = await createPostgresDatabase();
    dataDir = await mkdtemp(join(tmpdir(), "privnum-recording-route-pg-"));
  });
  afterAll(async () => {
    await Promise.all(gateways.map((gateway) => gateway.stop()));
    await database?.drop();
    if (dataDir) await rm(dataDir, { recursive: true, force: true });
  });

  // Instances share the database and the recordings directory (RECORDINGS_DIR on a shared filesystem).
  async function start(): Promise<TestGateway> {
    const gateway = await startGateway({
      database: database.config,
      dataDir,
    });
    gateways.push(gateway);
    return gateway;
  }

  it("accepts on one instance a link another signed, with the key kept across restarts", async () => {
    const a = await start();
    const b = await start();
    await pushCdrs(a.gateway, [ICID]);
    await archiveRecording(a.gateway, ICID, WAV);
    const link = a.gateway.services.recordingLinks.sign(ICID);

    const fromB = await fetch(`${b.gateway.url}${link.path}`);
    expect(fromB.status).toBe(200);
    expect(Buffer.from(await fromB.arrayBuffer())).toEqual(WAV);

    await a.stop();
    await b.stop();
    gateways.length = 0;
    const restarted = await start();
    const afterRestart = await fetch(`${restarted.gateway.url}${link.path}`);
    expect(afterRestart.status).toBe(200);
    expect(Buffer.from(await afterRestart.arrayBuffer())).toEqual(WAV);
  });
});
