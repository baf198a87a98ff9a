import { execFile } from "node:child_process";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { afterEach, describe, expect, it } from "vitest";
import type { Simulator } from "../src/index.js";
import { APP_KEY, APP_SECRET, startSimulator, X1 } from "./helpers.js";

const run = promisify(execFile);
const SCRIPT = fileURLToPath(new URL("./interop/axe_client.py", import.meta.url));
// The known-answer vectors of docs/axe-platform.md §16.1; the same file as wsse-auth's, copied so each
// package's tests stand alone.
const VECTORS = fileURLToPath(new URL("./fixtures/wsse.json", import.meta.url));

describe("interop with an independent Python client", () => {
  let sim: Simulator;
  afterEach(async () => {
    await sim.stop();
  });

  it("binds, queries, modifies, lists, unbinds and fetches a recording with aksk, wsse-hex and wsse-raw", async () => {
    // Real time: the Python client signs with its own wall clock.
    sim = await startSimulator({ timeScale: 1, startTime: undefined });
    const { stdout, stderr } = await run(
      "python3",
      [
        SCRIPT,
        "--url",
        sim.url,
        "--app-key",
        APP_KEY,
        "--app-secret",
        APP_SECRET,
        "--virtual-num",
        X1,
        "--vectors",
        VECTORS,
      ],
      { timeout: 20_000 },
    );
    expect(stderr).toBe("");
    expect(stdout.trim().split("\n")).toEqual(["OK vectors", "OK aksk", "OK wsse-hex", "OK wsse-raw"]);
  });

  it("fails (exit 1) when the server refuses its scheme, so a pass above means something", async () => {
    sim = await startSimulator({
      apps: [{ appKey: APP_KEY, appSecret: APP_SECRET, virtualNumbers: [X1], schemes: ["aksk"] }],
    });
    const result = await run(
      "python3",
      [
        SCRIPT,
        "--url",
        sim.url,
        "--app-key",
        APP_KEY,
        "--app-secret",
        APP_SECRET,
        "--virtual-num",
        X1,
        "--schemes",
        "wsse-hex",
      ],
      { timeout: 20_000 },
    ).catch((error: { code?: number; stderr?: string }) => error);
    expect(result).toMatchObject({ code: 1, stderr: expect.stringContaining("FAIL: wsse-hex bind") });
  });
});
