// Throughput of signing and verifying against a raw createHmac('sha256') loop measured in the same run.
// Run with `pnpm bench`. Targets: verify ≥ 80 % of raw and ≥ 100,000/s.

import { createHmac } from "node:crypto";
import { isQuick, reportSuite } from "@privnum/bench-kit";
import { Bench } from "tinybench";
import {
  createMemoryNonceStore,
  createVerifier,
  type NonceStore,
  type Scheme,
  signUsernameToken,
} from "../src/index.js";

// Each task call runs BATCH operations so that the timer's own cost and tinybench's per-call bookkeeping do
// not swamp operations of a few microseconds.
const BATCH = 1_000;
const POOL = 10_000;
const appKey = "a1d1f50cad21415fbdd13d8f53d36d60";
const appSecret = "cfc881cc704c4fba8d8fef5788e03e6b";
const secrets = new Map([[appKey, appSecret]]);

type HeaderRecord = Record<string, string>;

// As Node's HTTP parser hands them out: flat strings (a template literal's result is a rope that V8 would
// flatten on first read, a cost no server-side header has).
const received = (value: string) => Buffer.from(value, "latin1").toString("latin1");

// Pre-signed, distinct requests shaped like Node's IncomingHttpHeaders (lower-case keys).
function pool(scheme: Scheme): { headers: HeaderRecord; message: string }[] {
  const out: { headers: HeaderRecord; message: string }[] = [];
  for (let i = 0; i < POOL; i++) {
    const signed = signUsernameToken({ appKey, appSecret, scheme });
    out.push({
      headers: {
        host: "127.0.0.1:8080",
        "content-type": "application/json;charset=UTF-8",
        "content-length": "512",
        authorization: received(signed.authorization),
        [signed.tokenHeaderName.toLowerCase()]: received(signed.tokenHeader),
      },
      message: received(signed.nonce + signed.created),
    });
  }
  return out;
}

// A verifier over a pool: when the pool wraps, a fresh nonce store takes over, so every verification is a
// first sighting that must succeed (checked below) and none short-circuits as a replay. The store thus holds
// up to POOL nonces, like a receiver taking ~30 requests a second over the default 360 s window.
function verifierOver(requests: { headers: HeaderRecord }[]) {
  let store = createMemoryNonceStore({ maxEntries: POOL });
  const rotating: NonceStore = { add: (key, ttl) => store.add(key, ttl) };
  const verifier = createVerifier({ lookupSecret: async (key) => secrets.get(key), nonceStore: rotating });
  let index = 0;
  let failures = 0;
  return {
    async run() {
      for (let i = 0; i < BATCH; i++) {
        if (index === requests.length) {
          index = 0;
          store = createMemoryNonceStore({ maxEntries: POOL });
        }
        const result = await verifier.verify(requests[index++]!.headers);
        if (!result.ok) failures++;
      }
    },
    failures: () => failures,
  };
}

const akskPool = pool("aksk");
const wssePool = pool("wsse-raw");
const verifyAksk = verifierOver(akskPool);
const verifyWsse = verifierOver(wssePool);

// Results are kept so that no engine could skip the work.
const results: string[] = new Array(BATCH);

const RAW = "raw createHmac('sha256') loop";
const SIGN = "signUsernameToken (aksk)";
const VERIFY = "verify (aksk)";
const VERIFY_WSSE = "verify (WSSE: tries wsse-hex and wsse-raw)";
const tasks: [string, () => unknown][] = [
  [
    RAW,
    () => {
      for (let i = 0; i < BATCH; i++) {
        // The digest verify computes: key = APP_Secret, message = Nonce + Created of each request.
        results[i] = createHmac("sha256", appSecret).update(akskPool[i]!.message).digest("base64");
      }
    },
  ],
  [
    SIGN,
    () => {
      for (let i = 0; i < BATCH; i++) results[i] = signUsernameToken({ appKey, appSecret }).tokenHeader;
    },
  ],
  [VERIFY, () => verifyAksk.run()],
  [VERIFY_WSSE, () => verifyWsse.run()],
];

// Several short rounds, each measuring every task, and the median of the per-round figures: on a shared
// machine the load drifts, and a ratio is only fair between measurements taken close together.
const ROUNDS = isQuick() ? 3 : 7;
const perRound: Map<string, number>[] = [];
for (let round = 0; round < ROUNDS; round++) {
  const bench = new Bench({ time: 300, warmupTime: round === 0 ? 300 : 50 });
  for (const [name, fn] of tasks) bench.add(name, fn);
  await bench.run();
  const ops = new Map<string, number>();
  for (const task of bench.tasks) {
    const result = task.result;
    if (!("period" in result)) throw new Error(`${task.name} did not complete: ${result.state}`);
    ops.set(task.name, (BATCH * 1000) / result.period);
  }
  perRound.push(ops);
}

const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
};
const opsOf = (name: string) => median(perRound.map((round) => round.get(name)!));
const ratiosOf = (name: string) => perRound.map((round) => round.get(name)! / round.get(RAW)!);
const percent = (ratio: number) => `${(ratio * 100).toFixed(1)} %`;

console.log(`Node ${process.version}, ${ROUNDS} rounds, ${BATCH} operations per sample; medians over rounds`);
console.table(
  tasks.map(([name]) => {
    const ratios = ratiosOf(name);
    return {
      task: name,
      "ops/s": Math.round(opsOf(name)).toLocaleString("en-US"),
      "vs raw HMAC": percent(median(ratios)),
      "range over rounds": `${percent(Math.min(...ratios))} – ${percent(Math.max(...ratios))}`,
    };
  }),
);

const verifyOps = opsOf(VERIFY);
const verifyRatio = median(ratiosOf(VERIFY));
console.log(
  `verify/raw = ${verifyRatio.toFixed(3)} (target ≥ 0.80): ${verifyRatio >= 0.8 ? "met" : "NOT met"}`,
);
console.log(
  `verify = ${Math.round(verifyOps).toLocaleString("en-US")}/s (target ≥ 100,000/s): ${verifyOps >= 100_000 ? "met" : "NOT met"}`,
);
console.log(`sign/raw = ${median(ratiosOf(SIGN)).toFixed(3)}`);

const failures = verifyAksk.failures() + verifyWsse.failures();
if (failures > 0) {
  console.error(`${failures} verifications failed; the benchmark did not measure the success path.`);
  process.exitCode = 1;
}

const rawOps = opsOf(RAW);
await reportSuite({
  suite: "wsse-auth",
  figures: [
    {
      id: "W1",
      name: "verify (aksk, memory nonce store)",
      value: verifyOps,
      unit: "ops/s",
      baseline: { name: RAW, value: rawOps },
      ratio: verifyRatio,
      target: "≥ 80% of baseline and ≥ 100,000 ops/s",
      met: verifyRatio >= 0.8 && verifyOps >= 100_000,
    },
    {
      id: "W1-wsse",
      name: "verify (WSSE, tries wsse-hex and wsse-raw)",
      value: opsOf(VERIFY_WSSE),
      unit: "ops/s",
      baseline: { name: RAW, value: rawOps },
      ratio: median(ratiosOf(VERIFY_WSSE)),
    },
    {
      id: "sign",
      name: "signUsernameToken (aksk)",
      value: opsOf(SIGN),
      unit: "ops/s",
      baseline: { name: RAW, value: rawOps },
      ratio: median(ratiosOf(SIGN)),
    },
  ],
});
