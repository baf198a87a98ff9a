import { createServer } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import {
  createSimulator,
  DEFAULT_APP,
  PortInUseError,
  type Simulator,
  SimulatorConfigError,
  SimulatorStateError,
} from "../src/index.js";
import { call, startSimulator } from "./helpers.js";

describe("createSimulator", () => {
  let sim: Simulator | undefined;
  afterEach(async () => {
    await sim?.stop();
    sim = undefined;
  });

  it("has the documented default app", () => {
    sim = createSimulator();
    expect(sim.apps).toEqual([
      {
        appKey: "privnum-sim-app",
        appSecret: "privnum-sim-secret",
        virtualNumbers: [
          { number: "+8617000000001", cityCode: "0755", province: "Guangdong", status: "5" },
          { number: "+8617000000002", cityCode: "010", province: "Beijing", status: "5" },
        ],
        extensionDigits: 4,
        schemes: ["aksk", "wsse-hex", "wsse-raw"],
        recordingEnabled: true,
        pushScheme: "aksk",
        spId: "privnum-sim-sp",
      },
    ]);
    expect(DEFAULT_APP.appKey).toBe("privnum-sim-app");
  });

  it("listens on 127.0.0.1 and a free port, and reports its URL", async () => {
    sim = createSimulator();
    expect(() => sim!.url).toThrow(SimulatorStateError);
    const { url } = await sim.start();
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(sim.url).toBe(url);
    expect(await sim.start()).toEqual({ url });
  });

  it("rejects start() with PortInUseError when the port is taken, and can start once it is free", async () => {
    const taken = createServer();
    await new Promise<void>((resolve) => taken.listen(0, "127.0.0.1", resolve));
    const port = (taken.address() as { port: number }).port;
    try {
      sim = createSimulator({ port });
      const error = await sim.start().then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(error).toBeInstanceOf(PortInUseError);
      expect(error).toMatchObject({ code: "PORT_IN_USE", port, host: "127.0.0.1" });
      expect((error as Error).message).toBe(`port ${port} is in use`);
      expect((error as Error).cause).toMatchObject({ code: "EADDRINUSE" });
    } finally {
      await new Promise((resolve) => taken.close(resolve));
    }
    // A failed start() can be tried again.
    await expect(sim.start()).resolves.toEqual({ url: `http://127.0.0.1:${port}` });
  });

  it("passes other listen errors through unchanged", async () => {
    sim = createSimulator({ host: "203.0.113.1" });
    const error = await sim.start().then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).not.toBeInstanceOf(PortInUseError);
    expect(error).toMatchObject({ code: "EADDRNOTAVAIL" });
  });

  it("stops cleanly, twice, and cannot start again", async () => {
    sim = await startSimulator();
    const { url } = sim;
    await sim.stop();
    await sim.stop();
    await expect(fetch(`${url}/simulator/state`)).rejects.toThrow();
    await expect(sim.start()).rejects.toThrow(SimulatorStateError);
    sim = undefined;
  });

  it("works before start: clock, calls and seeding need no server", async () => {
    sim = createSimulator({ timeScale: 0, startTime: "2026-01-01T00:00:00Z" });
    const [r] = sim.seedBindings({ bindings: [{ virtualNum: "+8617000000001", bindNum: "+8613800000021" }] });
    expect(r?.body.resultcode).toBe("0");
    const c = await sim.simulateCall({
      caller: "+8613900000031",
      virtualNum: "+8617000000001",
      digits: "0001",
    });
    expect(c.stateCode).toBe(0);
    await sim.clock.advance(1000);
    expect(sim.clock.now().toISOString()).toBe("2026-01-01T00:00:01.000Z");
  });

  it.each([
    [{ port: 70_000 }, "port"],
    [{ apps: [] }, "apps"],
    [{ apps: [{ appKey: "k", appSecret: "s", virtualNumbers: ["123"] }] }, "apps.0.virtualNumbers.0"],
    [
      { apps: [{ appKey: "k", appSecret: "s", virtualNumbers: ["+8617000000001"], extensionDigits: 5 }] },
      "apps.0.extensionDigits",
    ],
    [
      { apps: [{ appKey: "k", appSecret: "s", virtualNumbers: ["+8617000000001"], notifyUrl: "ftp://x" }] },
      "apps.0.notifyUrl",
    ],
    [
      { apps: [{ appKey: "k", appSecret: "s", virtualNumbers: ["+8617000000001"], schemes: ["md5"] }] },
      "apps.0.schemes.0",
    ],
    [
      {
        apps: [
          { appKey: "k", appSecret: "s", virtualNumbers: ["+8617000000001"] },
          { appKey: "k2", appSecret: "s", virtualNumbers: ["+8617000000001"] },
        ],
      },
      "apps.1.virtualNumbers.0",
    ],
    [
      {
        apps: [
          { appKey: "k", appSecret: "s", virtualNumbers: ["+8617000000001"] },
          { appKey: "k", appSecret: "s", virtualNumbers: ["+8617000000002"] },
        ],
      },
      "apps.1.appKey",
    ],
    [{ faults: { push: { drop: 1.5 } } }, "faults.push.drop"],
    [{ cdrBatchMax: 51 }, "cdrBatchMax"],
    [{ timeScale: -1 }, "timeScale"],
    [{ startTime: "not a date" }, "startTime"],
    [{ unknownOption: true }, ""],
  ])("refuses the configuration %j", (config, path) => {
    try {
      createSimulator(config as never);
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(SimulatorConfigError);
      expect((error as SimulatorConfigError).issues.map((i) => i.path)).toContain(path);
    }
  });

  it("holds virtual numbers to the strict phone-number rule, saying what it is", () => {
    const configWith = (number: string) => ({
      apps: [{ appKey: "k", appSecret: "s", virtualNumbers: [{ number }] }],
    });
    expect(() => createSimulator(configWith("+123456"))).not.toThrow();
    try {
      createSimulator(configWith("+12345"));
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(SimulatorConfigError);
      expect((error as SimulatorConfigError).issues).toContainEqual({
        path: "apps.0.virtualNumbers.0.number",
        message: expect.stringContaining("+ then 6–15 digits"),
      });
    }
  });

  it("reports every request and push through the logger, without numbers or secrets", async () => {
    const lines: unknown[] = [];
    sim = await startSimulator({ logger: (e) => lines.push(e) });
    await call(sim, { query: { virtualNum: "+8617000000001", extendNum: "0001" } });
    await sim.setNumberStatus({ number: "+8617000000001", status: "9" });
    await sim.flush();
    expect(lines).toEqual([
      {
        type: "request",
        method: "GET",
        path: "/rest/caas/extendnumber/v1.0",
        status: 403,
        resultcode: "1012007",
        appKey: "privnum-sim-app",
      },
      { type: "push", kind: "numStatus", eventType: "numStatus", attempt: 1, outcome: "skipped" },
    ]);
    expect(JSON.stringify(lines)).not.toMatch(/\+86|privnum-sim-secret/);
  });
});
