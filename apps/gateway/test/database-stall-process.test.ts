// SIGTERM while the database link is silent: the built gateway (dist/main.mjs) in a child process, on its
// own PostgreSQL database reached through a TCP proxy that stalls.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { createProxiedPostgresDatabase, type ProxiedPostgres } from "./support/databases.js";
import { bannerPorts, type GatewayProcess, spawnBuiltGateway } from "./support/gateway-process.js";
import { callEvent, signedHeaders } from "./support/notifications.js";
import type { TcpProxy } from "./support/tcp-proxy.js";

/** Liveness guard: main.ts bounds every stop at 15 s; a wedged stop never ends. */
const EXIT_BOUND_MS = 25_000;

let postgres: ProxiedPostgres;
let proxy: TcpProxy;
let dataDir: string;
const children: GatewayProcess[] = [];

beforeAll(async () => {
  postgres = await createProxiedPostgresDatabase();
  proxy = postgres.proxy;
  dataDir = mkdtempSync(join(tmpdir(), "privnum-stall-process-"));
});

afterEach(async () => {
  proxy.resume();
  for (const child of children.splice(0)) {
    if (child.child.exitCode === null && child.child.signalCode === null) child.child.kill("SIGKILL");
    await child.exited;
  }
});

afterAll(async () => {
  await postgres?.close();
  rmSync(dataDir, { recursive: true, force: true });
});

describe("SIGTERM while the database link is silent", () => {
  it("stops the process within a bound, with a push in flight, and logs what did not finish", async () => {
    const gateway = spawnBuiltGateway({
      DATA_DIR: dataDir,
      DATABASE_URL: postgres.url,
      PORT: "0",
      SIMULATOR_PORT: "0",
    });
    children.push(gateway);
    await gateway.waitForOutput("Simulator:");
    const { port } = bannerPorts(gateway.stdout());
    const push = (sessionId: string) =>
      fetch(`http://127.0.0.1:${port}/notify`, {
        method: "POST",
        headers: signedHeaders(),
        body: JSON.stringify(callEvent("callin", sessionId, new Date())),
      });
    expect((await push("sigterm-before")).status).toBe(200);

    proxy.stall();
    // A push waiting on the silent link, and the call-event feed polling it meanwhile.
    const inFlight = push("sigterm-during").then(
      (response) => response.status,
      () => "no answer",
    );
    await new Promise((resolve) => setTimeout(resolve, 1500));
    const signalledAt = Date.now();
    gateway.child.kill("SIGTERM");
    const exit = await Promise.race([
      gateway.exited,
      new Promise<"still running">((resolve) => setTimeout(() => resolve("still running"), EXIT_BOUND_MS)),
    ]);
    expect(exit).not.toBe("still running");
    expect(Date.now() - signalledAt).toBeLessThan(EXIT_BOUND_MS);
    // main.ts: 0 after a clean stop, 1 when a step failed or overran its bound; never killed by a signal.
    const { code, signal } = exit as { code: number | null; signal: NodeJS.Signals | null };
    expect(signal).toBeNull();
    // Every step ends within its bound: the feed does not wait for its read stuck on the link, and the
    // database destroys the connections still busy after its close timeout.
    const log = gateway.stdout();
    expect(code, log).toBe(0);
    expect(log).toContain('"msg":"stopping"');
    expect(log).not.toContain('"msg":"stop failed"');
    expect(log).not.toContain("stop overran its deadline");
    // The push in flight got an answer or lost its connection; never a 200 it did not commit (the link was
    // silent the whole time).
    expect(await inFlight).not.toBe(200);
  }, 60_000);
});
