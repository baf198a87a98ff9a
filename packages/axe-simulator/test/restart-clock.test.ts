import { mkdtempSync, readFileSync, rmSync, utimesSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import {
  type AppConfig,
  createSimulator,
  type Simulator,
  type SimulatorConfig,
  SimulatorStateError,
} from "../src/index.js";
import type { SimulatorSnapshot } from "../src/snapshot.js";
import { STATE_FILE_NAME } from "../src/state-file.js";
import {
  APP_KEY,
  APP_SECRET,
  bind,
  call,
  HOUR,
  MINUTE,
  type Receiver,
  START,
  startReceiver,
  waitFor,
  X1,
  X2,
} from "./helpers.js";

const A = "+8613800000021";
const B = "+8613900000031";

/** The wall-clock time `ms` ago, as the state file writes it. */
const wallAgo = (ms: number) => new Date(Date.now() - ms).toISOString();

describe("the clock of a restarted simulator", () => {
  let dir: string;
  let receiver: Receiver;
  const running: Simulator[] = [];

  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), "axe-sim-downtime-"));
    receiver = await startReceiver();
  });
  afterEach(async () => {
    for (const sim of running.splice(0)) await sim.stop();
    await receiver.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const file = () => join(dir, STATE_FILE_NAME);
  const apps = (): AppConfig[] => [
    { appKey: APP_KEY, appSecret: APP_SECRET, virtualNumbers: [X1, X2], notifyUrl: receiver.url },
  ];
  // A running clock unless told otherwise: downtime only counts then.
  function open(config: SimulatorConfig = {}): Simulator {
    const sim = createSimulator({ dataDir: dir, apps: apps(), startTime: START, timeScale: 1, ...config });
    running.push(sim);
    return sim;
  }
  // Stops `sim`, then rewrites its state file through `edit` (as if it had been saved at another wall time).
  async function stopAndEdit(
    sim: Simulator,
    edit: (saved: SimulatorSnapshot) => void,
  ): Promise<SimulatorSnapshot> {
    running.splice(running.indexOf(sim), 1);
    await sim.stop();
    const saved = JSON.parse(readFileSync(file(), "utf8")) as SimulatorSnapshot;
    expect(Date.parse(saved.savedAt!)).not.toBeNaN();
    edit(saved);
    writeFileSync(file(), JSON.stringify(saved));
    return saved;
  }
  const query = (sim: Simulator, subscriptionId: unknown) =>
    call(sim, { method: "GET", query: { subscriptionId: String(subscriptionId) } });
  const sessionOf = (body: Record<string, unknown>) =>
    (body.statusInfo as { sessionId?: string } | undefined)?.sessionId;

  it("counts the downtime: what fell due meanwhile ran, in order and each at its time, before start() resolved", async () => {
    const first = open();
    await first.start();
    const bound = await bind(first, { bindNum: A, timeUnit: "1", bindExpiredTime: 1 });
    // A call in progress at the stop: its answer, disconnect and CDR (in a CDR batch) are still to come.
    const played = await first.simulateCall({
      caller: B,
      virtualNum: X1,
      digits: String(bound.extendNum),
      talkSeconds: 30,
    });
    const saved = await stopAndEdit(first, (s) => {
      s.savedAt = wallAgo(2 * MINUTE);
    });
    expect(saved.bindings.map((b) => b.subscriptionId)).toEqual([bound.subscriptionId]);
    expect(saved.tasks.map((t) => t.task.type)).toContain("call-end");
    const receivedBefore = receiver.received.length;

    const second = open();
    await second.start();
    const resumedAt = saved.now + 2 * MINUTE;
    expect(second.clock.now().getTime()).toBeGreaterThanOrEqual(resumedAt);

    // The binding lapsed one minute into the downtime: the first query after the restart does not find it.
    expect((await query(second, bound.subscriptionId)).body.resultcode).toBe("1012007");
    expect(second.state().bindings).toEqual([]);

    // The rest of the call and the fee push of its CDR batch were delivered before start() resolved.
    const after = receiver.received.slice(receivedBefore).map((r) => r.body);
    const callEvents = after.filter((b) => sessionOf(b) === played.sessionId).map((b) => b.eventType);
    expect(callEvents.slice(-2)).toEqual(["answer", "disconnect"]);
    expect(after.at(-1)).toMatchObject({
      eventType: "fee",
      feeLst: [expect.objectContaining({ icid: played.cdr.icid })],
    });
    // In virtual-time order, each at the time it fell due (as clock.advance runs them), not at the resume time.
    const deliveries = second.deliveries();
    const times = deliveries.map((d) => Date.parse(d.at));
    expect(times).toEqual([...times].sort((x, y) => x - y));
    const fee = deliveries.find((d) => d.kind === "fee")!;
    expect(Date.parse(fee.at)).toBeGreaterThanOrEqual(Date.parse(played.endedAt) + 2000);
    expect(Date.parse(fee.at)).toBeLessThan(resumedAt);
    expect(deliveries.every((d) => d.outcome === "delivered")).toBe(true);
  });

  it("with a frozen clock (timeScale 0) resumes exactly where it stopped, whatever the downtime", async () => {
    const first = open({ timeScale: 0 });
    await first.start();
    const bound = await bind(first, { bindNum: A, timeUnit: "1", bindExpiredTime: 1 });
    await first.simulateCall({ caller: B, virtualNum: X1, digits: String(bound.extendNum) });
    const saved = await stopAndEdit(first, (s) => {
      s.savedAt = wallAgo(2 * MINUTE);
    });
    const receivedBefore = receiver.received.length;

    const second = open({ timeScale: 0 });
    await second.start();
    expect(second.clock.now().getTime()).toBe(saved.now);
    expect((await query(second, bound.subscriptionId)).body.resultcode).toBe("0");
    expect(receiver.received.length).toBe(receivedBefore);
    // The test moves the clock: then the binding lapses and the pending work runs.
    await second.clock.advance(2 * MINUTE);
    expect((await query(second, bound.subscriptionId)).body.resultcode).toBe("1012007");
    expect(receiver.received.slice(receivedBefore).map((r) => r.body.eventType)).toContain("fee");
  });

  it("resumes at the saved virtual time when the file does not say when it was saved", async () => {
    const first = open();
    await first.start();
    const bound = await bind(first, { bindNum: A, timeUnit: "1", bindExpiredTime: 1 });
    const saved = await stopAndEdit(first, (s) => {
      delete s.savedAt;
    });
    // Not even the file's own modification time counts.
    const past = new Date(Date.now() - 2 * MINUTE);
    utimesSync(file(), past, past);

    const second = open();
    await second.start();
    expect(second.clock.now().getTime()).toBeGreaterThanOrEqual(saved.now);
    expect((await query(second, bound.subscriptionId)).body.resultcode).toBe("0");
  });

  it("never moves the clock back when the wall clock was set back since the save", async () => {
    const first = open();
    await first.start();
    const bound = await bind(first, { bindNum: A, timeUnit: "1", bindExpiredTime: 1 });
    const saved = await stopAndEdit(first, (s) => {
      s.savedAt = new Date(Date.now() + HOUR).toISOString();
    });

    const second = open();
    await second.start();
    expect(second.clock.now().getTime()).toBeGreaterThanOrEqual(saved.now);
    expect((await query(second, bound.subscriptionId)).body.resultcode).toBe("0");
  });

  /** A restarted simulator whose catch-up is stuck in a push retry until `release()`. */
  async function restartStuckInRetry(): Promise<{
    saved: SimulatorSnapshot;
    second: Simulator;
    release: () => void;
  }> {
    receiver.respondWith(() => 503);
    const first = open();
    await first.start();
    await first.setNumberStatus({ number: X2, status: "9" });
    await first.flush();
    expect(first.deliveries()).toEqual([expect.objectContaining({ kind: "numStatus", outcome: "failed" })]);
    // The retry falls due one minute after the first attempt, within the downtime.
    const saved = await stopAndEdit(first, (s) => {
      s.savedAt = wallAgo(2 * MINUTE);
    });
    let release!: () => void;
    const held = new Promise<number>((resolve) => {
      release = () => resolve(200);
    });
    receiver.respondWith(() => held);
    const receivedBefore = receiver.received.length;
    const second = open();
    await waitFor(() => receiver.received.length > receivedBefore);
    return { saved, second, release };
  }

  it("answers requests and plans calls only once the catch-up is over", async () => {
    const { saved, second, release } = await restartStuckInRetry();
    let started = false;
    const starting = second.start().then(() => {
      started = true;
    });
    const calling = second.simulateCall({ caller: B, virtualNum: X1, digits: "0001" });
    // Let anything that does not wait for the retry settle.
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(started).toBe(false);

    release();
    await starting;
    expect(second.deliveries()[0]).toMatchObject({ kind: "numStatus", attempt: 2, outcome: "delivered" });
    // The call starts at the resumed time (in whole seconds, as the platform writes it), a minute after the retry.
    const played = await calling;
    const resumedSecond = Math.floor((saved.now + 2 * MINUTE) / 1000) * 1000;
    expect(Date.parse(played.startedAt)).toBeGreaterThanOrEqual(resumedSecond);
  });

  it("rejects start() when stop() comes during the catch-up, and never listens", async () => {
    const { second, release } = await restartStuckInRetry();
    const starting = second.start();
    const rejected = expect(starting).rejects.toThrow(SimulatorStateError);
    const stopping = second.stop();
    release();
    await stopping;
    await rejected;
    await expect(starting).rejects.toThrow(/stopped before it started listening/);
    expect(() => second.url).toThrow(SimulatorStateError);
  });
});
