import { execFile } from "node:child_process";
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { promisify } from "node:util";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { type AppConfig, createSimulator, type Simulator, SimulatorStateFileError } from "../src/index.js";
import { STATE_FILE_NAME } from "../src/state-file.js";
import {
  APP_KEY,
  APP_SECRET,
  bind,
  call,
  MINUTE,
  type Receiver,
  START,
  startReceiver,
  startSimulator,
  waitFor,
  X1,
  X2,
} from "./helpers.js";

const A = "+8613800000021";
const A2 = "+8613800000022";
const B = "+8613900000031";
const C = "+8613900000032";
const run = promisify(execFile);

/** The first two fields of a session ID count the calls; the rest is the call's second and host. */
const callNumberOf = (sessionId: string) => sessionId.split("_").slice(0, 2).join("_");

describe("state kept in dataDir", () => {
  let dir: string;
  let receiver: Receiver;
  const running: Simulator[] = [];

  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), "axe-sim-state-"));
    receiver = await startReceiver();
  });
  afterEach(async () => {
    for (const sim of running.splice(0)) await sim.stop();
    await receiver.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const apps = (): AppConfig[] => [
    { appKey: APP_KEY, appSecret: APP_SECRET, virtualNumbers: [X1, X2], notifyUrl: receiver.url },
  ];
  async function open(config: Parameters<typeof startSimulator>[0] = {}): Promise<Simulator> {
    const sim = await startSimulator({ dataDir: dir, apps: apps(), ...config });
    running.push(sim);
    return sim;
  }
  async function close(sim: Simulator): Promise<void> {
    running.splice(running.indexOf(sim), 1);
    await sim.stop();
  }

  it("continues after a restart: bindings, clock, IDs, number status, recordings and pending pushes", async () => {
    // CDRs are refused at first: the fee push is retrying when the simulator stops.
    receiver.respondWith((push) => (push.body.eventType === "fee" ? 503 : 200));
    const first = await open();
    const bound = await bind(first, { bindNum: A, recordFlag: "true" });
    const call1 = await first.simulateCall({ caller: B, virtualNum: X1, digits: "0001", talkSeconds: 9 });
    await first.clock.advance(MINUTE);
    expect(first.deliveries().find((d) => d.kind === "fee")).toMatchObject({ attempt: 1, outcome: "failed" });
    // A call in progress at the stop (answer and disconnect still to come) and a push not yet attempted.
    const call2 = await first.simulateCall({ caller: C, virtualNum: X1, digits: "0001", talkSeconds: 30 });
    await first.clock.advance(10_000);
    await first.setNumberStatus({ number: X2, status: "9" });
    const stoppedAt = first.clock.now().toISOString();
    const firstPushIds = new Set(first.deliveries().map((d) => d.pushId));
    const receivedBefore = receiver.received.length;
    await close(first);
    expect(receiver.received.length).toBe(receivedBefore);
    const saved = JSON.parse(readFileSync(join(dir, STATE_FILE_NAME), "utf8")) as Record<string, unknown>;
    expect(saved.version).toBe(1);
    // The file names apps by key only.
    expect(JSON.stringify(saved)).not.toContain(APP_SECRET);

    receiver.respondWith(() => 200);
    // startTime only applies to an empty directory.
    const second = await open({ startTime: new Date("2030-01-01T00:00:00Z") });
    expect(second.clock.now().toISOString()).toBe(stoppedAt);

    // The binding is still there, through the platform API, with its callback record.
    const queried = await call(second, {
      method: "GET",
      query: { subscriptionId: String(bound.subscriptionId) },
    });
    expect(queried.body).toMatchObject({
      resultcode: "0",
      bindNum: A,
      extendNum: "0001",
      recordFlag: "true",
    });
    expect(second.state().bindings).toEqual([
      expect.objectContaining({
        subscriptionId: bound.subscriptionId,
        callbackRecord: expect.objectContaining({ caller: C }),
      }),
    ]);
    expect(second.state().apps[0]!.virtualNumbers).toEqual([
      { number: X1, status: "5" },
      { number: X2, status: "9" },
    ]);

    // The recording of the first call is still served.
    const recording = await call(second, {
      method: "GET",
      path: "/rest/provision/voice/record/v1.0",
      query: { recordDomain: String(call1.cdr.recordDomain), fileName: String(call1.cdr.recordObjectName) },
    });
    expect(recording.status).toBe(301);

    // A simulator that forgot would hand out the same IDs again: the same seed gives the same first ones.
    const forgetful = createSimulator({ timeScale: 0, startTime: START, apps: apps() });
    const [forgottenBind] = forgetful.seedBindings({ bindings: [{ virtualNum: X1, bindNum: A }] });
    const forgottenCall = await forgetful.simulateCall({ caller: B, virtualNum: X1, digits: "0001" });
    await forgetful.stop();
    expect(forgottenBind!.body.subscriptionId).toBe(bound.subscriptionId);
    expect(forgottenCall.cdr.icid).toBe(call1.cdr.icid);

    // This one continues its generators and counters: new IDs, never seen before.
    const bound2 = await bind(second, { bindNum: A2 });
    expect(bound2.subscriptionId).not.toBe(bound.subscriptionId);
    expect(bound2.extendNum).toBe("0002");
    const call3 = await second.simulateCall({ caller: B, virtualNum: X1, digits: "0002", talkSeconds: 5 });
    const oldSessions = [call1.sessionId, call2.sessionId];
    expect(oldSessions).not.toContain(call3.sessionId);
    expect(oldSessions.map(callNumberOf)).not.toContain(callNumberOf(call3.sessionId));
    expect([call1.cdr.icid, call2.cdr.icid]).not.toContain(call3.cdr.icid);

    // Pending work resumes: the numStatus push, the fee retry, and the rest of the call in progress.
    await second.clock.advance(5 * MINUTE);
    const after = receiver.received.slice(receivedBefore).map((r) => r.body);
    expect(after).toContainEqual({ eventType: "numStatus", numInfo: [{ number: X2, status: "9" }] });
    const call2Events = after
      .filter((b) => (b.statusInfo as { sessionId?: string } | undefined)?.sessionId === call2.sessionId)
      .map((b) => b.eventType);
    expect(call2Events).toEqual(["answer", "disconnect"]);
    const feeIcids = after
      .filter((b) => b.eventType === "fee")
      .flatMap((b) => (b.feeLst as Array<{ icid: string }>).map((c) => c.icid));
    expect(feeIcids).toEqual(expect.arrayContaining([call1.cdr.icid, call2.cdr.icid, call3.cdr.icid]));
    const retried = second
      .deliveries()
      .find(
        (d) => d.kind === "fee" && (d.body.feeLst as Array<{ icid: string }>)[0]!.icid === call1.cdr.icid,
      );
    expect(retried).toMatchObject({ attempt: 2, outcome: "delivered", final: true });
    expect(firstPushIds.has(retried!.pushId)).toBe(true);
    // Pushes made after the restart get new IDs.
    const call3PushIds = second
      .deliveries()
      .filter((d) => (d.body.statusInfo as { sessionId?: string } | undefined)?.sessionId === call3.sessionId)
      .map((d) => d.pushId);
    expect(call3PushIds.length).toBe(6);
    expect(Math.min(...call3PushIds)).toBeGreaterThan(Math.max(...firstPushIds));
  });

  it("keeps a CDR batch still open, pushes held back by the reorder fault and lock-outs", async () => {
    const first = await open({ faults: { push: { reorder: 1 } }, lockout: { threshold: 1 } });
    first.seedBindings({ bindings: [{ virtualNum: X1, bindNum: A }] });
    const played = await first.simulateCall({ caller: B, virtualNum: X1, digits: "0001", talkSeconds: 3 });
    // To the end of the call: its CDR waits in the merge window, every call event is held back.
    await first.clock.set(new Date(played.endedAt));
    expect(first.deliveries()).toEqual([]);
    const denied = await call(first, { method: "GET", query: { subscriptionId: "x" }, appSecret: "wrong" });
    expect(denied.status).toBe(401);
    await close(first);

    const second = await open({ lockout: { threshold: 1 } });
    const locked = await call(second, { method: "GET", query: { subscriptionId: "x" } });
    expect(locked.body.resultcode).toBe("1020176");
    await second.clock.advance(2 * MINUTE);
    const kinds = receiver.received.map((r) => r.body.eventType);
    expect(kinds).toEqual(expect.arrayContaining(["callin", "collectInfo", "answer", "disconnect", "fee"]));
    expect(receiver.received.find((r) => r.body.eventType === "fee")!.body.feeLst).toEqual([
      expect.objectContaining({ icid: played.cdr.icid }),
    ]);
    expect(
      second
        .deliveries()
        .filter((d) => d.kind === "callEvent")
        .every((d) => d.reordered),
    ).toBe(true);
  });

  it("keeps bindings of a number no longer configured, as the platform does", async () => {
    const first = await open();
    const kept = await bind(first, { virtualNum: X2, bindNum: A });
    await close(first);

    const second = await open({
      apps: [{ appKey: APP_KEY, appSecret: APP_SECRET, virtualNumbers: [X1], notifyUrl: receiver.url }],
    });
    const queried = await call(second, {
      method: "GET",
      query: { subscriptionId: String(kept.subscriptionId) },
    });
    expect(queried.body).toMatchObject({ resultcode: "0", virtualNum: X2, bindNum: A });
    const removed = await call(second, {
      method: "DELETE",
      query: { subscriptionId: String(kept.subscriptionId) },
    });
    expect(removed.body.resultcode).toBe("0");
  });

  it("saves changes in the background, before any stop", async () => {
    const sim = await open();
    const bound = await bind(sim, { bindNum: A });
    const file = join(dir, STATE_FILE_NAME);
    await waitFor(
      () => existsSync(file) && readFileSync(file, "utf8").includes(String(bound.subscriptionId)),
    );
  });

  it("rejects stop() when the state cannot be written, and writes it on the next try", async () => {
    const sim = await open();
    const bound = await bind(sim, { bindNum: A });
    // The directory disappears under the running simulator.
    rmSync(dir, { recursive: true, force: true });
    await expect(close(sim)).rejects.toMatchObject({ code: "ENOENT" });
    mkdirSync(dir);
    await sim.stop();
    expect(readFileSync(join(dir, STATE_FILE_NAME), "utf8")).toContain(String(bound.subscriptionId));
  });

  it("refuses a state file it cannot read, naming it, and leaves it as it was", () => {
    const file = join(dir, STATE_FILE_NAME);
    const cases: Array<[string, RegExp]> = [
      ["{ not json", /is not valid JSON/],
      ["[]", /does not hold a JSON object/],
      [JSON.stringify({ bindings: [] }), /has no format version, and this simulator reads format version 1/],
      [JSON.stringify({ version: 2 }), /has format version 2, and this simulator reads format version 1/],
      [JSON.stringify({ version: 1 }), /invalid content at seed/],
      [JSON.stringify({ version: 1, savedAt: "yesterday" }), /invalid content at savedAt/],
    ];
    for (const [content, reason] of cases) {
      writeFileSync(file, content);
      let error: unknown;
      try {
        createSimulator({ dataDir: dir });
      } catch (e) {
        error = e;
      }
      expect(error, content).toBeInstanceOf(SimulatorStateFileError);
      const e = error as SimulatorStateFileError;
      expect(e.code).toBe("invalid-state-file");
      expect(e.file).toBe(file);
      expect(e.message).toContain(file);
      expect(e.message).toMatch(reason);
      expect(readFileSync(file, "utf8")).toBe(content);
    }
    // A file that cannot be read at all (here a directory in its place).
    rmSync(file);
    mkdirSync(file);
    expect(() => createSimulator({ dataDir: dir })).toThrow(/cannot read it/);
  });

  it("fails with a configuration error when the directory cannot be created", () => {
    const blocker = join(dir, "a-file");
    writeFileSync(blocker, "");
    expect(() => createSimulator({ dataDir: join(blocker, "state") })).toThrow(/dataDir: cannot create/);
  });
});

describe("without dataDir", () => {
  const FIXTURE = fileURLToPath(new URL("./fixtures/lifecycle.ts", import.meta.url));
  // The child runs from an empty directory, so tsx is named by its location.
  const TSX = pathToFileURL(createRequire(import.meta.url).resolve("tsx")).href;

  // A child process whose working, home and temporary directories are fresh: whatever it writes shows there.
  async function lifecycle(args: string[]): Promise<{ root: string; stdout: string }> {
    const root = mkdtempSync(join(tmpdir(), "axe-sim-nowrite-"));
    for (const d of ["cwd", "home", "tmp"]) mkdirSync(join(root, d));
    const { stdout } = await run(process.execPath, ["--import", TSX, FIXTURE, ...args], {
      cwd: join(root, "cwd"),
      env: {
        ...process.env,
        HOME: join(root, "home"),
        TMPDIR: join(root, "tmp"),
        TMP: join(root, "tmp"),
        TEMP: join(root, "tmp"),
        // tsx would cache its compiled files in the temporary directory.
        TSX_DISABLE_CACHE: "1",
      },
    });
    return { root, stdout };
  }

  it("writes nothing anywhere (and with one, writes only the state file there)", async () => {
    const without = await lifecycle([]);
    try {
      expect(without.stdout).toMatch(/^done [1-9]/);
      for (const d of ["cwd", "home", "tmp"]) expect(readdirSync(join(without.root, d)), d).toEqual([]);
    } finally {
      rmSync(without.root, { recursive: true, force: true });
    }
    // The same life with a data directory: the detection above would have seen the file.
    const withDir = await lifecycle(["state"]);
    try {
      expect(readdirSync(join(withDir.root, "cwd", "state"))).toEqual([STATE_FILE_NAME]);
      for (const d of ["home", "tmp"]) expect(readdirSync(join(withDir.root, d)), d).toEqual([]);
    } finally {
      rmSync(withDir.root, { recursive: true, force: true });
    }
  });
});
