// The two-process rows run the gateway's own dist/main.mjs with environment variables only. Checked here with
// WORKERS=1 on the machine's PostgreSQL and Redis: the banner gives the URL, the CPU counters cover the
// process tree, SIGTERM stops it with exit code 0; a configuration the gateway refuses fails the start with
// a clear error instead of a wait.
import { randomBytes } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type BenchDatabase, createBenchDatabase, dropAllBenchDatabases } from "../src/lib/bench-database.js";
import { apiKeysSetting, bearerAuthorization, generateApiKey } from "../src/lib/gateway-api-keys.js";
import { bannerUrl, gatewayClusterEnv, startGatewayCluster } from "../src/lib/gateway-cluster.js";

const REDIS_URL = process.env.PRIVNUM_BENCH_REDIS_URL || "redis://127.0.0.1:6379";
let database: BenchDatabase;
let dir: string;

beforeAll(async () => {
  database = await createBenchDatabase("cluster");
  dir = mkdtempSync(join(tmpdir(), "privnum-gateway-cluster-test-"));
});

afterAll(async () => {
  await dropAllBenchDatabases();
  rmSync(dir, { recursive: true, force: true });
});

const key = generateApiKey();
const env = (dataDir: string) =>
  gatewayClusterEnv(
    {
      PORT: "0",
      HOST: "127.0.0.1",
      LOG_LEVEL: "info",
      GATEWAY_API_KEYS: apiKeysSetting([{ name: "bench-operator", key, role: "operator" }]),
    },
    {
      workers: 1,
      databaseUrl: database.url,
      redis: { url: REDIS_URL, keyPrefix: `privnum-bench-test-${randomBytes(4).toString("hex")}:` },
      dataDir,
      platform: { baseUrl: "http://127.0.0.1:9", appKey: "bench-app", appSecret: "bench-secret" },
    },
  );

describe("bannerUrl", () => {
  it("reads the URL from the banner's first line and nothing else", () => {
    expect(bannerUrl("privnum gateway listening on http://127.0.0.1:41234")).toBe("http://127.0.0.1:41234");
    expect(bannerUrl('{"level":30,"msg":"privnum gateway listening on http://x"}')).toBeUndefined();
    expect(bannerUrl("  GraphiQL:   http://127.0.0.1:41234/graphql")).toBeUndefined();
  });
});

describe("startGatewayCluster", () => {
  it("starts dist/main.mjs from its environment, reads its process tree's CPU, and stops it with SIGTERM", async () => {
    const logFile = join(dir, "cluster.log");
    const cluster = await startGatewayCluster({ name: "test cluster", env: env(join(dir, "ok")), logFile });
    try {
      expect(cluster.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      expect((await fetch(`${cluster.url}/healthz`)).status).toBe(200);
      // Auth stays on: the run's key is accepted, none is refused.
      const query = (authorization?: string) =>
        fetch(cluster.graphqlUrl, {
          method: "POST",
          headers: { "content-type": "application/json", ...(authorization ? { authorization } : {}) },
          body: JSON.stringify({ query: "{ __typename }" }),
        });
      expect((await query(bearerAuthorization(key))).status).toBe(200);
      expect((await query()).status).not.toBe(200);
      const stats = await cluster.stats();
      expect(stats.cpuMs).toBeGreaterThan(100);
      expect(stats.rssBytes).toBeGreaterThan(20 * 1024 * 1024);
      await expect(cluster.child.request("profile-start")).rejects.toThrow(/answers no requests/);
    } finally {
      await cluster.stop();
    }
    expect(cluster.exitCode()).toBe(0);
    await expect(cluster.stats()).rejects.toThrow(/is gone/);
    expect(readFileSync(logFile, "utf8")).toContain("privnum gateway listening on");
  }, 60_000);

  it("fails the start with the gateway's own complaint when it refuses its configuration", async () => {
    const logFile = join(dir, "refused.log");
    const refused = { ...env(join(dir, "refused")), DATABASE_URL: "mysql://nowhere" };
    await expect(startGatewayCluster({ name: "refused cluster", env: refused, logFile })).rejects.toThrow(
      /refused cluster exited before its start banner/,
    );
    expect(readFileSync(logFile, "utf8")).toContain("DATABASE_URL");
  }, 30_000);
});
