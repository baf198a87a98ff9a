import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { TEST_API_KEYS } from "../src/shared/config.js";
import { startGateway, type TestGateway } from "./support/gateway.js";

const GATEWAY_DIR = fileURLToPath(new URL("..", import.meta.url));

/** Run `scripts/demo.ts` (what `pnpm demo` runs) against a running gateway; resolves with its exit and output. */
function runDemo(gatewayUrl: string, simulatorUrl: string): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ["--import", "tsx", "scripts/demo.ts"], {
      cwd: GATEWAY_DIR,
      env: {
        ...process.env,
        GATEWAY_URL: gatewayUrl,
        SIMULATOR_URL: simulatorUrl,
        GATEWAY_KEY: TEST_API_KEYS.operator,
      },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let output = "";
    child.stdout.on("data", (chunk: Buffer) => {
      output += chunk.toString();
    });
    child.stderr.on("data", (chunk: Buffer) => {
      output += chunk.toString();
    });
    child.once("error", reject);
    child.once("exit", (code) => resolve({ code, output }));
  });
}

describe("pnpm demo against a running gateway", () => {
  let gw: TestGateway;
  beforeAll(async () => {
    // A running clock, as `pnpm start` has: the demo asks the simulator for a real-time call.
    gw = await startGateway({}, { simulator: { timeScale: 1 } });
  });
  afterAll(async () => {
    await gw?.stop();
  });

  it("runs again and again: each run binds, calls, prints the events and unbinds", async () => {
    for (let run = 1; run <= 2; run++) {
      const { code, output } = await runDemo(gw.gateway.url, gw.gateway.simulator!.url);
      expect(code, `run ${run}:\n${output}`).toBe(0);
      expect(output).toMatch(/disconnect/i);
      expect(output).toMatch(/Unbound/);
    }
    const left = await gw.gql<{ bindings: { edges: unknown[] } }>(
      "{ bindings(first: 10) { edges { cursor } } }",
    );
    expect(left.data?.bindings.edges).toEqual([]);
  }, 180_000);
});
