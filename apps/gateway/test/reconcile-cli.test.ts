import { execFile } from "node:child_process";
import { existsSync } from "node:fs";
import { createServer as createHttpServer } from "node:http";
import { createServer, type Socket } from "node:net";
import { join } from "node:path";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { TEST_API_KEYS } from "../src/shared/config.js";
import { captureLog } from "./support/captured-log.js";
import { createPostgresDatabase, type TestDatabase } from "./support/databases.js";
import { startGateway, type TestGateway, until } from "./support/gateway.js";
import { GATEWAY_DIR } from "./support/gateway-process.js";
import { clientBehindTheGatewaysBack } from "./support/platform-seam.js";

/** The built command `pnpm reconcile` runs. */
const BUILT_CLI = join(GATEWAY_DIR, "dist/cli/reconcile.mjs");

const X1 = "+8617000000001";

interface CliRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Run the built command with `args`, and of the gateway's variables only those in `env`. */
function runCli(args: string[], env: Record<string, string> = {}): Promise<CliRun> {
  const { GATEWAY_URL: _url, GATEWAY_KEY: _key, ...inherited } = process.env;
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [BUILT_CLI, ...args],
      { env: { ...inherited, ...env }, timeout: 30_000 },
      (error, stdout, stderr) => {
        const code = error ? (typeof error.code === "number" ? error.code : null) : 0;
        resolve({ code, stdout, stderr });
      },
    );
  });
}

/** A local port nothing listens on. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

describe("pnpm reconcile (the built command against a running gateway)", () => {
  let database: TestDatabase;
  let gw: TestGateway;
  const operator = ["--key", TEST_API_KEYS.operator];

  beforeAll(async () => {
    if (!existsSync(BUILT_CLI)) throw new Error(`${BUILT_CLI} is missing: run \`pnpm build\` first`);
    database = await createPostgresDatabase();
    const log = captureLog();
    gw = await startGateway(
      { database: database.config },
      { logger: log.logger, platformClient: { retry: false } },
    );
    // The run at start is over before a test binds behind the gateway's back.
    await until(
      () => log.lines.some((l) => l.msg === "reconciled the bindings with the platform"),
      "the run at start",
    );
  });
  afterAll(async () => {
    await gw?.stop();
    await database?.drop();
  });
  afterEach(() => gw.gateway.simulator!.setFaults({ api: {} }));

  it("prints the report and exits 0 when every X was reconciled", async () => {
    await clientBehindTheGatewaysBack(gw).createBinding({ bindNum: "+8613800000951", virtualNum: X1 });
    const run = await runCli(["--url", gw.gateway.url, ...operator, "--virtual-num", X1]);
    expect(run).toEqual({
      code: 0,
      stdout: expect.stringMatching(
        /^Reconciled 1 X number\(s\) in \d+\.\d s: 1 listed by the platform, 1 imported, 0 marked MISSING, 0 unchanged, 0 X failed\.\n$/,
      ),
      stderr: "",
    });
  });

  it("reads the gateway's URL and key from GATEWAY_URL and GATEWAY_KEY, and reconciles every X by default", async () => {
    const run = await runCli([], { GATEWAY_URL: gw.gateway.url, GATEWAY_KEY: TEST_API_KEYS.operator });
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/^Reconciled 2 X number\(s\) in .* 1 unchanged, 0 X failed\.\n$/);
  });

  it("exits 1 and names each X the platform failed for, masked", async () => {
    gw.gateway.simulator!.setFaults({ api: { error500: 1 } });
    const run = await runCli(["--url", gw.gateway.url, ...operator]);
    expect(run.code).toBe(1);
    const lines = run.stdout.trimEnd().split("\n");
    expect(lines[0]).toMatch(/^Reconciled 2 X number\(s\) .* 2 X failed\.$/);
    expect(lines.slice(1)).toEqual([
      expect.stringMatching(/^ {2}failed \+86170\*\*\*\*0001: listing failed: .*\(resultcode 1010001\)$/),
      expect.stringMatching(/^ {2}failed \+86170\*\*\*\*0002: listing failed: /),
    ]);
    expect(run.stdout).not.toMatch(/1700000000[12]/);
  });

  it("exits 2 with one line on a usage error", async () => {
    const withoutKey = await runCli(["--url", gw.gateway.url]);
    expect(withoutKey).toEqual({
      code: 2,
      stdout: "",
      stderr: "error: required option '--key <key>' not specified\n",
    });

    const badNumber = await runCli(["--url", gw.gateway.url, ...operator, "--virtual-num", "17000000001"]);
    expect(badNumber.code).toBe(2);
    expect(badNumber.stderr).toMatch(
      /^reconcile: Invalid input: virtualNums\[0\]: must be an E\.164 number.*\n$/,
    );

    const badTimeout = await runCli(["--url", gw.gateway.url, ...operator, "--timeout", "0"]);
    expect(badTimeout.code).toBe(2);
    expect(badTimeout.stderr.trimEnd().split("\n")).toHaveLength(1);
  });

  it("exits 2 with one line when what answers is not the gateway, or nothing answers in time", async () => {
    // A proxy's error page first; then a server that never answers.
    let hangNext = false;
    const sockets = new Set<Socket>();
    const notTheGateway = createHttpServer((_request, response) => {
      if (hangNext) return;
      response.writeHead(502, { "content-type": "text/html" }).end("<html>Bad gateway</html>");
    });
    notTheGateway.on("connection", (socket) => {
      sockets.add(socket);
      socket.on("close", () => sockets.delete(socket));
    });
    await new Promise<void>((resolve) => notTheGateway.listen(0, "127.0.0.1", resolve));
    const url = `http://127.0.0.1:${(notTheGateway.address() as { port: number }).port}`;
    try {
      const page = await runCli(["--url", url, ...operator]);
      expect(page).toEqual({
        code: 2,
        stdout: "",
        stderr: `reconcile: the gateway at ${url}/graphql answered HTTP 502 without GraphQL\n`,
      });
      hangNext = true;
      const silent = await runCli(["--url", url, ...operator, "--timeout", "1"]);
      expect(silent).toEqual({
        code: 2,
        stdout: "",
        stderr: `reconcile: cannot reach the gateway at ${url}/graphql: no answer within 1 s\n`,
      });
    } finally {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => notTheGateway.close(() => resolve()));
    }
  });

  it("exits 1 with one line when the platform refuses the gateway's credentials", async () => {
    const refused = await startGateway(
      { database: database.config },
      {
        // The simulator knows another secret for this APP_Key than the gateway signs with.
        simulator: {
          timeScale: 0,
          apps: [{ appKey: "privnum-sim-app", appSecret: "another-secret-000", virtualNumbers: [X1] }],
        },
      },
    );
    try {
      const run = await runCli(["--url", refused.gateway.url, ...operator]);
      expect(run.code).toBe(1);
      expect(run.stdout).toBe("");
      expect(run.stderr).toMatch(/^reconcile: the platform refused the gateway: .*\n$/);
    } finally {
      await refused.stop();
    }
  });

  it("exits 2 with one line when the gateway cannot be reached or refuses the key", async () => {
    const port = await closedPort();
    const unreachable = await runCli(["--url", `http://127.0.0.1:${port}`, ...operator]);
    expect(unreachable).toEqual({
      code: 2,
      stdout: "",
      stderr: `reconcile: cannot reach the gateway at http://127.0.0.1:${port}/graphql: ECONNREFUSED\n`,
    });

    const viewer = await runCli(["--url", gw.gateway.url, "--key", TEST_API_KEYS.viewer]);
    expect(viewer.code).toBe(2);
    expect(viewer.stderr).toBe(
      "reconcile: the gateway answered HTTP 200: The viewer role may not use Mutation.reconcileBindings.\n",
    );

    const unknownKey = await runCli(["--url", gw.gateway.url, "--key", "not-a-key-of-this-gateway-000000"]);
    expect(unknownKey.code).toBe(2);
    expect(unknownKey.stderr).toMatch(/^reconcile: the gateway answered HTTP 401: .*\n$/);
  });
});
