import { describe, expect, it } from "vitest";
import { GATEWAY_VARIABLES, parseConfig } from "../src/shared/config.js";

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
      },
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
});
