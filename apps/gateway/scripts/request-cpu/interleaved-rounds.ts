// Process CPU per request of several variants ("arms") of the gateway in one process, measured in alternating
// batches so that whatever else the machine does falls on every arm alike: each round runs one batch per arm
// and workload, the order of the arms reversed every other round.
import type { ReadWorkload } from "./read-workloads.js";
import type { SendRequest } from "./request-senders.js";

/** How much to measure. */
export interface RoundsOptions {
  rounds: number;
  /** Requests per batch. */
  batch: number;
  /** Requests in flight at once within a batch. */
  inFlight: number;
  /** Requests per arm and workload before the first round, for V8 to optimise the hot paths. */
  warmUp: number;
}

/** CPU microseconds per request of each batch: `[workload][arm]` → one value per round. */
export type RoundResults = Map<string, Map<string, number[]>>;

async function cpuPerRequest(send: SendRequest, bodies: string[], inFlight: number): Promise<number> {
  const start = process.cpuUsage();
  let next = 0;
  await Promise.all(
    Array.from({ length: inFlight }, async () => {
      while (next < bodies.length) await send(bodies[next++]!);
    }),
  );
  const used = process.cpuUsage(start);
  return (used.user + used.system) / bodies.length;
}

/** Measure every arm on every workload; `log` hears the progress. */
export async function runInterleaved(
  arms: ReadonlyMap<string, SendRequest>,
  workloads: readonly ReadWorkload[],
  options: RoundsOptions,
  log: (line: string) => void,
): Promise<RoundResults> {
  const names = [...arms.keys()];
  log(`warming up ${names.join(", ")}`);
  for (const workload of workloads) {
    for (const send of arms.values())
      await cpuPerRequest(send, workload.bodies(options.warmUp), options.inFlight);
  }
  const results: RoundResults = new Map(
    workloads.map((w) => [w.name, new Map(names.map((name) => [name, [] as number[]]))]),
  );
  for (let round = 0; round < options.rounds; round++) {
    const order = round % 2 === 0 ? names : [...names].reverse();
    for (const workload of workloads) {
      // Every arm answers the same requests in a round.
      const bodies = workload.bodies(options.batch);
      for (const name of order) {
        results
          .get(workload.name)!
          .get(name)!
          .push(await cpuPerRequest(arms.get(name)!, bodies, options.inFlight));
      }
    }
    log(`round ${round + 1}/${options.rounds}`);
  }
  return results;
}

function quantile(values: readonly number[], q: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  const at = (sorted.length - 1) * q;
  const low = Math.floor(at);
  return sorted[low]! + (sorted[Math.ceil(at)]! - sorted[low]!) * (at - low);
}

function spread(values: readonly number[], digits: number): string {
  const f = (x: number) => x.toFixed(digits);
  return (
    `median ${f(quantile(values, 0.5))} [p25–p75 ${f(quantile(values, 0.25))}–${f(quantile(values, 0.75))}] ` +
    `(min–max ${f(Math.min(...values))}–${f(Math.max(...values))})`
  );
}

/**
 * The report: per workload, each arm's CPU µs per request over the rounds, and each other arm's ratio to the
 * first arm within the same round. The second arm should be a copy of the first: its ratios are the noise.
 */
export function formatResults(results: RoundResults): string {
  const lines: string[] = [];
  for (const [workload, arms] of results) {
    lines.push(workload);
    const [first, ...others] = [...arms];
    if (!first) continue;
    for (const [name, values] of arms) lines.push(`  ${name}: µs CPU per request ${spread(values, 0)}`);
    for (const [name, values] of others) {
      const ratios = values.map((value, round) => value / first[1][round]!);
      const above = ratios.filter((ratio) => ratio > 1).length;
      lines.push(
        `  ${name} / ${first[0]}: ${spread(ratios, 3)}, above 1 in ${above} of ${ratios.length} rounds`,
      );
    }
  }
  return lines.join("\n");
}
