import { availableParallelism } from "node:os";
import { describe, expect, it } from "vitest";
import { DEFAULT_LIMITS, GATEWAY_VARIABLES, parseConfig } from "../src/shared/config.js";

const KEY_A = "aaaaaaaaaaaaaaaaaaaaaaaa-A_1";
const KEY_B = "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb";
const SECRET = "s".repeat(32);

function issuesOf(env: Record<string, string>) {
  const result = parseConfig(env);
  return result.ok ? [] : result.issues;
}

describe("parseConfig", () => {
  it("defaults to an embedded simulator, PGlite under ./.data and verified pushes", () => {
    const result = parseConfig({});
    expect(result).toEqual({
      ok: true,
      config: {
        port: 4000,
        host: "127.0.0.1",
        dataDir: "./.data",
        database: { kind: "pglite", dataDir: ".data/pglite" },
        platform: {
          kind: "embedded-simulator",
          port: 8788,
          appKey: "privnum-sim-app",
          appSecret: "privnum-sim-secret",
          scheme: "aksk",
          stateDir: ".data/simulator",
        },
        notifyVerify: true,
        logLevel: "info",
        virtualNumbers: [],
        production: false,
        auth: { apiKeys: [], jwt: undefined, devKeys: true, corsOrigins: [] },
        limits: DEFAULT_LIMITS,
        metricsToken: undefined,
        workers: 1,
        redis: undefined,
        reconcileIntervalMinutes: 60,
        recordings: { archive: true, maxBytes: 104_857_600, linkTtlSeconds: 900 },
        console: { enabled: true },
      },
    });
  });

  it("reads every variable", () => {
    const result = parseConfig({
      PORT: "8080",
      HOST: "0.0.0.0",
      DATABASE_URL: "postgres://user@db:5432/privnum",
      AXE_BASE_URL: "https://rtcpns.cn-north-1.myhuaweicloud.com",
      AXE_APP_KEY: "key",
      AXE_APP_SECRET: "secret",
      AXE_AUTH_SCHEME: "wsse-raw",
      NOTIFY_VERIFY: "false",
      LOG_LEVEL: "debug",
      SIMULATOR_PORT: "0",
      AXE_VIRTUAL_NUMBERS: "+8617000000001, +8675528000001,+8617000000001",
      NODE_ENV: "production",
      GATEWAY_API_KEYS: `ci=${KEY_A}:operator, ${KEY_B}:viewer`,
      GATEWAY_JWT_SECRET: SECRET,
      GATEWAY_JWT_ISSUER: "https://id.example.com",
      GATEWAY_JWT_AUDIENCE: "privnum",
      GATEWAY_JWT_ROLE_CLAIM: "privnum_role",
      GATEWAY_CORS_ORIGINS: "https://console.example.com, http://localhost:5173",
      GRAPHQL_MAX_DEPTH: "9",
      GRAPHQL_MAX_ALIASES: "5",
      GRAPHQL_MAX_TOKENS: "900",
      GRAPHQL_MAX_DIRECTIVES: "7",
      GRAPHQL_MAX_COST: "3000",
      GRAPHQL_MAX_PLATFORM_CALLS: "4",
      SUBSCRIPTION_MAX_REPLAY: "500",
      WS_MAX_SUBSCRIPTIONS_PER_SOCKET: "10",
      WS_MAX_SOCKETS: "300",
      NOTIFY_RETENTION_DAYS: "7",
      TRUSTED_PROXIES: "10.0.0.1, 10.1.0.0/16",
      NOTIFY_REFUSALS_PER_MINUTE: "20",
      METRICS_TOKEN: "metrics-token-0123456789",
      WORKERS: "3",
      REDIS_URL: "redis://cache:6379/2",
      REDIS_KEY_PREFIX: "privnum-eu:",
      BINDINGS_RECONCILE_MINUTES: "15",
      RECORDINGS_ARCHIVE: "yes",
      RECORDINGS_DIR: "/mnt/shared/recordings",
      RECORDINGS_RETENTION_DAYS: "400",
      RECORDINGS_MAX_BYTES: "5000000",
      RECORDINGS_LINK_TTL_SECONDS: "60",
      CONSOLE_ENABLED: "false",
      CONSOLE_DIR: "/srv/console",
    });
    expect(result).toEqual({
      ok: true,
      config: {
        port: 8080,
        host: "0.0.0.0",
        dataDir: "./.data",
        database: { kind: "postgres", url: "postgres://user@db:5432/privnum" },
        platform: {
          kind: "remote",
          baseUrl: "https://rtcpns.cn-north-1.myhuaweicloud.com",
          appKey: "key",
          appSecret: "secret",
          scheme: "wsse-raw",
        },
        notifyVerify: false,
        logLevel: "debug",
        virtualNumbers: ["+8617000000001", "+8675528000001"],
        production: true,
        auth: {
          apiKeys: [
            { name: "ci", key: KEY_A, role: "operator" },
            { key: KEY_B, role: "viewer" },
          ],
          jwt: {
            secret: SECRET,
            issuer: "https://id.example.com",
            audience: "privnum",
            roleClaim: "privnum_role",
          },
          devKeys: false,
          corsOrigins: ["https://console.example.com", "http://localhost:5173"],
        },
        limits: {
          graphql: {
            maxDepth: 9,
            maxAliases: 5,
            maxTokens: 900,
            maxDirectives: 7,
            maxCost: 3000,
            maxPlatformCalls: 4,
          },
          subscriptions: { maxReplayEvents: 500, maxPerSocket: 10, maxSockets: 300 },
          notify: { retentionDays: 7, trustedProxies: ["10.0.0.1", "10.1.0.0/16"], refusalsPerMinute: 20 },
        },
        metricsToken: "metrics-token-0123456789",
        workers: 3,
        redis: { url: "redis://cache:6379/2", keyPrefix: "privnum-eu:" },
        reconcileIntervalMinutes: 15,
        recordings: {
          archive: true,
          dir: "/mnt/shared/recordings",
          retentionDays: 400,
          maxBytes: 5_000_000,
          linkTtlSeconds: 60,
        },
        console: { enabled: false, dir: "/srv/console" },
      },
    });
  });

  it("refuses REDIS_URL without a shared database and a shared platform, naming each", () => {
    const result = parseConfig({ REDIS_URL: "redis://127.0.0.1:6379" });
    expect(result.ok).toBe(false);
    const issues = result.ok ? [] : result.issues;
    expect(issues.map((issue) => issue.variable).sort()).toEqual([
      "AXE_BASE_URL",
      "DATABASE_URL",
      "RECORDINGS_DIR",
    ]);
    expect(issues.find((issue) => issue.variable === "RECORDINGS_DIR")?.message).toMatch(
      /must share one directory.*or set RECORDINGS_ARCHIVE=false/,
    );
    // Without the archive, no directory is needed.
    const noArchive = parseConfig({ REDIS_URL: "redis://127.0.0.1:6379", RECORDINGS_ARCHIVE: "off" });
    expect(noArchive.ok ? [] : noArchive.issues.map((issue) => issue.variable).sort()).toEqual([
      "AXE_BASE_URL",
      "DATABASE_URL",
    ]);
    expect(issues.find((issue) => issue.variable === "DATABASE_URL")?.message).toMatch(
      /PGlite serves one instance/,
    );
    expect(issues.find((issue) => issue.variable === "AXE_BASE_URL")?.message).toMatch(
      /embedded simulator belongs to one instance/,
    );
    const bad = parseConfig({
      REDIS_URL: "http://cache",
      REDIS_KEY_PREFIX: "a b",
      BINDINGS_RECONCILE_MINUTES: "-1",
      RECORDINGS_RETENTION_DAYS: "0",
      RECORDINGS_LINK_TTL_SECONDS: "5",
      RECORDINGS_ARCHIVE: "maybe",
    });
    expect(bad.ok ? [] : bad.issues.map((issue) => issue.variable)).toEqual(
      expect.arrayContaining([
        "REDIS_URL",
        "REDIS_KEY_PREFIX",
        "BINDINGS_RECONCILE_MINUTES",
        "RECORDINGS_RETENTION_DAYS",
        "RECORDINGS_LINK_TTL_SECONDS",
        "RECORDINGS_ARCHIVE",
      ]),
    );
  });

  describe("WORKERS (cluster mode)", () => {
    const shared = { DATABASE_URL: "postgres://db/privnum", REDIS_URL: "redis://127.0.0.1:6379" };

    it("takes 1 to 64 or auto (one per core), and needs nothing more for 1", () => {
      const workersOf = (env: Record<string, string>) => {
        const result = parseConfig(env);
        if (!result.ok) throw new Error(JSON.stringify(result.issues));
        return result.config.workers;
      };
      expect(workersOf({ WORKERS: "1" })).toBe(1);
      expect(workersOf({ WORKERS: "" })).toBe(1);
      expect(workersOf({ ...shared, WORKERS: "64" })).toBe(64);
      expect(workersOf({ ...shared, WORKERS: "auto" })).toBe(Math.min(64, availableParallelism()));
    });

    it("refuses a count out of range or not a number, naming WORKERS", () => {
      for (const value of ["0", "65", "abc", "-1", "1.5", "2x"]) {
        expect(issuesOf({ ...shared, WORKERS: value })).toContainEqual({
          variable: "WORKERS",
          message: "must be a whole number from 1 to 64, or auto (one per core)",
        });
      }
    });

    it("needs PostgreSQL and Redis for more than one worker, naming each", () => {
      const issues = issuesOf({ WORKERS: "2" });
      expect(issues.map((issue) => issue.variable).sort()).toEqual(["DATABASE_URL", "REDIS_URL"]);
      expect(issues.find((issue) => issue.variable === "DATABASE_URL")?.message).toMatch(
        /required when WORKERS is above 1.*PGlite/,
      );
      expect(issuesOf({ WORKERS: "auto", DATABASE_URL: shared.DATABASE_URL })).toEqual([
        expect.objectContaining({ variable: "REDIS_URL" }),
      ]);
    });

    it("lets the cluster run the embedded simulator and share the recordings directory under DATA_DIR", () => {
      const result = parseConfig({ ...shared, WORKERS: "2" });
      expect(result.ok).toBe(true);
      expect(result.ok && result.config.platform.kind).toBe("embedded-simulator");
    });
  });

  it("names each invalid variable, and requires credentials with a real platform", () => {
    const result = parseConfig({
      PORT: "99999",
      DATABASE_URL: "mysql://x",
      AXE_BASE_URL: "https://example.com",
      AXE_AUTH_SCHEME: "md5",
      NOTIFY_VERIFY: "maybe",
    });
    expect(result.ok).toBe(false);
    const variables = result.ok ? [] : result.issues.map((issue) => issue.variable);
    expect(variables.sort()).toEqual(
      ["AXE_APP_KEY", "AXE_APP_SECRET", "AXE_AUTH_SCHEME", "DATABASE_URL", "NOTIFY_VERIFY", "PORT"].sort(),
    );
  });

  it("refuses an AXE_VIRTUAL_NUMBERS entry that is not E.164, naming the variable", () => {
    for (const value of ["+8617000000001,17000000002", "+8617000000001,,+8617000000002", "+86 170"]) {
      const result = parseConfig({ AXE_VIRTUAL_NUMBERS: value });
      expect(result.ok ? [] : result.issues).toEqual([
        { variable: expect.stringMatching(/^AXE_VIRTUAL_NUMBERS/), message: expect.stringMatching(/E\.164/) },
      ]);
    }
  });

  it("refuses a TRUSTED_PROXIES entry that is not an IP address or a CIDR range, naming the variable", () => {
    for (const value of [
      "10.0.0.1,proxy.example.com",
      "10.0.0.0/33",
      "2001:db8::/129",
      "10.0.0.1/8/8",
      "10.0.0.1,",
    ]) {
      const result = parseConfig({ TRUSTED_PROXIES: value });
      expect(result.ok ? [] : result.issues).toEqual([
        { variable: expect.stringMatching(/^TRUSTED_PROXIES/), message: expect.stringMatching(/CIDR/) },
      ]);
    }
    const accepted = parseConfig({ TRUSTED_PROXIES: "::1, 2001:db8::/32,192.168.0.0/24,192.168.0.0/24" });
    expect(accepted.ok && accepted.config.limits.notify.trustedProxies).toEqual([
      "::1",
      "2001:db8::/32",
      "192.168.0.0/24",
    ]);
  });

  it("treats empty variables as unset", () => {
    const result = parseConfig({ DATABASE_URL: "", AXE_BASE_URL: "", LOG_LEVEL: "" });
    expect(result.ok && result.config.database.kind).toBe("pglite");
    expect(result.ok && result.config.platform.kind).toBe("embedded-simulator");
  });

  it("treats every variable given as an empty string as unset: defaults apply", () => {
    expect(GATEWAY_VARIABLES).toContain("AXE_VIRTUAL_NUMBERS");
    const result = parseConfig(Object.fromEntries(GATEWAY_VARIABLES.map((name) => [name, ""])));
    expect(result).toEqual(parseConfig({}));
    expect(result.ok && result.config.port).toBe(4000);
    expect(
      result.ok && result.config.platform.kind === "embedded-simulator" && result.config.platform.port,
    ).toBe(8788);
  });

  it("keeps everything local under DATA_DIR, PGlite included unless PGLITE_DIR says otherwise", () => {
    const embedded = parseConfig({ DATA_DIR: "/var/lib/privnum" });
    expect(embedded.ok && embedded.config.dataDir).toBe("/var/lib/privnum");
    expect(embedded.ok && embedded.config.database).toEqual({
      kind: "pglite",
      dataDir: "/var/lib/privnum/pglite",
    });
    const own = parseConfig({ DATA_DIR: "/var/lib/privnum", PGLITE_DIR: "/mnt/pglite" });
    expect(own.ok && own.config.database).toEqual({ kind: "pglite", dataDir: "/mnt/pglite" });
    // With PostgreSQL the gateway still keeps its local state (its lock, the simulator's state) under DATA_DIR.
    const postgres = parseConfig({ DATA_DIR: "/srv/gw", DATABASE_URL: "postgres://db/privnum" });
    expect(postgres.ok && postgres.config.dataDir).toBe("/srv/gw");
    expect(postgres.ok && postgres.config.platform).toMatchObject({
      kind: "embedded-simulator",
      stateDir: "/srv/gw/simulator",
    });
  });

  describe("authentication settings", () => {
    it("stops on a malformed GATEWAY_API_KEYS entry with one line that names it and not the key", () => {
      const issues = issuesOf({ GATEWAY_API_KEYS: `ci=${KEY_A}:operator,shortkey:viewer` });
      expect(issues).toEqual([{ variable: "GATEWAY_API_KEYS", message: expect.stringMatching(/^entry 2/) }]);
      expect(issues[0]?.message).not.toContain("shortkey");
      expect(issues[0]?.message).not.toMatch(/\n/);
    });

    it("accepts JWKS instead of a secret, defaulting the role claim to `role`", () => {
      const result = parseConfig({ GATEWAY_JWKS_URL: "https://id.example.com/.well-known/jwks.json" });
      expect(result.ok && result.config.auth).toEqual({
        apiKeys: [],
        jwt: { jwksUrl: "https://id.example.com/.well-known/jwks.json", roleClaim: "role" },
        devKeys: false,
        corsOrigins: [],
      });
    });

    it("refuses a secret and a JWKS together, a short secret, and JWT options without either", () => {
      expect(
        issuesOf({ GATEWAY_JWT_SECRET: SECRET, GATEWAY_JWKS_URL: "https://id.example.com/jwks" }),
      ).toEqual([
        { variable: "GATEWAY_JWKS_URL", message: "cannot be set together with GATEWAY_JWT_SECRET" },
      ]);
      expect(issuesOf({ GATEWAY_JWT_SECRET: "too-short" })).toEqual([
        { variable: "GATEWAY_JWT_SECRET", message: "must be at least 32 characters (HS256)" },
      ]);
      expect(issuesOf({ GATEWAY_JWT_ISSUER: "x", GATEWAY_JWT_ROLE_CLAIM: "r" })).toEqual([
        { variable: "GATEWAY_JWT_ISSUER", message: "needs GATEWAY_JWT_SECRET or GATEWAY_JWKS_URL" },
        { variable: "GATEWAY_JWT_ROLE_CLAIM", message: "needs GATEWAY_JWT_SECRET or GATEWAY_JWKS_URL" },
      ]);
    });

    it("takes exact origins only: no wildcard, no path", () => {
      for (const value of [
        "*",
        "https://console.example.com/",
        "https://console.example.com/app",
        "console.example.com",
      ]) {
        expect(issuesOf({ GATEWAY_CORS_ORIGINS: value })).toEqual([
          {
            variable: expect.stringMatching(/^GATEWAY_CORS_ORIGINS/),
            message: expect.stringMatching(/origins such as/),
          },
        ]);
      }
    });

    it("in production, refuses to start without credentials or with the embedded simulator", () => {
      expect(issuesOf({ NODE_ENV: "production" })).toEqual([
        {
          variable: "GATEWAY_API_KEYS",
          message: "(or GATEWAY_JWT_SECRET or GATEWAY_JWKS_URL) is required when NODE_ENV=production",
        },
        {
          variable: "AXE_BASE_URL",
          message:
            "is required when NODE_ENV=production: the embedded simulator's control API has no authentication",
        },
      ]);
      const withKeys = { NODE_ENV: "production", GATEWAY_API_KEYS: `${KEY_A}:admin` };
      expect(issuesOf(withKeys).map((issue) => issue.variable)).toEqual(["AXE_BASE_URL"]);
    });

    it("generates development keys only when nothing is configured, outside production", () => {
      const devKeys = (env: Record<string, string>) => {
        const result = parseConfig(env);
        return result.ok && result.config.auth.devKeys;
      };
      expect(devKeys({})).toBe(true);
      expect(devKeys({ GATEWAY_API_KEYS: `${KEY_A}:viewer` })).toBe(false);
      expect(devKeys({ GATEWAY_JWT_SECRET: SECRET })).toBe(false);
      expect(
        devKeys({
          NODE_ENV: "production",
          GATEWAY_JWT_SECRET: SECRET,
          AXE_BASE_URL: "https://example.com",
          AXE_APP_KEY: "k",
          AXE_APP_SECRET: "s",
        }),
      ).toBe(false);
    });
  });
});
