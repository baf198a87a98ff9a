// The gateway as a service: the built dist/main.mjs (and the pnpm script that runs it) in real child
// processes, on a fresh PostgreSQL database (fast to start) and a temporary DATA_DIR.
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { createServer, type Server } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { DEV_KEYS_FILE_NAME } from "../src/auth/dev-keys.js";
import { LOCK_FILE_NAME } from "../src/process/data-dir-lock.js";
import { createPostgresDatabase, type TestDatabase } from "./support/databases.js";
import {
  bannerPorts,
  type GatewayProcess,
  isPortFree,
  processGroupMembers,
  REPO_ROOT,
  spawnBuiltGateway,
  spawnGateway,
} from "./support/gateway-process.js";

const PROCESS_TIMEOUT = 120_000;
const BANNER = "privnum gateway listening on";

let database: TestDatabase;
const dataDirs: string[] = [];
const children: GatewayProcess[] = [];

function newDataDir(): string {
  const dir = mkdtempSync(join(tmpdir(), "privnum-gateway-process-"));
  dataDirs.push(dir);
  return dir;
}

function track(child: GatewayProcess): GatewayProcess {
  children.push(child);
  return child;
}

/** Occupy a port: listen on port 0 and report which port that was. */
async function occupyPort(): Promise<{ port: number; server: Server }> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  if (typeof address !== "object" || !address) throw new Error("no address");
  return { port: address.port, server };
}

beforeAll(async () => {
  database = await createPostgresDatabase();
});

afterEach(async () => {
  for (const child of children.splice(0)) {
    if (child.child.exitCode === null && child.child.signalCode === null) child.child.kill("SIGKILL");
    await child.exited;
  }
});

afterAll(async () => {
  await database?.drop();
  for (const dir of dataDirs) rmSync(dir, { recursive: true, force: true });
});

function env(dataDir: string, extra: Record<string, string> = {}): Record<string, string> {
  if (database.config.kind !== "postgres") throw new Error("expected PostgreSQL");
  return { DATA_DIR: dataDir, DATABASE_URL: database.config.url, PORT: "0", SIMULATOR_PORT: "0", ...extra };
}

describe("a port that is taken", () => {
  it.each([
    ["PORT", "the gateway's"],
    ["SIMULATOR_PORT", "the embedded simulator's"],
  ] as const)(
    "%s (%s) stops the start with one line and exit 1, before any database is created",
    async (variable, _whose) => {
      const { port, server } = await occupyPort();
      try {
        const dataDir = newDataDir();
        // The embedded PGlite under DATA_DIR: its folder would be created and migrated by a start.
        const gateway = track(
          spawnBuiltGateway({ DATA_DIR: dataDir, PORT: "0", SIMULATOR_PORT: "0", [variable]: String(port) }),
        );
        const { code } = await gateway.exited;
        expect(code).toBe(1);
        expect(gateway.stderr()).toBe(`port ${port} is in use (set ${variable})\n`);
        expect(gateway.stdout()).not.toContain("migration");
        expect(existsSync(join(dataDir, "pglite"))).toBe(false);
        // …and the lock is released.
        expect(readdirSync(dataDir)).toEqual([]);
      } finally {
        server.close();
      }
    },
    PROCESS_TIMEOUT,
  );
});

describe("one gateway per DATA_DIR", () => {
  it(
    "refuses a second gateway on the same DATA_DIR with one line, and a stop releases the directory",
    async () => {
      const dataDir = newDataDir();
      const first = track(spawnBuiltGateway(env(dataDir)));
      await first.waitForOutput(BANNER);
      expect(existsSync(join(dataDir, LOCK_FILE_NAME))).toBe(true);

      const second = track(spawnBuiltGateway(env(dataDir)));
      const { code } = await second.exited;
      expect(code).toBe(1);
      expect(second.stderr()).toBe(
        `DATA_DIR ${dataDir} is in use by another gateway (pid ${first.child.pid}); several instances need DATABASE_URL, AXE_BASE_URL, REDIS_URL and one shared RECORDINGS_DIR, each with its own DATA_DIR\n`,
      );

      first.child.kill("SIGTERM");
      expect((await first.exited).code).toBe(0);
      expect(existsSync(join(dataDir, LOCK_FILE_NAME))).toBe(false);
    },
    PROCESS_TIMEOUT,
  );
});

describe("the start banner", () => {
  it(
    "comes out whole, after the start's log lines",
    async () => {
      const gateway = track(spawnBuiltGateway(env(newDataDir())));
      await gateway.waitForOutput("Simulator:");
      const lines = gateway.stdout().split("\n");
      const first = lines.findIndex((line) => line.startsWith(BANNER));
      expect(lines[first + 1]).toMatch(/^console: http:\/\/127\.0\.0\.1:\d+\/console\/$/);
      lines.splice(first + 1, 1);
      expect(lines.slice(first + 1, first + 8).map((line) => line.trim().split(":")[0])).toEqual([
        "GraphiQL",
        "WebSocket",
        "Webhook",
        "Probes",
        "Simulator",
        "Fan-out",
        "Recordings",
      ]);
      expect(lines[first + 6]).toBe("  Fan-out:    in-process (one instance)");
      expect(lines[first + 7]).toMatch(
        /^ {2}Recordings: archived to directory \/.+\/recordings; served at http:\/\/.+\/recordings\/<icid>$/,
      );
      expect(lines[first + 4]).toMatch(/\/healthz, http:\/\/.+\/readyz, http:\/\/.+\/metrics$/);
      const started = lines.findIndex((line) => line.includes('"msg":"gateway started"'));
      expect(started).toBeGreaterThanOrEqual(0);
      expect(started).toBeLessThan(first);
      gateway.child.kill("SIGTERM");
      expect((await gateway.exited).code).toBe(0);
    },
    PROCESS_TIMEOUT,
  );
});

describe("credentials at start", () => {
  const keysIn = (stdout: string) => {
    const key = (role: string) => new RegExp(`^${role} key: ([A-Za-z0-9_-]+)$`, "m").exec(stdout)?.[1];
    return { operator: key("operator"), viewer: key("viewer"), admin: key("admin") };
  };
  const ask = async (port: number, authorization: string | undefined, query: string) => {
    const response = await fetch(`http://127.0.0.1:${port}/graphql`, {
      method: "POST",
      headers: { "content-type": "application/json", ...(authorization ? { authorization } : {}) },
      body: JSON.stringify({ query }),
    });
    return { status: response.status, body: (await response.json()) as Record<string, unknown> };
  };

  it(
    "prints working development keys when nothing is configured, the same after a restart",
    async () => {
      const dataDir = newDataDir();
      const first = track(spawnBuiltGateway(env(dataDir)));
      await first.waitForOutput("admin key:");
      const keys = keysIn(first.stdout());
      expect(Object.values(keys).every((key) => key && key.length >= 24)).toBe(true);
      expect(statSync(join(dataDir, DEV_KEYS_FILE_NAME)).mode & 0o777).toBe(0o600);
      const { port } = bannerPorts(first.stdout());
      const asOperator = await ask(port, `Bearer ${keys.operator}`, "{ virtualNumbers { number } }");
      expect(asOperator).toMatchObject({
        status: 200,
        body: { data: { virtualNumbers: expect.any(Array) } },
      });
      const asViewer = await ask(
        port,
        `Bearer ${keys.viewer}`,
        "{ receivedNotifications(first: 1) { edges { cursor } } }",
      );
      expect(asViewer.body).toMatchObject({ errors: [{ extensions: { code: "FORBIDDEN" } }] });
      const asAdmin = await ask(
        port,
        `Bearer ${keys.admin}`,
        "{ receivedNotifications(first: 1) { edges { cursor } } }",
      );
      expect(asAdmin.body.errors).toBeUndefined();
      expect((await ask(port, undefined, "{ virtualNumbers { number } }")).status).toBe(401);
      // The keys go to the terminal only, never into the log lines.
      const logLines = first
        .stdout()
        .split("\n")
        .filter((line) => line.startsWith("{"));
      for (const key of Object.values(keys)) expect(logLines.join("\n")).not.toContain(key);
      first.child.kill("SIGTERM");
      expect((await first.exited).code).toBe(0);

      const second = track(spawnBuiltGateway(env(dataDir)));
      await second.waitForOutput("admin key:");
      expect(keysIn(second.stdout())).toEqual(keys);
      second.child.kill("SIGTERM");
      expect((await second.exited).code).toBe(0);
    },
    PROCESS_TIMEOUT,
  );

  it(
    "stops with one line on a development keys file it cannot use, and leaves the file alone",
    async () => {
      const dataDir = newDataDir();
      writeFileSync(join(dataDir, DEV_KEYS_FILE_NAME), "{ not json");
      const gateway = track(spawnBuiltGateway(env(dataDir)));
      expect((await gateway.exited).code).toBe(1);
      expect(gateway.stderr()).toBe(
        `The development keys file ${join(dataDir, DEV_KEYS_FILE_NAME)} is not valid JSON; delete it to get new keys.\n`,
      );
      expect(readFileSync(join(dataDir, DEV_KEYS_FILE_NAME), "utf8")).toBe("{ not json");
    },
    PROCESS_TIMEOUT,
  );

  it(
    "prints no development key once keys are configured",
    async () => {
      const gateway = track(
        spawnBuiltGateway(env(newDataDir(), { GATEWAY_API_KEYS: `ops=${"k".repeat(32)}:operator` })),
      );
      await gateway.waitForOutput("Simulator:");
      expect(gateway.stdout()).not.toMatch(/key:/);
      const { port } = bannerPorts(gateway.stdout());
      expect((await ask(port, `Bearer ${"k".repeat(32)}`, "{ virtualNumbers { number } }")).status).toBe(200);
      gateway.child.kill("SIGTERM");
      expect((await gateway.exited).code).toBe(0);
    },
    PROCESS_TIMEOUT,
  );

  it(
    "refuses a production start without credentials, or with the embedded simulator, one line each",
    async () => {
      const dataDir = newDataDir();
      const bare = track(
        spawnBuiltGateway({ DATA_DIR: dataDir, PORT: "0", SIMULATOR_PORT: "0", NODE_ENV: "production" }),
      );
      expect((await bare.exited).code).toBe(1);
      expect(bare.stderr()).toBe(
        "config: GATEWAY_API_KEYS (or GATEWAY_JWT_SECRET or GATEWAY_JWKS_URL) is required when NODE_ENV=production\n" +
          "config: AXE_BASE_URL is required when NODE_ENV=production: the embedded simulator's control API has no authentication\n",
      );
      const malformed = track(
        spawnBuiltGateway({
          DATA_DIR: dataDir,
          PORT: "0",
          SIMULATOR_PORT: "0",
          GATEWAY_API_KEYS: "ops=tinykey:operator",
        }),
      );
      expect((await malformed.exited).code).toBe(1);
      expect(malformed.stderr()).toMatch(/^config: GATEWAY_API_KEYS entry 1: [^\n]+\n$/);
      expect(malformed.stderr()).not.toContain("tinykey");
      expect(readdirSync(dataDir)).toEqual([]);
    },
    PROCESS_TIMEOUT,
  );
});

describe("pnpm start and signals", () => {
  // The script pnpm runs, as the root `pnpm start` runs it after the build.
  const pnpmStart = (dataDir: string) =>
    track(
      spawnGateway("pnpm", ["--filter", "@privnum/gateway", "start"], env(dataDir), {
        cwd: REPO_ROOT,
        detached: true,
      }),
    );

  it(
    "SIGTERM to the pnpm process stops the gateway: no process left, both ports free",
    async () => {
      const gateway = pnpmStart(newDataDir());
      await gateway.waitForOutput("Simulator:");
      const { port, simulatorPort } = bannerPorts(gateway.stdout());
      const pnpmPid = gateway.child.pid!;

      process.kill(pnpmPid, "SIGTERM");
      const { code } = await gateway.exited;

      // detached: the chain is its own process group, so any process it left behind is still in it.
      expect(processGroupMembers(pnpmPid)).toEqual([]);
      expect(await isPortFree(port)).toBe(true);
      expect(await isPortFree(simulatorPort)).toBe(true);
      expect(code).toBe(0);
    },
    PROCESS_TIMEOUT,
  );

  it(
    "Ctrl-C (SIGINT to the whole process group) ends with exit 0 and no pnpm error",
    async () => {
      const gateway = pnpmStart(newDataDir());
      await gateway.waitForOutput("Simulator:");
      const pnpmPid = gateway.child.pid!;

      process.kill(-pnpmPid, "SIGINT");
      const { code } = await gateway.exited;

      expect(code).toBe(0);
      const output = gateway.stdout() + gateway.stderr();
      expect(output).not.toMatch(/ELIFECYCLE|ERR_PNPM/);
      expect(processGroupMembers(pnpmPid)).toEqual([]);
    },
    PROCESS_TIMEOUT,
  );
});
