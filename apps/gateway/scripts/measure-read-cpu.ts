// Gateway CPU per GraphQL page over HTTP, the whole gateway answering (node:http, Yoga, the operator key's
// check, graphql-jit, PostgreSQL), as the bench's P6 sends them:
//
//   pnpm --filter @privnum/gateway exec tsx scripts/measure-read-cpu.ts [bindings|callRecords] [--requests N]
//     [--rounds N] [--in-flight N] [--warm-up N] [--profile FILE.cpuprofile] > /dev/null
//
// One gateway on a fresh PostgreSQL database seeded as scripts/compare-request-cpu.ts seeds it (1,000 bindings,
// 2,000 CDRs), logging at info to stdout (send it to /dev/null; the figures go to stderr). The requests come
// from a child process (this script forked), so the gateway's process CPU (`process.cpuUsage`) is its own; it
// and the statements run (`databaseQueryCount`) are divided by the requests of each round, and the median of
// the rounds is printed.
import { fork } from "node:child_process";
import { parseArgs } from "node:util";
import { buildApp } from "../src/app.js";
import { TEST_API_KEYS, testConfig } from "../src/shared/config.js";
import { createLogger } from "../src/shared/logger.js";
import { createMeasureDatabase, seedPages } from "./request-cpu/measure-database.js";
import { inFlightPoster, loadChildRunner, measureRounds } from "./request-cpu/measured-rounds.js";
import { readWorkloads } from "./request-cpu/read-workloads.js";

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    requests: { type: "string", default: "2000" },
    rounds: { type: "string", default: "5" },
    "in-flight": { type: "string", default: "4" },
    "warm-up": { type: "string", default: "3000" },
    postgres: { type: "string", default: "postgres://postgres@127.0.0.1:5432/postgres" },
    profile: { type: "string" },
    client: { type: "boolean", default: false },
  },
});
const workloadName = positionals[0] ?? "bindings";
const requests = Number(values.requests);
const rounds = Number(values.rounds);
const inFlight = Number(values["in-flight"]);

/** The load: `bindings` or `callRecords` pages from `bodies` in turn, with the operator key. */
function pageSender(target: URL, bodies: readonly string[]) {
  let next = 0;
  return inFlightPoster(target, inFlight, () => ({
    body: bodies[next++ % bodies.length]!,
    headers: { authorization: `Bearer ${TEST_API_KEYS.operator}`, "content-type": "application/json" },
  }));
}

if (values.client) {
  // The child: told where and what first, then how many at a time; answers each when done.
  let send: ((count: number) => Promise<void>) | undefined;
  process.on("message", (message: { url: string; bodies: string[] } | number) => {
    if (typeof message !== "number") {
      send = pageSender(new URL("/graphql", message.url), message.bodies);
      return;
    }
    send!(message).then(
      () => process.send!("done"),
      (error: unknown) => {
        console.error(error);
        process.exit(1);
      },
    );
  });
} else {
  await measure();
}

async function measure(): Promise<void> {
  const logger = createLogger({ level: "info" });
  const database = await createMeasureDatabase(values.postgres!);
  const config = testConfig({ database: { kind: "postgres", url: database.url }, notifyVerify: false });
  const app = buildApp(config, { logger, simulator: { timeScale: 0 }, expirySweepIntervalMs: 0 });
  try {
    const gateway = await app.start();
    const { maxBindingId, maxRecordId } = await seedPages(gateway);
    const workload = readWorkloads(maxBindingId, maxRecordId).find((w) => w.name.startsWith(workloadName));
    if (!workload) throw new Error(`no workload ${workloadName}: bindings, callRecords or both`);
    const child = fork(process.argv[1]!, [...process.argv.slice(2), "--client"]);
    child.send({ url: gateway.url, bodies: workload.bodies(1000) });
    const run = loadChildRunner(child);
    await run(Number(values["warm-up"]));
    await measureRounds({
      run,
      statementCount: gateway.databaseQueryCount,
      rounds,
      perRound: requests,
      unit: "page",
      label: workload.name,
      inFlight,
      ...(values.profile !== undefined ? { profileFile: values.profile } : {}),
    });
    child.kill();
  } finally {
    await app.stop();
    await database.drop();
  }
}
