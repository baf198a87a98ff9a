import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { AxeInvalidRequestError, AxeNotFoundError, AxePlatformError, createAxeClient } from "../src/index.js";
import {
  A1,
  A2,
  APP_KEY,
  APP_SECRET,
  type Harness,
  rejectionOf,
  startHarness,
  wireLog,
  X1,
} from "./support/harness.js";

let h: Harness;
afterEach(async () => {
  await h?.stop();
});

/** Bind A with recording on, let B call X and talk, and return the recording the call left. */
async function recordedCall(harness: Harness) {
  await harness.client().createBinding({ bindNum: A1, virtualNum: X1, extendNum: "0042", recordFlag: true });
  await harness.sim.simulateCall({
    caller: A2,
    virtualNum: X1,
    digits: "0042",
    outcome: "answered",
    talkSeconds: 20,
  });
  await harness.sim.clock.advance(10 * 60_000);
  const [recording] = harness.sim.state().recordings;
  if (!recording) throw new Error("the simulated call left no recording");
  return recording;
}

describe("getRecordingDownloadUrl", () => {
  it("returns the Location of the 301 without following it, and the address serves the WAV", async () => {
    h = await startHarness({ timeScale: 0 });
    const recording = await recordedCall(h);
    const wire = wireLog();
    const url = await h.client({ fetch: wire.fetch }).getRecordingDownloadUrl({
      recordDomain: recording.recordDomain,
      fileName: recording.fileName,
    });
    expect(url).toBe(`${h.sim.url}/recordings/${encodeURIComponent(recording.fileName)}`);
    // One request to the platform; the redirect target was not fetched by the client.
    expect(wire.calls).toEqual(["GET /rest/provision/voice/record/v1.0"]);

    const audio = await fetch(url);
    expect(audio.headers.get("content-type")).toBe("audio/wav");
    expect(
      Buffer.from(await audio.arrayBuffer())
        .subarray(0, 4)
        .toString("latin1"),
    ).toBe("RIFF");
  });

  it("an unknown file is not-found (1012007)", async () => {
    h = await startHarness({ timeScale: 0 });
    const error = await rejectionOf(
      h
        .client()
        .getRecordingDownloadUrl({ recordDomain: "recordings.axe-simulator.local", fileName: "none.wav" }),
    );
    expect(error).toBeInstanceOf(AxeNotFoundError);
    expect(error).toMatchObject({ resultcode: "1012007" });
  });

  it("an app without recording gets 1012012 as invalid-request", async () => {
    h = await startHarness({
      apps: [{ appKey: APP_KEY, appSecret: APP_SECRET, virtualNumbers: [X1], recordingEnabled: false }],
    });
    const error = await rejectionOf(
      h.client().getRecordingDownloadUrl({ recordDomain: "d", fileName: "f.wav" }),
    );
    expect(error).toBeInstanceOf(AxeInvalidRequestError);
    expect(error).toMatchObject({ resultcode: "1012012" });
  });

  it("a redirect whose Location is not a URL is a platform error, not a stray TypeError", async () => {
    const server = createServer((_req, res) => res.writeHead(301, { location: "http://[not-a-host" }).end());
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    try {
      const client = createAxeClient({
        baseUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
        appKey: APP_KEY,
        appSecret: APP_SECRET,
        retry: false,
      });
      const error = await rejectionOf(
        client.getRecordingDownloadUrl({ recordDomain: "d", fileName: "f.wav" }),
      );
      expect(error).toBeInstanceOf(AxePlatformError);
      expect(error).toMatchObject({ httpStatus: 301 });
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  });
});
