import { type ChildProcess, spawn } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { signUsernameToken } from "@privnum/wsse-auth";
import { afterEach, describe, expect, it } from "vitest";
import { buildCommand, type CliOptions, configFromOptions } from "../src/cli-options.js";
import { DEFAULT_APP } from "../src/index.js";
import { startReceiver, waitFor } from "./helpers.js";

const CLI = fileURLToPath(new URL("../src/cli.ts", import.meta.url));

interface Running {
  child: ChildProcess;
  output: () => string;
  exited: Promise<number | null>;
}

function runCli(args: string[]): Running {
  const child = spawn(process.execPath, ["--import", "tsx", CLI, ...args], {
    stdio: ["ignore", "pipe", "pipe"],
  });
  let out = "";
  child.stdout!.on("data", (d: Buffer) => {
    out += d.toString();
  });
  child.stderr!.on("data", (d: Buffer) => {
    out += d.toString();
  });
  const exited = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
  return { child, output: () => out, exited };
}

async function waitForUrl(r: Running): Promise<string> {
  const deadline = Date.now() + 20_000;
  for (;;) {
    const m = /listening on (http:\/\/\S+)/.exec(r.output());
    if (m) return m[1]!;
    if (r.child.exitCode !== null || Date.now() > deadline)
      throw new Error(`CLI did not start:\n${r.output()}`);
    await new Promise((res) => setTimeout(res, 20));
  }
}

describe("axe-simulator CLI", () => {
  let running: Running | undefined;
  afterEach(() => {
    if (running && running.child.exitCode === null) running.child.kill("SIGKILL");
    running = undefined;
  });

  it("starts with flags, prints URL and credentials, serves signed requests and stops on SIGTERM", async () => {
    running = runCli([
      "--port",
      "0",
      "--app-key",
      "cli-app",
      "--app-secret",
      "cli-secret",
      "--virtual-numbers",
      "+8617100000001:0755,+8617100000002",
      "--extension-digits",
      "2",
      "--schemes",
      "aksk,wsse-raw",
      "--push-scheme",
      "wsse-hex",
      "--time-scale",
      "60",
      "--seed",
      "9",
    ]);
    const url = await waitForUrl(running);
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    const out = running.output();
    expect(out).toContain("cli-app");
    expect(out).toContain("cli-secret");
    expect(out).toContain("+8617100000001 (0755), +8617100000002");
    expect(out).toContain("aksk, wsse-raw; extension digits: 2");

    const headers = signUsernameToken({
      appKey: "cli-app",
      appSecret: "cli-secret",
      scheme: "wsse-raw",
    }).headers;
    const res = await fetch(`${url}/rest/caas/extendnumber/v1.0`, {
      method: "POST",
      headers,
      body: JSON.stringify({ virtualNum: "+8617100000001", bindNum: "+8613800000021" }),
    });
    expect(await res.json()).toMatchObject({ resultcode: "0", extendNum: "01" });
    // Requests are logged without numbers.
    const logLine = "POST /rest/caas/extendnumber/v1.0 → 200 resultcode=0 app=cli-app";
    await waitFor(() => running!.output().includes(logLine));
    expect(running.output()).not.toContain("+8613800000021");

    running.child.kill("SIGTERM");
    expect(await running.exited).toBe(0);
    expect(running.output()).toContain("stopped");
  });

  it("reads a JSON config file, with flags taking precedence, and stops on SIGINT", async () => {
    const dir = mkdtempSync(join(tmpdir(), "axe-sim-"));
    const file = join(dir, "config.json");
    writeFileSync(
      file,
      JSON.stringify({
        port: 0,
        apps: [
          { appKey: "file-app", appSecret: "file-secret", virtualNumbers: ["+8617200000001"] },
          { appKey: "second-app", appSecret: "second-secret", virtualNumbers: ["+8617200000002"] },
        ],
      }),
    );
    running = runCli(["--config", file, "--app-secret", "flag-secret", "--quiet"]);
    await waitForUrl(running);
    expect(running.output()).toContain("file-app");
    expect(running.output()).toContain("flag-secret");
    expect(running.output()).toContain("second-app");
    running.child.kill("SIGINT");
    expect(await running.exited).toBe(0);
  });

  it("exits non-zero with a message for a bad flag or a bad config", async () => {
    running = runCli(["--extension-digits", "7"]);
    expect(await running.exited).not.toBe(0);
    expect(running.output()).toMatch(/extension-digits/);

    running = runCli(["--port", "0", "--virtual-numbers", "12345"]);
    expect(await running.exited).toBe(2);
    expect(running.output()).toMatch(/Invalid simulator configuration: apps\.0\.virtualNumbers\.0/);

    running = runCli(["--config", "/nonexistent/config.json"]);
    expect(await running.exited).toBe(2);
    expect(running.output()).toMatch(/cannot read/);
  });

  it("says in one line that the port is taken, and exits 1", async () => {
    const taken = createServer();
    await new Promise<void>((resolve) => taken.listen(0, "127.0.0.1", resolve));
    const port = (taken.address() as { port: number }).port;
    try {
      running = runCli(["--port", String(port), "--quiet"]);
      expect(await running.exited).toBe(1);
      expect(running.output()).toBe(`port ${port} is in use (set --port)\n`);
    } finally {
      await new Promise((resolve) => taken.close(resolve));
    }
  });

  it("keeps its state in --data-dir across a restart, and refuses a state file it cannot read", async () => {
    const dir = mkdtempSync(join(tmpdir(), "axe-sim-cli-state-"));
    try {
      running = runCli(["--port", "0", "--data-dir", dir, "--quiet"]);
      let url = await waitForUrl(running);
      const sign = () =>
        signUsernameToken({ appKey: DEFAULT_APP.appKey, appSecret: DEFAULT_APP.appSecret }).headers;
      const res = await fetch(`${url}/rest/caas/extendnumber/v1.0`, {
        method: "POST",
        headers: sign(),
        body: JSON.stringify({ virtualNum: "+8617000000001", bindNum: "+8613800000021" }),
      });
      const { subscriptionId } = (await res.json()) as { subscriptionId: string };
      running.child.kill("SIGTERM");
      expect(await running.exited).toBe(0);

      running = runCli(["--port", "0", "--data-dir", dir, "--quiet"]);
      url = await waitForUrl(running);
      const queried = await fetch(`${url}/rest/caas/extendnumber/v1.0?subscriptionId=${subscriptionId}`, {
        headers: sign(),
      });
      expect(await queried.json()).toMatchObject({ resultcode: "0", bindNum: "+8613800000021" });
      running.child.kill("SIGTERM");
      expect(await running.exited).toBe(0);

      const file = join(dir, "axe-simulator-state.json");
      writeFileSync(file, "{ truncated");
      running = runCli(["--port", "0", "--data-dir", dir]);
      expect(await running.exited).toBe(2);
      expect(running.output()).toContain(
        `Cannot restore the simulator state from ${file}: it is not valid JSON`,
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("parses every flag of the command line into the configuration", () => {
    const parse = (argv: string[]) =>
      buildCommand()
        .exitOverride()
        .configureOutput({ writeErr: () => {} })
        .parse(argv, { from: "user" })
        .opts<CliOptions>();
    const options = parse([
      "--host",
      "0.0.0.0",
      "-p",
      "9000",
      "--app-key",
      "k",
      "--app-secret",
      "s",
      "--virtual-numbers",
      "+8617000000009:021, +8617000000008",
      "--extension-digits",
      "3",
      "--schemes",
      "aksk,wsse-hex",
      "--notify-url",
      "http://127.0.0.1:1/n",
      "--call-event-url",
      "http://127.0.0.1:1/e",
      "--fee-url",
      "http://127.0.0.1:1/f",
      "--num-status-url",
      "http://127.0.0.1:1/s",
      "--push-scheme",
      "wsse-raw",
      "--no-recording",
      "--time-scale",
      "0.5",
      "--seed",
      "-3",
      "--cdr-batch-window-ms",
      "100",
      "--lockout-threshold",
      "2",
      "--lockout-duration-seconds",
      "60",
      "--control-token",
      "token-123456",
      "--data-dir",
      "/var/lib/axe-sim",
      "-q",
    ]);
    expect(options.quiet).toBe(true);
    expect(configFromOptions(options)).toEqual({
      host: "0.0.0.0",
      port: 9000,
      timeScale: 0.5,
      seed: -3,
      cdrBatchWindowMs: 100,
      lockout: { threshold: 2, durationSeconds: 60 },
      control: { token: "token-123456" },
      dataDir: "/var/lib/axe-sim",
      apps: [
        {
          appKey: "k",
          appSecret: "s",
          virtualNumbers: [{ number: "+8617000000009", cityCode: "021" }, { number: "+8617000000008" }],
          extensionDigits: 3,
          schemes: ["aksk", "wsse-hex"],
          notifyUrl: "http://127.0.0.1:1/n",
          callEventUrl: "http://127.0.0.1:1/e",
          feeUrl: "http://127.0.0.1:1/f",
          numStatusUrl: "http://127.0.0.1:1/s",
          pushScheme: "wsse-raw",
          recordingEnabled: false,
        },
      ],
    });
    // Without flags: the documented defaults, recording left on.
    expect(configFromOptions(parse([]))).toEqual({
      host: "127.0.0.1",
      port: 8788,
      apps: [{ ...DEFAULT_APP }],
    });
    for (const bad of [
      ["--port", "70000"],
      ["--extension-digits", "0"],
      ["--schemes", "aksk,md5"],
      ["--push-scheme", "md5"],
      ["--time-scale", "-1"],
      ["--seed", "1.5"],
      ["--lockout-threshold", "x"],
      ["--unknown-flag"],
    ]) {
      expect(() => parse(bad), bad.join(" ")).toThrow();
    }
    // The scheme lists come from @privnum/wsse-auth.
    expect(() => parse(["--schemes", "aksk,md5"])).toThrow(
      "unknown scheme md5; use aksk, wsse-hex, wsse-raw",
    );
    expect(() => parse(["--push-scheme", "md5"])).toThrow("Allowed choices are aksk, wsse-hex, wsse-raw");
    expect(buildCommand().helpInformation()).toContain("(default: aksk,wsse-hex,wsse-raw)");
  });

  it("pushes to --notify-url and guards the control API with --control-token", async () => {
    const receiver = await startReceiver();
    try {
      running = runCli([
        "--host",
        "127.0.0.1",
        "--port",
        "0",
        "--notify-url",
        `${receiver.url}/notify`,
        "--control-token",
        "cli-token-123",
        "--quiet",
      ]);
      const url = await waitForUrl(running);
      const body = JSON.stringify({ number: "+8617000000001", status: "9" });
      const denied = await fetch(`${url}/simulator/number-status`, { method: "POST", body });
      expect(denied.status).toBe(401);
      const ok = await fetch(`${url}/simulator/number-status`, {
        method: "POST",
        body,
        headers: { authorization: "Bearer cli-token-123", "content-type": "application/json" },
      });
      expect(ok.status).toBe(200);
      await waitFor(() => receiver.received.length === 1);
      expect(receiver.received[0]).toMatchObject({
        path: "/notify",
        body: { eventType: "numStatus", numInfo: [{ number: "+8617000000001", status: "9" }] },
      });
      expect(receiver.received[0]!.headers["x-aksk"]).toMatch(/^UsernameToken Username="privnum-sim-app"/);
      running.child.kill("SIGTERM");
      expect(await running.exited).toBe(0);
    } finally {
      await receiver.close();
    }
  });
});
