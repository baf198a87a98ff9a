import { describe, expect, it } from "vitest";
import { type CpuProfile, profileText, summariseProfile } from "../src/lib/profile-summary.js";

const PNPM = "file:///repo/node_modules/.pnpm";

// root ─┬─ (idle)
//       ├─ (garbage collector)
//       ├─ onData (pg) ─── parseRow (pg-protocol)
//       ├─ processRequest (graphql-yoga) ─── stringify (native, no script)
//       ├─ writevGeneric (node:internal) ─── writev (native socket write)
//       ├─ storeNotifications (gateway)
//       └─ post (node:inspector: the profiler itself) ─── dispatch
const nodes: CpuProfile["nodes"] = [
  { id: 1, callFrame: { functionName: "(root)", url: "" }, children: [2, 3, 4, 6, 8, 10, 11] },
  { id: 2, callFrame: { functionName: "(idle)", url: "" } },
  { id: 3, callFrame: { functionName: "(garbage collector)", url: "" } },
  {
    id: 4,
    callFrame: { functionName: "onData", url: `${PNPM}/pg@8.23.1/node_modules/pg/lib/client.js` },
    children: [5],
  },
  {
    id: 5,
    callFrame: {
      functionName: "parseRow",
      url: `${PNPM}/pg-protocol@1.16.1/node_modules/pg-protocol/dist/parser.js`,
    },
  },
  {
    id: 6,
    callFrame: {
      functionName: "processRequest",
      url: `${PNPM}/graphql-yoga@5.24.1_graphql@16.15.0/node_modules/graphql-yoga/esm/process-request.js`,
    },
    children: [7],
  },
  { id: 7, callFrame: { functionName: "stringify", url: "" } },
  {
    id: 8,
    callFrame: { functionName: "writevGeneric", url: "node:internal/stream_base_commons" },
    children: [9],
  },
  { id: 9, callFrame: { functionName: "writev", url: "" } },
  {
    id: 10,
    callFrame: { functionName: "storeNotifications", url: "file:///repo/apps/gateway/src/notify/store.ts" },
  },
  { id: 11, callFrame: { functionName: "post", url: "node:inspector" }, children: [12] },
  { id: 12, callFrame: { functionName: "dispatch", url: "" } },
];

/** A profile whose samples land on `ids`, each after `deltaUs` µs. */
function profileOf(ids: number[], deltaUs = 1000): CpuProfile {
  return {
    nodes,
    startTime: 0,
    endTime: ids.length * deltaUs,
    samples: ids,
    timeDeltas: ids.map(() => deltaUs),
  };
}

describe("summariseProfile", () => {
  it("shares busy time by kind of work, leaving idle time out", () => {
    // 10 samples: 2 idle, then 8 busy ones.
    const summary = summariseProfile(profileOf([2, 2, 3, 5, 5, 4, 7, 9, 9, 10]));
    expect(summary.wallMs).toBe(10);
    expect(summary.busyMs).toBe(8);
    expect(Object.fromEntries(summary.categories.map((c) => [c.name, c.share]))).toEqual({
      "pg driver": 3 / 8,
      "socket writes (syscalls, wall time)": 2 / 8,
      "garbage collection": 1 / 8,
      // A native function without a script counts with its caller.
      "Yoga (envelop, fetch API)": 1 / 8,
      "gateway code": 1 / 8,
    });
    expect(summary.categories[0]!.name).toBe("pg driver");
  });

  it("leaves out the profiler's own start and stop", () => {
    const summary = summariseProfile(profileOf([12, 12, 12, 5, 2]));
    expect(summary.wallMs).toBe(2);
    expect(summary.busyMs).toBe(1);
    expect(summary.categories).toEqual([{ name: "pg driver", share: 1 }]);
  });

  it("names the hottest functions with their package", () => {
    const summary = summariseProfile(profileOf([5, 5, 5, 9, 9, 10]), 2);
    expect(summary.functions).toEqual([
      { name: "parseRow (pg-protocol)", share: 0.5 },
      { name: "writev", share: 2 / 6 },
    ]);
  });

  it("reports nothing busy for an idle profile, without dividing by zero", () => {
    const summary = summariseProfile(profileOf([2, 2, 2]));
    expect(summary.busyMs).toBe(0);
    expect(summary.categories).toEqual([]);
    expect(profileText(summary, "idle")).toContain("busy 0% of the time");
  });

  it("writes one line with the busy share and the larger shares", () => {
    const text = profileText(summariseProfile(profileOf([2, 5, 5, 9, 10])), "at 100 req/s offered");
    expect(text).toBe(
      "CPU profile of the gateway at 100 req/s offered (0.0 s, its main thread busy 80% of the time): " +
        "pg driver 50%, socket writes (syscalls, wall time) 25%, gateway code 25%. Hottest functions: " +
        "parseRow (pg-protocol) 50%, writev 25%, storeNotifications (gateway/src/notify/store.ts) 25%.",
    );
  });
});
