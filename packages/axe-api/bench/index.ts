// Per-call overhead of the client against a raw `fetch` of the same simulator endpoint, in the same run.
// Run with `pnpm bench` (it benchmarks the built package). Target: the client adds ≤ 15 % per call.
//
// Both sides do what a real call must: sign a fresh UsernameToken (the platform rejects replayed nonces),
// send GET /rest/caas/extendnumber/v1.0?subscriptionId=…, read and parse the JSON answer. The client adds
// input validation, URL building, the retry loop, the timeout, answer typing and observability plumbing.

import { createSimulator } from "@privnum/axe-simulator";
import { isQuick, reportSuite } from "@privnum/bench-kit";
import { signUsernameToken } from "@privnum/wsse-auth";
import { Bench } from "tinybench";
import { createAxeClient } from "../dist/index.mjs";

const appKey = "privnum-sim-app";
const appSecret = "privnum-sim-secret";
const ROUNDS = 3;
const CALLS_PER_ROUND = isQuick() ? 300 : 1_500;
const WARMUP_CALLS = 300;

const sim = createSimulator();
await sim.start();
const [seeded] = sim.seedBindings({
  bindings: [{ bindNum: "+8613800000021", virtualNum: "+8617000000001" }],
});
const subscriptionId = String(seeded?.body.subscriptionId);
const url = `${sim.url}/rest/caas/extendnumber/v1.0?subscriptionId=${encodeURIComponent(subscriptionId)}`;

async function rawGet(): Promise<void> {
  const { headers } = signUsernameToken({ appKey, appSecret });
  const response = await fetch(url, { headers: { ...headers, Accept: "application/json" } });
  const body = (await response.json()) as { resultcode?: string; bindNum?: string };
  if (body.resultcode !== "0" || !body.bindNum) throw new Error(`raw call failed: ${JSON.stringify(body)}`);
}

const client = createAxeClient({ baseUrl: sim.url, appKey, appSecret });
async function clientGet(): Promise<void> {
  const binding = await client.getBinding({ subscriptionId });
  if (!binding.bindNum) throw new Error("client call failed");
}

// The client's own CPU cost, without network or server: both sides get the same canned answer.
const canned = JSON.stringify({
  resultcode: "0",
  resultdesc: "Success",
  subscriptionId,
  virtualNum: "+8617000000001",
  extendNum: "0001",
  bindNum: "+8613800000021",
  displayNumMode: "0",
  recordFlag: "false",
  timeUnit: "0",
  bindExpiredTime: 0,
  callbackExpiredTime: 0,
});
const cannedFetch: typeof fetch = async () =>
  new Response(canned, { status: 200, headers: { "content-type": "application/json;charset=UTF-8" } });
async function rawLocal(): Promise<void> {
  const { headers } = signUsernameToken({ appKey, appSecret });
  const response = await cannedFetch(url, { headers: { ...headers, Accept: "application/json" } });
  const body = (await response.json()) as { resultcode?: string };
  if (body.resultcode !== "0") throw new Error("raw local failed");
}
const localClient = createAxeClient({ baseUrl: sim.url, appKey, appSecret, fetch: cannedFetch });
async function clientLocal(): Promise<void> {
  await localClient.getBinding({ subscriptionId });
}

// Over HTTP, the machine's load drifts by more than the overhead being measured, so the two sides are
// interleaved call by call (alternating which goes first) instead of being run as separate blocks.
async function interleaved(
  a: () => Promise<void>,
  b: () => Promise<void>,
  calls: number,
): Promise<[number[], number[]]> {
  const ta: number[] = [];
  const tb: number[] = [];
  for (let i = 0; i < calls; i++) {
    const first = i % 2 === 0;
    for (const side of first ? [0, 1] : [1, 0]) {
      const start = performance.now();
      await (side === 0 ? a() : b());
      (side === 0 ? ta : tb).push(performance.now() - start);
    }
  }
  return [ta, tb];
}

const mean = (values: number[]) => values.reduce((sum, v) => sum + v, 0) / values.length;
const quantile = (values: number[], q: number) =>
  [...values].sort((x, y) => x - y)[Math.min(values.length - 1, Math.floor(values.length * q))] ?? Number.NaN;
const median = (values: number[]) => quantile(values, 0.5);

await interleaved(rawGet, clientGet, WARMUP_CALLS);
const rounds: { raw: number[]; client: number[]; ratio: number }[] = [];
for (let round = 0; round < ROUNDS; round++) {
  const [raw, viaClient] = await interleaved(rawGet, clientGet, CALLS_PER_ROUND);
  rounds.push({ raw, client: viaClient, ratio: mean(viaClient) / mean(raw) });
}

// The client's own CPU cost, measured with tinybench where no network noise interferes.
const cpu = new Bench({ time: 1_000, warmup: true, warmupTime: 200 });
cpu.add("raw sign+parse (no network)", rawLocal);
cpu.add("axe-api getBinding (no network)", clientLocal);
await cpu.run();
function meanMs(name: string): number {
  const result = cpu.tasks.find((t) => t.name === name)?.result;
  if (!result || !("latency" in result)) throw new Error(`no result for ${name}`);
  return result.latency.mean;
}
const rawLocalMs = meanMs("raw sign+parse (no network)");
const clientLocalMs = meanMs("axe-api getBinding (no network)");
await sim.stop();

const chosen = [...rounds].sort((x, y) => x.ratio - y.ratio)[Math.floor(ROUNDS / 2)]!;
const ratio = chosen.ratio;
const overhead = (ratio - 1) * 100;
const fmt = (v: number) => v.toFixed(4);

console.log(
  `getBinding against the simulator over HTTP: ${ROUNDS} rounds of ${CALLS_PER_ROUND} interleaved call pairs ` +
    `(after ${WARMUP_CALLS} warm-up pairs); the median round:`,
);
console.table({
  "raw fetch": {
    "mean ms": fmt(mean(chosen.raw)),
    "p50 ms": fmt(median(chosen.raw)),
    "p99 ms": fmt(quantile(chosen.raw, 0.99)),
    "calls/s": Math.round(1000 / mean(chosen.raw)),
  },
  "axe-api getBinding": {
    "mean ms": fmt(mean(chosen.client)),
    "p50 ms": fmt(median(chosen.client)),
    "p99 ms": fmt(quantile(chosen.client, 0.99)),
    "calls/s": Math.round(1000 / mean(chosen.client)),
  },
});
console.log(`ratio client/raw per round: ${rounds.map((r) => r.ratio.toFixed(3)).join(", ")}`);
console.log(
  `ratio client/raw (median round): ${ratio.toFixed(3)}  (client adds ${overhead.toFixed(1)} % per call; target ≤ 15 %)`,
);
console.log(
  `client CPU without network (tinybench): ${(clientLocalMs * 1000).toFixed(1)} µs/call vs raw ${(rawLocalMs * 1000).toFixed(1)} µs/call ` +
    `(+${((clientLocalMs - rawLocalMs) * 1000).toFixed(1)} µs)`,
);
console.log(overhead <= 15 ? "met: client overhead within 15 %" : "NOT met: client overhead above 15 %");

await reportSuite({
  suite: "axe-api",
  figures: [
    {
      id: "client-overhead",
      name: "getBinding through the client, per call, against the simulator over HTTP",
      value: mean(chosen.client),
      unit: "ms",
      lowerIsBetter: true,
      baseline: { name: "raw fetch of the same endpoint", value: mean(chosen.raw) },
      ratio,
      target: "client adds ≤ 15% (ratio ≤ 115%)",
      met: overhead <= 15,
      note: `median of ${ROUNDS} rounds of interleaved pairs`,
    },
  ],
});
