// The measuring side shared by measure-push-cpu.ts and measure-read-cpu.ts: the load runs in a child process
// (the script forked) that sends as many requests as it is told and answers when they are done, so that the
// gateway's process CPU is its own; each round's CPU and statements are divided by its requests.
import type { ChildProcess } from "node:child_process";
import { writeFile } from "node:fs/promises";
import { Agent, request } from "node:http";
import { Session } from "node:inspector/promises";

/** One request of the load: its body and the headers to send besides its length. */
export interface LoadRequest {
  body: string;
  headers: Record<string, string>;
}

/**
 * The load child's sender: POSTs `count` requests to `target`, `inFlight` at a time over kept-alive
 * connections, each built by `next`; rejects on any answer but 200.
 */
export function inFlightPoster(
  target: URL,
  inFlight: number,
  next: () => LoadRequest,
): (count: number) => Promise<void> {
  const agent = new Agent({ keepAlive: true, maxSockets: inFlight });
  const post = () =>
    new Promise<void>((resolve, reject) => {
      const { body, headers } = next();
      const req = request(
        target,
        { method: "POST", agent, headers: { ...headers, "content-length": String(Buffer.byteLength(body)) } },
        (res) => {
          res.resume();
          res.on("end", () =>
            res.statusCode === 200 ? resolve() : reject(new Error(`status ${res.statusCode}`)),
          );
        },
      );
      req.on("error", reject);
      req.end(body);
    });
  return async (count) => {
    let sent = 0;
    await Promise.all(
      Array.from({ length: inFlight }, async () => {
        while (sent < count) {
          sent += 1;
          await post();
        }
      }),
    );
  };
}

/** Ask the load child for `count` requests; resolves when they are answered, rejects if the child exits. */
export function loadChildRunner(child: ChildProcess): (count: number) => Promise<void> {
  let pending: { resolve: () => void; reject: (error: Error) => void } | undefined;
  child.on("message", () => pending?.resolve());
  child.on("exit", (code) => pending?.reject(new Error(`the load generator exited (${code})`)));
  return (count) =>
    new Promise<void>((resolve, reject) => {
      pending = { resolve, reject };
      child.send(count);
    });
}

/** Options of {@link measureRounds}. */
export interface MeasuredRoundsOptions {
  /** Run one round of `perRound` requests. */
  run(count: number): Promise<void>;
  /** The gateway's count of database statements so far. */
  statementCount(): number;
  rounds: number;
  perRound: number;
  /** What one request is, in the printed lines ("push", "page"). */
  unit: string;
  /** The summary line's lead ("per push", "bindings page of 20"). */
  label: string;
  inFlight: number;
  /** Wait after each round before counting statements (reads that follow the last commits). @default 0 */
  settleMs?: number;
  /** Write a V8 CPU profile of the measured rounds to this file. */
  profileFile?: string;
}

/** Measure process CPU and statements per request over `rounds` rounds; print each and the medians (stderr). */
export async function measureRounds(options: MeasuredRoundsOptions): Promise<void> {
  const { run, rounds, perRound, unit } = options;
  const cpu: number[] = [];
  const statements: number[] = [];
  const inspector = options.profileFile === undefined ? undefined : new Session();
  if (inspector) {
    inspector.connect();
    await inspector.post("Profiler.enable");
    await inspector.post("Profiler.start");
  }
  for (let r = 0; r < rounds; r++) {
    const q0 = options.statementCount();
    const c0 = process.cpuUsage();
    await run(perRound);
    const c = process.cpuUsage(c0);
    if (options.settleMs) await new Promise((resolve) => setTimeout(resolve, options.settleMs));
    statements.push((options.statementCount() - q0) / perRound);
    cpu.push((c.user + c.system) / perRound);
    console.error(
      `round ${r + 1}: ${cpu.at(-1)!.toFixed(0)} µs CPU (user ${(c.user / perRound).toFixed(0)}, sys ${(c.system / perRound).toFixed(0)}), ${statements.at(-1)!.toFixed(2)} statements per ${unit}`,
    );
  }
  if (inspector) {
    const { profile } = await inspector.post("Profiler.stop");
    await writeFile(options.profileFile!, JSON.stringify(profile));
    inspector.disconnect();
  }
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
  console.error(
    `${options.label} (median of ${rounds} rounds of ${perRound}, ${options.inFlight} in flight): ` +
      `${median(cpu).toFixed(0)} µs process CPU, ${median(statements).toFixed(2)} database statements`,
  );
}
