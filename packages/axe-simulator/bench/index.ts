/**
 * Throughput of the simulator's platform API over real HTTP, against a raw `node:http` server that answers a
 * fixed JSON body in the same run (the baseline: what HTTP alone costs on this machine). Both close the
 * connection after each answer, as the platform does. Run with `pnpm bench`.
 */

import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { performance } from "node:perf_hooks";
import { isQuick, reportSuite } from "@privnum/bench-kit";
import { signUsernameToken } from "@privnum/wsse-auth";
import { createSimulator } from "../src/index.js";

const N = Number(process.env.BENCH_REQUESTS ?? (isQuick() ? 400 : 2000));
const CONCURRENCY = 8;
const APP = { appKey: "bench-app", appSecret: "bench-secret" };

const ROUNDS = 3;

async function round(request: (i: number) => Promise<void>, offset: number): Promise<number> {
  let next = 0;
  const start = performance.now();
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (next < N) await request(offset + next++);
    }),
  );
  return N / ((performance.now() - start) / 1000);
}

/** Runs the cases in alternating rounds (so machine load hits them alike) and reports each one's median. */
async function measureAll(cases: Array<[string, (i: number) => Promise<void>]>): Promise<number[]> {
  for (const [, request] of cases) for (let i = 0; i < 50; i++) await request(1_000_000 + i); // warm-up
  const rates: number[][] = cases.map(() => []);
  for (let r = 0; r < ROUNDS; r++) {
    for (const [k, [, request]] of cases.entries()) rates[k]!.push(await round(request, r * N));
  }
  return rates.map((list, k) => {
    const median = [...list].sort((a, b) => a - b)[Math.floor(list.length / 2)]!;
    console.log(`${cases[k]![0].padEnd(44)} ${median.toFixed(0).padStart(8)} req/s (median of ${ROUNDS})`);
    return median;
  });
}

const raw = createServer((req, res) => {
  req.resume();
  req.on("end", () => {
    res.writeHead(200, { "Content-Type": "application/json;charset=UTF-8", Connection: "close" });
    res.end('{"resultcode":"0","resultdesc":"Success"}');
  });
});
await new Promise<void>((r) => raw.listen(0, "127.0.0.1", r));
const rawUrl = `http://127.0.0.1:${(raw.address() as AddressInfo).port}`;

const numbers = Array.from({ length: 20 }, (_, i) => `+86170000${String(i).padStart(5, "0")}`);
const sim = createSimulator({ apps: [{ ...APP, virtualNumbers: numbers }], lockout: { threshold: 0 } });
const { url } = await sim.start();
const body = (i: number) =>
  JSON.stringify({
    virtualNum: numbers[Math.abs(i) % numbers.length],
    bindNum: `+86138${String(Math.abs(i)).padStart(8, "0")}`,
  });

const [baseline, bindRate, queryRate] = (await measureAll([
  [
    "baseline: raw node:http, signed POST",
    async (i) => {
      const res = await fetch(rawUrl, {
        method: "POST",
        headers: signUsernameToken(APP).headers,
        body: body(i),
      });
      await res.arrayBuffer();
    },
  ],
  [
    "simulator: POST bind (verify + allocate)",
    async (i) => {
      const res = await fetch(`${url}/rest/caas/extendnumber/v1.0`, {
        method: "POST",
        headers: signUsernameToken(APP).headers,
        body: body(i),
      });
      await res.arrayBuffer();
    },
  ],
  [
    "simulator: GET query v1.0",
    async (i) => {
      const qs = `virtualNum=${encodeURIComponent(numbers[i % numbers.length]!)}&extendNum=0001`;
      const res = await fetch(`${url}/rest/caas/extendnumber/v1.0?${qs}`, {
        headers: signUsernameToken(APP).headers,
      });
      await res.arrayBuffer();
    },
  ],
])) as [number, number, number];

console.log(`bind  / baseline: ${(bindRate / baseline).toFixed(2)}`);
console.log(`query / baseline: ${(queryRate / baseline).toFixed(2)}`);
await reportSuite({
  suite: "axe-simulator",
  figures: [
    {
      id: "sim-bind",
      name: "signed bind requests answered per second",
      value: bindRate,
      unit: "req/s",
      baseline: { name: "raw node:http answering a signed POST", value: baseline },
      ratio: bindRate / baseline,
    },
    {
      id: "sim-query",
      name: "signed query v1.0 requests answered per second",
      value: queryRate,
      unit: "req/s",
      baseline: { name: "raw node:http answering a signed POST", value: baseline },
      ratio: queryRate / baseline,
    },
  ],
});
await sim.stop();
raw.close();
