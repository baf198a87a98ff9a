import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import {
  createSimulator,
  type FaultConfig,
  type Simulator,
  type SimulatorConfig,
  SimulatorConfigError,
} from "../src/index.js";
import { bind, call, MINUTE, startSimulator, X1 } from "./helpers.js";

const A = "+8613800000021";
const B = "+8613900000031";
const RECORD = "/rest/provision/voice/record/v1.0";

/** What a client got from one download. */
interface Download {
  status: number;
  contentType: string | null;
  contentLength: number | null;
  /** The bytes that arrived before the body ended or failed. */
  bytes: Buffer;
  /** The error that ended the body, when it did not complete. */
  error?: Error;
}

/** Downloads `url` with fetch (undici), keeping every byte that arrives and the error that ends the body, if any. */
async function download(url: string, method: "GET" | "HEAD" = "GET"): Promise<Download> {
  const res = await fetch(url, { method });
  const length = res.headers.get("content-length");
  const chunks: Uint8Array[] = [];
  let error: Error | undefined;
  if (res.body) {
    const reader = res.body.getReader();
    try {
      for (;;) {
        const { done, value } = await reader.read();
        if (done) break;
        chunks.push(value);
      }
    } catch (e) {
      error = e as Error;
    }
  }
  return {
    status: res.status,
    contentType: res.headers.get("content-type"),
    contentLength: length === null ? null : Number(length),
    bytes: Buffer.concat(chunks),
    ...(error ? { error } : {}),
  };
}

/** Names what a download turned out to be: the real WAV, a cut WAV, or an HTML page. */
function kindOf(d: Download): "wav" | "cut" | "html" {
  if (d.error) return "cut";
  if (d.contentType?.startsWith("text/html")) return "html";
  return "wav";
}

function expectRealWav(d: Download): void {
  expect(d.error).toBeUndefined();
  expect(d.status).toBe(200);
  expect(d.contentType).toBe("audio/wav");
  expect(d.bytes.toString("ascii", 0, 4)).toBe("RIFF");
  expect(d.bytes.toString("ascii", 8, 12)).toBe("WAVE");
  expect(d.bytes.length).toBe(d.contentLength);
  expect(d.bytes.readUInt32LE(40)).toBe(d.bytes.length - 44);
}

describe("recording download faults", () => {
  const sims: Simulator[] = [];
  const dirs: string[] = [];
  afterEach(async () => {
    for (const s of sims.splice(0)) await s.stop();
    for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
  });

  async function start(config: SimulatorConfig = {}): Promise<Simulator> {
    const sim = await startSimulator(config);
    sims.push(sim);
    return sim;
  }

  /** A simulator holding one finished recorded call; returns the CDR's recording fields. */
  async function withRecording(
    config: SimulatorConfig = {},
  ): Promise<{ sim: Simulator; recordDomain: string; fileName: string; downloadUrl: string }> {
    const sim = await start(config);
    await bind(sim, { bindNum: A, recordFlag: "true" });
    const { cdr } = await sim.simulateCall({ caller: B, virtualNum: X1, digits: "0001", talkSeconds: 12 });
    await sim.clock.advance(MINUTE);
    return {
      sim,
      recordDomain: String(cdr.recordDomain),
      fileName: String(cdr.recordObjectName),
      downloadUrl: String(cdr.recordFileDownloadUrl),
    };
  }

  /** Where the recording API's 301 points (the way the gateway finds the file). */
  async function locationOf(ref: {
    sim: Simulator;
    recordDomain: string;
    fileName: string;
  }): Promise<string> {
    const res = await call(ref.sim, {
      path: RECORD,
      query: { recordDomain: ref.recordDomain, fileName: ref.fileName },
    });
    expect(res.status).toBe(301);
    return res.headers.get("location")!;
  }

  it("cutMidway starts a normal WAV download, sends about half of it, then drops the connection", async () => {
    const ref = await withRecording({ faults: { recording: { cutMidway: 1 } } });
    const d = await download(await locationOf(ref));
    expect(d.status).toBe(200);
    expect(d.contentType).toBe("audio/wav");
    expect(d.contentLength).toBeGreaterThan(44);
    // The client sees an error (undici: "terminated", the other side closed), never a complete file.
    expect(d.error).toBeInstanceOf(Error);
    expect(d.error?.message).toMatch(/terminated/);
    expect(d.bytes.length).toBeLessThan(d.contentLength!);
    expect(d.bytes.length).toBe(Math.floor(d.contentLength! / 2));
    // What arrived is the start of the real file: a sniffer would still see a WAV.
    expect(d.bytes.toString("ascii", 0, 4)).toBe("RIFF");
    expect(d.bytes.toString("ascii", 8, 12)).toBe("WAVE");
  });

  it("cutMidway also cuts the CDR's recordFileDownloadUrl (the same file)", async () => {
    const ref = await withRecording({ faults: { recording: { cutMidway: 1 } } });
    expect(ref.downloadUrl).toBe(await locationOf(ref));
    const d = await download(ref.downloadUrl);
    expect(d.error).toBeInstanceOf(Error);
    expect(d.bytes.length).toBeLessThan(d.contentLength!);
  });

  it("notAudio answers 200 with an HTML error page instead of the WAV", async () => {
    const ref = await withRecording({ faults: { recording: { notAudio: 1 } } });
    const d = await download(await locationOf(ref));
    expect(d.error).toBeUndefined();
    expect(d.status).toBe(200);
    expect(d.contentType).toBe("text/html; charset=utf-8");
    const text = d.bytes.toString("utf8");
    expect(text.startsWith("<!DOCTYPE html>")).toBe(true);
    expect(text).toContain("</html>");
    expect(d.bytes.toString("ascii", 0, 4)).not.toBe("RIFF");
    expect(d.bytes.length).toBe(d.contentLength);
  });

  it("with rates 0 the real WAV comes back", async () => {
    const ref = await withRecording({ faults: { recording: { cutMidway: 0, notAudio: 0 } } });
    expectRealWav(await download(await locationOf(ref)));
  });

  it("never faults a HEAD request", async () => {
    const ref = await withRecording({ faults: { recording: { cutMidway: 1, notAudio: 1 } } });
    const d = await download(ref.downloadUrl, "HEAD");
    expect(d.status).toBe(200);
    expect(d.contentType).toBe("audio/wav");
    expect(d.error).toBeUndefined();
  });

  it("leaves a missing recording a plain 404", async () => {
    const sim = await start({ faults: { recording: { cutMidway: 1, notAudio: 1 } } });
    const d = await download(`${sim.url}/recordings/nope.wav`);
    expect(d.status).toBe(404);
    expect(d.error).toBeUndefined();
  });

  it("is set, shown and cleared at run time through /simulator/faults", async () => {
    const ref = await withRecording();
    const url = ref.downloadUrl;
    const faults = (method: string, body?: unknown) =>
      fetch(`${ref.sim.url}/simulator/faults`, {
        method,
        headers: { "content-type": "application/json" },
        ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
      });

    const set = await faults("PUT", { recording: { notAudio: 1 } });
    expect(set.status).toBe(200);
    expect(await set.json()).toEqual({ recording: { notAudio: 1 } });
    expect(await (await faults("GET")).json()).toEqual({ recording: { notAudio: 1 } });
    expect(ref.sim.state().faults).toEqual({ recording: { notAudio: 1 } });
    expect(kindOf(await download(url))).toBe("html");

    await faults("PUT", { recording: { cutMidway: 1 } });
    expect(kindOf(await download(url))).toBe("cut");

    expect(await (await faults("PUT", { recording: {} })).json()).toEqual({ recording: {} });
    expectRealWav(await download(url));
  });

  it("rejects rates outside 0..1 and unknown keys (400 from PUT /simulator/faults)", async () => {
    const sim = await start({ faults: { recording: { notAudio: 0.25 } } });
    const put = async (body: unknown) => {
      const res = await fetch(`${sim.url}/simulator/faults`, {
        method: "PUT",
        headers: { "content-type": "application/json" },
        body: JSON.stringify(body),
      });
      return {
        status: res.status,
        body: (await res.json()) as { error: { issues: Array<{ path: string }> } },
      };
    };
    for (const [body, path] of [
      [{ recording: { cutMidway: 1.5 } }, "recording.cutMidway"],
      [{ recording: { notAudio: -0.1 } }, "recording.notAudio"],
      [{ recording: { cutMidway: "1" } }, "recording.cutMidway"],
      [{ recording: { truncate: 1 } }, "recording"],
    ] as const) {
      const res = await put(body);
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect(res.body.error.issues.map((i) => i.path)).toContain(path);
    }
    // A rejected change leaves the faults as they were.
    expect(sim.state().faults).toEqual({ recording: { notAudio: 0.25 } });
    expect(() => sim.setFaults({ recording: { notAudio: 2 } })).toThrow(/notAudio/);
  });

  it("rejects invalid recording faults in the start configuration", () => {
    expect(() => createSimulator({ faults: { recording: { cutMidway: 2 } } })).toThrow(SimulatorConfigError);
    expect(() => createSimulator({ faults: { recording: { slow: 1 } as never } })).toThrow(
      SimulatorConfigError,
    );
  });

  describe("determinism", () => {
    /** The kinds of `n` successive downloads of one recording. */
    async function sequence(config: SimulatorConfig, n = 24): Promise<string[]> {
      const ref = await withRecording(config);
      const kinds: string[] = [];
      for (let i = 0; i < n; i++) kinds.push(kindOf(await download(ref.downloadUrl)));
      return kinds;
    }
    const half: FaultConfig = { recording: { cutMidway: 0.5, notAudio: 0.5 } };

    it("the same seed gives the same sequence of faults, another seed another", async () => {
      const first = await sequence({ seed: 11, faults: half });
      const again = await sequence({ seed: 11, faults: half });
      const other = await sequence({ seed: 12, faults: half });
      expect(again).toEqual(first);
      expect(other).not.toEqual(first);
      // At these rates every outcome occurs.
      expect(new Set(first)).toEqual(new Set(["wav", "cut", "html"]));
    });

    it("changing one rate never shifts the other's outcomes", async () => {
      const cutOnly = await sequence({ seed: 5, faults: { recording: { cutMidway: 0.5 } } });
      const htmlOnly = await sequence({ seed: 5, faults: { recording: { notAudio: 0.5 } } });
      const both = await sequence({ seed: 5, faults: half });
      // Adding notAudio leaves every cut where it was; adding cutMidway leaves every page where it was, except
      // where the cut (checked first) takes the download.
      expect(both.map((k) => k === "cut")).toEqual(cutOnly.map((k) => k === "cut"));
      expect(both.map((k, i) => (k === "cut" ? "cut" : htmlOnly[i]))).toEqual(both);
      expect(both).toContain("html");
    });

    it("downloads never shift the API fault draws", async () => {
      async function apiStatuses(downloadsBetween: boolean): Promise<number[]> {
        const ref = await withRecording({ seed: 3, faults: half });
        // Set after the recorded call's bind, which must succeed.
        ref.sim.setFaults({ api: { error500: 0.5 } });
        const statuses: number[] = [];
        for (let i = 0; i < 12; i++) {
          statuses.push((await call(ref.sim, { query: { virtualNum: X1, extendNum: "0001" } })).status);
          if (downloadsBetween) await download(ref.downloadUrl);
        }
        return statuses;
      }
      const without = await apiStatuses(false);
      const withDownloads = await apiStatuses(true);
      expect(withDownloads).toEqual(without);
      expect(without).toContain(500);
    });

    it("a restart on the same dataDir continues the sequence instead of repeating it", async () => {
      const config: SimulatorConfig = { seed: 9, faults: half };
      const straight = await sequence(config, 16);

      const dir = mkdtempSync(join(tmpdir(), "axe-sim-recording-faults-"));
      dirs.push(dir);
      const ref = await withRecording({ ...config, dataDir: dir });
      const kinds: string[] = [];
      for (let i = 0; i < 8; i++) kinds.push(kindOf(await download(ref.downloadUrl)));
      sims.splice(sims.indexOf(ref.sim), 1);
      await ref.sim.stop();
      const restarted = await start({ ...config, dataDir: dir });
      // The restarted simulator listens on another port; the recording is the same.
      const url = `${restarted.url}/recordings/${encodeURIComponent(ref.fileName)}`;
      for (let i = 0; i < 8; i++) kinds.push(kindOf(await download(url)));
      // Same seed: only a generator continued from the state file gives the straight run's sequence.
      expect(kinds).toEqual(straight);
    });
  });
});
