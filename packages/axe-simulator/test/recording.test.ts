import { afterEach, describe, expect, it } from "vitest";
import type { Simulator, SimulatorConfig } from "../src/index.js";
import { APP_KEY, APP_SECRET, bind, call, MINUTE, startSimulator, X1, X2 } from "./helpers.js";

const A = "+8613800000021";
const B = "+8613900000031";
const RECORD = "/rest/provision/voice/record/v1.0";
const DAY = 86_400_000;

describe("GetRecordingDownloadUrl (GET /rest/provision/voice/record/v1.0)", () => {
  let sim: Simulator;
  afterEach(async () => {
    await sim.stop();
  });

  async function recordedCall(
    config: SimulatorConfig = {},
  ): Promise<{ recordDomain: string; fileName: string }> {
    sim = await startSimulator(config);
    await bind(sim, { bindNum: A, recordFlag: "true" });
    const { cdr } = await sim.simulateCall({ caller: B, virtualNum: X1, digits: "0001", talkSeconds: 12 });
    // Let the call end and its CDR go out (no push URL: the attempt is logged as skipped).
    await sim.clock.advance(MINUTE);
    return { recordDomain: String(cdr.recordDomain), fileName: String(cdr.recordObjectName) };
  }

  it("answers 301 with a Location serving a real WAV, and no body", async () => {
    const ref = await recordedCall();
    const res = await call(sim, { path: RECORD, query: ref });
    expect(res.status).toBe(301);
    expect(res.body).toEqual({});
    const location = res.headers.get("location")!;
    expect(location).toBe(`${sim.url}/recordings/${encodeURIComponent(ref.fileName)}`);

    const wav = await fetch(location);
    expect(wav.status).toBe(200);
    expect(wav.headers.get("content-type")).toBe("audio/wav");
    const bytes = Buffer.from(await wav.arrayBuffer());
    expect(bytes.toString("ascii", 0, 4)).toBe("RIFF");
    expect(bytes.toString("ascii", 8, 12)).toBe("WAVE");
    expect(bytes.readUInt16LE(20)).toBe(1); // PCM
    expect(bytes.readUInt32LE(24)).toBe(8000);
    expect(bytes.readUInt32LE(40)).toBe(bytes.length - 44);
    expect(bytes.length).toBeGreaterThan(44);
  });

  it("exposes the recording only after the call ended", async () => {
    sim = await startSimulator();
    await bind(sim, { bindNum: A, recordFlag: "true" });
    const { cdr } = await sim.simulateCall({ caller: B, virtualNum: X1, digits: "0001", talkSeconds: 30 });
    const query = { recordDomain: String(cdr.recordDomain), fileName: String(cdr.recordObjectName) };
    expect((await call(sim, { path: RECORD, query })).body.resultcode).toBe("1012007");
    await sim.clock.advance(MINUTE);
    expect((await call(sim, { path: RECORD, query })).status).toBe(301);
  });

  it("keeps a recording for 7 days from its CDR push, then answers 1012007", async () => {
    const ref = await recordedCall();
    await sim.clock.advance(7 * DAY - 2 * MINUTE);
    expect((await call(sim, { path: RECORD, query: ref })).status).toBe(301);
    await sim.clock.advance(2 * MINUTE);
    const gone = await call(sim, { path: RECORD, query: ref });
    expect(gone.status).toBe(403);
    expect(gone.body).toEqual({ resultcode: "1012007", resultdesc: "The record does not exist." });
    expect((await fetch(`${sim.url}/recordings/${encodeURIComponent(ref.fileName)}`)).status).toBe(404);
  });

  it("honours a configured retention", async () => {
    const ref = await recordedCall({ recordingRetentionDays: 1 });
    await sim.clock.advance(DAY);
    expect((await call(sim, { path: RECORD, query: ref })).body.resultcode).toBe("1012007");
  });

  it("answers 1012007 for an unknown file or a wrong domain, and 1010002 for missing parameters", async () => {
    const ref = await recordedCall();
    expect((await call(sim, { path: RECORD, query: { ...ref, fileName: "nope.wav" } })).body.resultcode).toBe(
      "1012007",
    );
    expect(
      (await call(sim, { path: RECORD, query: { ...ref, recordDomain: "other.example" } })).body.resultcode,
    ).toBe("1012007");
    expect((await call(sim, { path: RECORD, query: { recordDomain: ref.recordDomain } })).body).toEqual({
      resultcode: "1010002",
      resultdesc: "Invalid request. fileName",
    });
    expect((await call(sim, { path: RECORD, query: { fileName: ref.fileName } })).body).toEqual({
      resultcode: "1010002",
      resultdesc: "Invalid request. recordDomain",
    });
  });

  it("answers 1012007 to another app asking for the recording", async () => {
    const ref = await recordedCall({
      apps: [
        { appKey: APP_KEY, appSecret: APP_SECRET, virtualNumbers: [X1] },
        { appKey: "other", appSecret: "other-secret", virtualNumbers: [X2] },
      ],
    });
    const res = await call(sim, { path: RECORD, query: ref, appKey: "other", appSecret: "other-secret" });
    expect(res.body.resultcode).toBe("1012007");
  });

  it("answers 1012012 when the app has recording disabled", async () => {
    sim = await startSimulator({
      apps: [{ appKey: APP_KEY, appSecret: APP_SECRET, virtualNumbers: [X1], recordingEnabled: false }],
    });
    const res = await call(sim, { path: RECORD, query: { recordDomain: "d", fileName: "f.wav" } });
    expect(res.status).toBe(403);
    expect(res.body).toEqual({
      resultcode: "1012012",
      resultdesc: "Application does not open recording function.",
    });
  });

  it("lists recordings in the state snapshot", async () => {
    const ref = await recordedCall();
    expect(sim.state().recordings).toEqual([
      expect.objectContaining({ fileName: ref.fileName, recordDomain: ref.recordDomain, seconds: 12 }),
    ]);
  });
});
