import { describe, expect, it } from "vitest";
import { clusterWorkerEnv } from "../src/process/cluster-worker-env.js";
import { formatStartBanner } from "../src/process/start-banner.js";
import { testConfig } from "../src/shared/config.js";

describe("clusterWorkerEnv", () => {
  it("gives every worker the settled port and the primary's simulator as a remote platform", () => {
    const config = testConfig({ virtualNumbers: ["+8617000000009", "+8617000000001"] });
    expect(
      clusterWorkerEnv(config, {
        port: 4123,
        simulator: { url: "http://127.0.0.1:8788", virtualNumbers: ["+8617000000001", "+8617000000002"] },
      }),
    ).toEqual({
      PORT: "4123",
      AXE_BASE_URL: "http://127.0.0.1:8788",
      AXE_APP_KEY: "privnum-sim-app",
      AXE_APP_SECRET: "privnum-sim-secret",
      AXE_AUTH_SCHEME: "aksk",
      AXE_VIRTUAL_NUMBERS: "+8617000000009,+8617000000001,+8617000000002",
    });
  });

  it("leaves a remote platform's settings as the user gave them", () => {
    const config = testConfig({
      platform: {
        kind: "remote",
        baseUrl: "https://axe.example.com",
        appKey: "k",
        appSecret: "s",
        scheme: "aksk",
      },
    });
    expect(clusterWorkerEnv(config, { port: 4000 })).toEqual({ PORT: "4000" });
  });
});

describe("the start banner in cluster mode", () => {
  const gateway = {
    url: "http://127.0.0.1:4000",
    graphqlUrl: "http://127.0.0.1:4000/graphql",
    simulatorUrl: undefined,
    devKeys: undefined,
    fanOut: "redis" as const,
    recordingArchive: undefined,
    console: { unavailable: "CONSOLE_ENABLED=false" },
  };

  it("says how many workers serve, after the URL line", () => {
    const lines = formatStartBanner({ ...gateway, workers: 2 }).split("\n");
    expect(lines[0]).toBe("privnum gateway listening on http://127.0.0.1:4000");
    expect(lines.filter((line) => line.startsWith("workers: "))).toEqual([
      "workers: 2 (node:cluster processes sharing the port; /metrics describes the one that answers)",
    ]);
  });

  it("has no workers line for a single process", () => {
    expect(formatStartBanner(gateway)).not.toMatch(/workers:/);
  });
});
