import { createServer, type Server } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { buildApp, type GatewayApp } from "../src/app.js";
import { testConfig } from "../src/shared/config.js";
import { PortInUseError } from "../src/shared/errors.js";
import { createLogger } from "../src/shared/logger.js";

const silent = () => createLogger({ level: "silent" });

/** Whether something answers HTTP at `url`. */
async function answers(url: string): Promise<boolean> {
  try {
    await fetch(`${url}/graphql?query=%7B__typename%7D`, { signal: AbortSignal.timeout(2000) });
    return true;
  } catch {
    return false;
  }
}

function holdPort(): Promise<{ server: Server; port: number }> {
  return new Promise((resolve) => {
    const server = createServer();
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      if (address === null || typeof address === "string") throw new Error("no port");
      resolve({ server, port: address.port });
    });
  });
}

describe("a gateway's start and stop", () => {
  let app: GatewayApp | undefined;
  afterEach(async () => {
    await app?.stop();
    app = undefined;
  });

  it("stops after every start: start, stop, start, stop leaves nothing running", async () => {
    app = buildApp(testConfig(), { logger: silent(), simulator: { timeScale: 0 } });
    const first = await app.start();
    expect(await answers(first.url)).toBe(true);
    await app.stop();
    expect(await answers(first.url)).toBe(false);

    const second = await app.start();
    expect(second).not.toBe(first);
    expect(await answers(second.url)).toBe(true);
    expect(await answers(second.simulatorUrl ?? "")).toBe(true);
    await app.stop();
    expect(await answers(second.url)).toBe(false);
    expect(await answers(second.simulatorUrl ?? "")).toBe(false);
  });

  it("gives the same running gateway to a second start, and it cannot be changed", async () => {
    app = buildApp(testConfig(), { logger: silent(), simulator: { timeScale: 0 } });
    const [a, b] = await Promise.all([app.start(), app.start()]);
    expect(a).toBe(b);
    expect(Object.isFrozen(a)).toBe(true);
    expect(() => {
      (a as { url: string }).url = "http://elsewhere";
    }).toThrow(TypeError);
  });

  it("waits for a start in progress when stopped during it, then stops it", async () => {
    app = buildApp(testConfig(), { logger: silent(), simulator: { timeScale: 0 } });
    const starting = app.start();
    await app.stop();
    const started = await starting;
    expect(await answers(started.url)).toBe(false);
  });

  it("closes what a failed start opened, and starts again once the cause is gone", async () => {
    const taken = await holdPort();
    const config = testConfig();
    if (config.platform.kind !== "embedded-simulator") throw new Error("expected the embedded simulator");
    app = buildApp(
      { ...config, platform: { ...config.platform, port: taken.port } },
      { logger: silent(), simulator: { timeScale: 0 } },
    );
    const failure = await app.start().catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(PortInUseError);
    expect((failure as PortInUseError).variable).toBe("SIMULATOR_PORT");
    await app.stop();

    await new Promise<void>((resolve) => taken.server.close(() => resolve()));
    const started = await app.start();
    expect(await answers(started.url)).toBe(true);
    expect(started.simulatorUrl).toBe(`http://127.0.0.1:${taken.port}`);
  });

  it("is safe to stop twice, and to stop one that never started", async () => {
    app = buildApp(testConfig(), { logger: silent(), simulator: { timeScale: 0 } });
    await app.stop();
    const started = await app.start();
    await Promise.all([app.stop(), app.stop(), started.stop()]);
    expect(await answers(started.url)).toBe(false);
  });
});
