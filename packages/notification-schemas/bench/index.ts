import { readFileSync } from "node:fs";
import { isQuick, reportSuite } from "@privnum/bench-kit";
import { Bench } from "tinybench";
import { parseNotification } from "../src/index.js";

// Parse + validate + normalise, against the raw work alone (JSON.parse; for bytes, UTF-8 decoding plus
// JSON.parse) on the same body in the same run. Target: a full parse within 3× the raw work. The gateway
// ingests up to 10k CDR/s.
//
// The machine may be shared, so the tasks run in several short rounds and each ratio is the median of the
// rounds' ratios of median latencies: a burst of load during one task then moves one round, not the result.

const ROUNDS = isQuick() ? 2 : 5;
const TASK_TIME_MS = isQuick() ? 150 : 400;
const TARGET = 3;

const fixture = (name: string) => readFileSync(new URL(`../test/fixtures/${name}`, import.meta.url), "utf8");
// Compact, as the platform sends it: pretty-printing whitespace would only slow the JSON.parse baseline.
const compact = (text: string) => JSON.stringify(JSON.parse(text));

const feeText = compact(fixture("fee/fifty-records.json"));
const feeBytes = new TextEncoder().encode(feeText);
const callText = compact(fixture("callee/06-disconnect.json"));
const utf8 = new TextDecoder("utf-8", { fatal: true });

for (const input of [feeText, feeBytes, callText]) {
  const result = parseNotification(input);
  if (!result.ok) throw new Error(`a bench fixture does not parse: ${JSON.stringify(result.issues)}`);
}

interface Pair {
  readonly label: string;
  readonly baseline: readonly [string, () => unknown];
  readonly full: readonly [string, () => unknown];
}

let sink: unknown;
const pairs: readonly Pair[] = [
  {
    label: "fee push, 50 CDRs, string",
    baseline: ["JSON.parse(text)", () => JSON.parse(feeText)],
    full: ["parseNotification(text)", () => parseNotification(feeText)],
  },
  {
    label: "fee push, 50 CDRs, bytes",
    baseline: ["JSON.parse(decode(bytes))", () => JSON.parse(utf8.decode(feeBytes))],
    full: ["parseNotification(bytes)", () => parseNotification(feeBytes)],
  },
  {
    label: "call event (disconnect), string",
    baseline: ["JSON.parse(text)", () => JSON.parse(callText)],
    full: ["parseNotification(text)", () => parseNotification(callText)],
  },
];

const median = (values: readonly number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] as number;
};

const ratios = pairs.map(() => [] as number[]);
const latencies = new Map<string, number[]>();

for (let round = 0; round < ROUNDS; round++) {
  const bench = new Bench({ time: TASK_TIME_MS, warmupTime: 100 });
  for (const pair of pairs) {
    for (const [name, fn] of [pair.baseline, pair.full]) {
      bench.add(`${pair.label}: ${name}`, () => {
        sink = fn();
      });
    }
  }
  await bench.run();
  const p50 = (name: string): number => {
    const result = bench.getTask(name)?.result;
    if (result?.state !== "completed") throw new Error(`bench task ${name} did not complete`);
    const value = result.latency.p50;
    latencies.set(name, [...(latencies.get(name) ?? []), value]);
    return value;
  };
  pairs.forEach((pair, i) => {
    const base = p50(`${pair.label}: ${pair.baseline[0]}`);
    const full = p50(`${pair.label}: ${pair.full[0]}`);
    ratios[i]?.push(full / base);
  });
}
void sink;

console.log(
  `\n@privnum/notification-schemas bench — node ${process.version}, ${ROUNDS} rounds, fee push ${feeText.length} bytes, call event ${callText.length} bytes\n`,
);
console.table(
  [...latencies].map(([task, values]) => ({
    task,
    "median µs": (median(values) * 1000).toFixed(2),
    "ops/s": Math.round(1000 / median(values)).toLocaleString("en"),
  })),
);
pairs.forEach((pair, i) => {
  const ratio = median(ratios[i] ?? []);
  const verdict = ratio <= TARGET ? "met" : "MISSED";
  console.log(
    `${pair.label}: full parse = ${ratio.toFixed(2)}× the raw parse (target ≤ ${TARGET}×) — ${verdict}`,
  );
});
const opsOf = (name: string) => 1000 / median(latencies.get(name) ?? []);
const feeFull = opsOf(`${pairs[0]?.label}: ${pairs[0]?.full[0]}`);
console.log(`parseNotification throughput, one core: ${Math.round(feeFull * 50).toLocaleString("en")} CDR/s`);

await reportSuite({
  suite: "notification-schemas",
  figures: pairs.map((pair, i) => {
    const times = median(ratios[i] ?? []);
    return {
      id: ["N1", "N1-bytes", "N2"][i] as string,
      name: `${pair.full[0]}: ${pair.label}`,
      value: opsOf(`${pair.label}: ${pair.full[0]}`),
      unit: "ops/s",
      baseline: { name: pair.baseline[0], value: opsOf(`${pair.label}: ${pair.baseline[0]}`) },
      ratio: 1 / times,
      target: `≥ ${(100 / TARGET).toFixed(1)}% of baseline (full parse ≤ ${TARGET}× the raw parse)`,
      met: times <= TARGET,
      note: `full parse = ${times.toFixed(2)}× the raw parse (median of ${ROUNDS} rounds)`,
    };
  }),
});
