// Gateway CPU and database statements per signed push to /notify (a call event, or 50 CDRs), measured in one process:
//
//   pnpm --filter @privnum/gateway exec tsx scripts/measure-push-cpu.ts [--pushes N] [--rounds N] [--in-flight N]
//     [--warm-up N] [--kind event|cdr] [--calls N] [--profile FILE.cpuprofile]
//
// Call events go to `--calls` calls at a time (1 by default: each call's events one after the other), round
// robin, so that with `--calls 100` each push changes another call than the one before, as in P2 of the bench.
//
// `--kind cdr` pushes 50-CDR fee notifications instead, each CDR of a call not seen before (as P1 of the bench).
//
// One gateway on a fresh PostgreSQL database, logging at info to stdout as a deployment does (one line per
// push: send stdout to /dev/null; the figures are printed on stderr); pushes are signed as the platform signs them and sent over HTTP on 127.0.0.1 by a child process (this
// script forked), so the gateway's process CPU (`process.cpuUsage`) is its own. It and the statements run
// (`databaseQueryCount`) are divided by the pushes of each round; the median of the rounds is printed.
import { fork } from "node:child_process";
import { parseArgs } from "node:util";
import { signUsernameToken } from "@privnum/wsse-auth";
import { buildApp } from "../src/app.js";
import { testConfig } from "../src/shared/config.js";
import { createLogger } from "../src/shared/logger.js";
import { createMeasureDatabase } from "./request-cpu/measure-database.js";
import { inFlightPoster, loadChildRunner, measureRounds } from "./request-cpu/measured-rounds.js";

const { values } = parseArgs({
  options: {
    pushes: { type: "string", default: "2000" },
    rounds: { type: "string", default: "5" },
    "in-flight": { type: "string", default: "4" },
    postgres: { type: "string", default: "postgres://postgres@127.0.0.1:5432/postgres" },
    "warm-up": { type: "string", default: "3000" },
    kind: { type: "string", default: "event" },
    calls: { type: "string", default: "1" },
    client: { type: "string" },
    profile: { type: "string" },
  },
});
const pushes = Number(values.pushes);
const rounds = Number(values.rounds);
const inFlight = Number(values["in-flight"]);
if (values.kind !== "event" && values.kind !== "cdr") throw new Error("--kind is event or cdr");
const callsAtOnce = Number(values.calls);
if (!Number.isInteger(callsAtOnce) || callsAtOnce < 1)
  throw new Error("--calls must be a positive whole number");

const EVENT_TYPES = ["callin", "callout", "alerting", "answer", "disconnect"] as const;
const platformTime = (ms: number) => new Date(ms).toISOString().slice(0, 19).replace("T", " ");

/** The load: pushes `count` signed call events, `inFlight` at a time, to `target`. */
function pushSender(target: URL, appKey: string, appSecret: string) {
  let next = 0;
  return inFlightPoster(target, inFlight, () => {
    const i = next++;
    const headers = {
      ...signUsernameToken({ appKey, appSecret }).headers,
      "content-type": "application/json;charset=UTF-8",
    };
    if (values.kind === "cdr") return { body: feePush(i), headers };
    // Push i is step `step` of call `call`: the calls of one group of `callsAtOnce` take each step in turn.
    const group = callsAtOnce * EVENT_TYPES.length;
    const step = Math.floor((i % group) / callsAtOnce);
    const call = Math.floor(i / group) * callsAtOnce + (i % callsAtOnce);
    const eventType = EVENT_TYPES[step]!;
    const body = JSON.stringify({
      eventType,
      statusInfo: {
        sessionId: `1200_${call}_4294967295_20260601100000@bench.example`,
        timestamp: platformTime(Date.UTC(2026, 5, 1, 10) + i * 1000),
        caller: "+8613900000001",
        called: "+8617000000001",
        ...(eventType === "disconnect" ? { stateCode: 0, stateDesc: "The user releases the call." } : {}),
      },
    });
    return { body, headers };
  });
}

/** The `i`th 50-CDR push: each CDR a call of its own, answered and ended, without a recording. */
function feePush(i: number): string {
  const start = Date.UTC(2026, 5, 1, 10) + i * 1000;
  const feeLst = Array.from({ length: 50 }, (_, k) => {
    const call = `${i}_${k}`;
    return {
      direction: 0,
      spId: "privnum-bench-sp",
      appKey: "bench",
      icid: `icid-${call}`,
      bindNum: "+8617000000001",
      sessionId: `1200_${call}_4294967295_20260601100000@bench.example`,
      callerNum: "+8613900000001",
      calleeNum: "+8617000000001",
      fwdDstNum: "+8613800000021",
      callInTime: platformTime(start),
      fwdAnswerTime: platformTime(start + 5000),
      callEndTime: platformTime(start + 35_000),
      recordFlag: 0,
      serviceType: "005",
      extendNumber: "0001",
    };
  });
  return JSON.stringify({ eventType: "fee", feeLst });
}

if (values.client !== undefined) {
  // The child: push what the parent asks for, answer when done.
  const { url, appKey, appSecret } = JSON.parse(values.client) as {
    url: string;
    appKey: string;
    appSecret: string;
  };
  const send = pushSender(new URL("/notify", url), appKey, appSecret);
  process.on("message", (count: number) => {
    send(count).then(
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
  // The gateway's own log destination (stdout): run with `> /dev/null`; the figures go to stderr.
  const logger = createLogger({ level: "info" });
  const database = await createMeasureDatabase(values.postgres!);
  const config = testConfig({ database: { kind: "postgres", url: database.url }, logLevel: "info" });
  const app = buildApp(config, { logger, simulator: { timeScale: 0 }, expirySweepIntervalMs: 0 });
  const { appKey, appSecret } = config.platform as { appKey: string; appSecret: string };

  try {
    const gateway = await app.start();
    const child = fork(process.argv[1]!, [
      ...process.argv.slice(2),
      "--client",
      JSON.stringify({ url: gateway.url, appKey, appSecret }),
    ]);
    const run = loadChildRunner(child);
    await run(Number(values["warm-up"]));
    await measureRounds({
      run,
      statementCount: gateway.databaseQueryCount,
      rounds,
      perRound: pushes,
      unit: "push",
      label: "per push",
      inFlight,
      // Let the feeds' reads after the last commits finish before counting statements.
      settleMs: 200,
      ...(values.profile !== undefined ? { profileFile: values.profile } : {}),
    });
    child.kill();
  } finally {
    await app.stop();
    await database.drop();
  }
}
