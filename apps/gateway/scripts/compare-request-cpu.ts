// Gateway CPU per GraphQL request with one part swapped for the library's own, measured A/B in one process
// (docs/performance-notes.md gives the figures this printed and how to read them):
//
//   pnpm --filter @privnum/gateway exec tsx scripts/compare-request-cpu.ts <experiment> [options]
//
//   body-limit   useRequestSizeLimit against Yoga's own maxRequestBodySize
//   query-jit    useQueryJit against @envelop/graphql-jit (queries only) and against graphql-js alone
//
//   --http            send over real HTTP connections on 127.0.0.1 rather than through yoga.fetch
//   --rounds N        rounds (20); --batch N requests per arm, workload and round (200);
//   --in-flight N     requests at once (4); --warm-up N requests per arm and workload first (3000)
//   --postgres URL    server to create the throwaway database on (postgres://postgres@127.0.0.1:5432/postgres)
//
// Every arm is the gateway's own Yoga (createGatewayYoga over one started gateway's services, on a fresh
// PostgreSQL database seeded with 1,000 bindings and 2,000 CDRs); the first two arms are identical, so the
// spread of their ratio is the noise the other arms' differences must exceed.
import { parseArgs } from "node:util";
import { useGraphQlJit } from "@envelop/graphql-jit";
import { getOperationAST } from "graphql";
import type { Plugin } from "graphql-yoga";
import { buildApp } from "../src/app.js";
import { createOriginPolicy } from "../src/http/origin-policy.js";
import { createGatewayYoga, type GatewayYogaOptions } from "../src/http/yoga.js";
import { testConfig } from "../src/shared/config.js";
import { createLogger } from "../src/shared/logger.js";
import { testAuthentication } from "../test/support/authentication.js";
import { formatResults, runInterleaved } from "./request-cpu/interleaved-rounds.js";
import { createMeasureDatabase, seedPages } from "./request-cpu/measure-database.js";
import { readWorkloads } from "./request-cpu/read-workloads.js";
import { httpSender, inProcessSender, type RequestSender } from "./request-cpu/request-senders.js";

const EXPERIMENTS = ["body-limit", "query-jit"] as const;
type Experiment = (typeof EXPERIMENTS)[number];

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    http: { type: "boolean", default: false },
    rounds: { type: "string", default: "20" },
    batch: { type: "string", default: "200" },
    "in-flight": { type: "string", default: "4" },
    "warm-up": { type: "string", default: "3000" },
    postgres: { type: "string", default: "postgres://postgres@127.0.0.1:5432/postgres" },
  },
});
const experiment = positionals[0] as Experiment;
if (!EXPERIMENTS.includes(experiment)) {
  console.error(`usage: compare-request-cpu.ts <${EXPERIMENTS.join("|")}> [--http] [--rounds N] [--batch N]`);
  process.exit(2);
}
const count = (name: keyof typeof values) => {
  const value = Number(values[name]);
  if (!Number.isInteger(value) || value < 1) throw new Error(`--${name} must be a positive whole number`);
  return value;
};
const options = {
  rounds: count("rounds"),
  batch: count("batch"),
  inFlight: count("in-flight"),
  warmUp: count("warm-up"),
};
const log = (line: string) => console.error(line);

const logger = createLogger({ level: "silent" });
const database = await createMeasureDatabase(values.postgres!);
const app = buildApp(
  testConfig({ database: { kind: "postgres", url: database.url }, notifyVerify: false, logLevel: "silent" }),
  { logger, simulator: { timeScale: 0 }, expirySweepIntervalMs: 0 },
);
const closers: (() => Promise<void>)[] = [];
const stopAll = async () => {
  for (const close of closers.splice(0).reverse()) await close();
  await app.stop();
  await database.drop();
};
process.once("SIGINT", () => {
  void stopAll().finally(() => process.exit(130));
});

try {
  const gateway = await app.start();
  log("seeding the database");
  const { maxBindingId, maxRecordId } = await seedPages(gateway);

  /** An arm: the gateway's Yoga with `variant` applied, reached the chosen way. */
  const arm = async (variant: Partial<GatewayYogaOptions> = {}): Promise<RequestSender> => {
    const yoga = createGatewayYoga({
      services: gateway.services,
      logger,
      routes: [],
      // As the gateway checks its callers: the senders present the test admin key.
      authentication: testAuthentication(),
      origins: createOriginPolicy([]),
      production: false,
      ...variant,
    });
    const sender = values.http ? await httpSender(yoga, options.inFlight) : inProcessSender(yoga);
    closers.push(() => sender.close());
    return sender;
  };
  const isQuery: Parameters<typeof useGraphQlJit>[1] = {
    enableIf: (args) => getOperationAST(args.document, args.operationName)?.operation === "query",
  };

  const arms = new Map<string, RequestSender>();
  if (experiment === "body-limit") {
    arms.set("useRequestSizeLimit", await arm());
    arms.set("useRequestSizeLimit (again)", await arm());
    arms.set("Yoga's maxRequestBodySize", await arm({ bodyLimit: "yoga" }));
  } else {
    arms.set("useQueryJit", await arm());
    arms.set("useQueryJit (again)", await arm());
    arms.set("@envelop/graphql-jit", await arm({ queryExecution: useGraphQlJit({}, isQuery) as Plugin }));
    arms.set("graphql-js", await arm({ queryExecution: null }));
  }

  const results = await runInterleaved(
    new Map([...arms].map(([name, sender]) => [name, sender.send])),
    readWorkloads(maxBindingId, maxRecordId),
    options,
    log,
  );
  const how = values.http ? "over HTTP on 127.0.0.1" : "through yoga.fetch";
  console.log(
    `${experiment}, ${how}: ${options.rounds} rounds of ${options.batch} requests per arm and workload, ` +
      `${options.inFlight} in flight, after ${options.warmUp} to warm up; Node ${process.version}\n`,
  );
  console.log(`${formatResults(results)}\n`);
} finally {
  await stopAll();
}
