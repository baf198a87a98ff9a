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
import { writeFile } from "node:fs/promises";
import { Agent, request } from "node:http";
import { Session } from "node:inspector/promises";
import { parseArgs } from "node:util";
import { buildApp } from "../src/app.js";
import { TEST_API_KEYS, testConfig } from "../src/shared/config.js";
import { createLogger } from "../src/shared/logger.js";
import { createMeasureDatabase, seedPages } from "./request-cpu/measure-database.js";
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

/** The load: `count` pages, `inFlight` at a time, from `bodies`, to `target` with the operator key. */
function pageSender(target: URL, bodies: readonly string[]) {
  const agent = new Agent({ keepAlive: true, maxSockets: inFlight });
  let next = 0;
  const send = () =>
    new Promise<void>((resolve, reject) => {
      const body = bodies[next++ % bodies.length]!;
      const headers = {
        authorization: `Bearer ${TEST_API_KEYS.operator}`,
        "content-type": "application/json",
        "content-length": String(Buffer.byteLength(body)),
      };
      const req = request(target, { method: "POST", agent, headers }, (res) => {
        res.resume();
        res.on("end", () =>
          res.statusCode === 200 ? resolve() : reject(new Error(`status ${res.statusCode}`)),
        );
      });
      req.on("error", reject);
      req.end(body);
    });
  return async (count: number) => {
    let sent = 0;
    await Promise.all(
      Array.from({ length: inFlight }, async () => {
        while (sent < count) {
          sent += 1;
          await send();
        }
      }),
    );
  };
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
    let pending: { resolve: () => void; reject: (error: Error) => void } | undefined;
    child.on("message", () => pending?.resolve());
    child.on("exit", (code) => pending?.reject(new Error(`the load generator exited (${code})`)));
    const run = (count: number) =>
      new Promise<void>((resolve, reject) => {
        pending = { resolve, reject };
        child.send(count);
      });
    await run(Number(values["warm-up"]));
    const cpu: number[] = [];
    const statements: number[] = [];
    const inspector = values.profile === undefined ? undefined : new Session();
    if (inspector) {
      inspector.connect();
      await inspector.post("Profiler.enable");
      await inspector.post("Profiler.start");
    }
    for (let r = 0; r < rounds; r++) {
      const q0 = gateway.databaseQueryCount();
      const c0 = process.cpuUsage();
      await run(requests);
      const c = process.cpuUsage(c0);
      statements.push((gateway.databaseQueryCount() - q0) / requests);
      cpu.push((c.user + c.system) / requests);
      console.error(
        `round ${r + 1}: ${cpu.at(-1)!.toFixed(0)} µs CPU, ${statements.at(-1)!.toFixed(2)} statements per page`,
      );
    }
    if (inspector) {
      const { profile } = await inspector.post("Profiler.stop");
      await writeFile(values.profile!, JSON.stringify(profile));
      inspector.disconnect();
    }
    const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
    console.error(
      `${workload.name} (median of ${rounds} rounds of ${requests}, ${inFlight} in flight): ` +
        `${median(cpu).toFixed(0)} µs process CPU, ${median(statements).toFixed(2)} database statements`,
    );
    child.kill();
  } finally {
    await app.stop();
    await database.drop();
  }
}
