import { type ChildProcess, spawn } from "node:child_process";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { createServer } from "node:net";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { GATEWAY_VARIABLES } from "../../src/shared/config.js";

/** The gateway's workspace folder. */
export const GATEWAY_DIR = resolve(dirname(fileURLToPath(import.meta.url)), "../..");
/** The repository's root. */
export const REPO_ROOT = resolve(GATEWAY_DIR, "../..");
/** The built gateway that `pnpm start` runs. */
export const BUILT_MAIN = join(GATEWAY_DIR, "dist/main.mjs");

/** A gateway (or the pnpm chain that runs it) in a child process, with its output collected. */
export interface GatewayProcess {
  child: ChildProcess;
  /** Everything written to stdout so far. */
  stdout(): string;
  /** Everything written to stderr so far. */
  stderr(): string;
  /** Resolves when `text` has appeared on stdout; rejects if the process exits first. */
  waitForOutput(text: string): Promise<void>;
  /** Resolves with the exit code (or signal) once the process has exited and its output is closed. */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/** Start `command` with the gateway's variables set to `env` only (plus the rest of the environment). */
export function spawnGateway(
  command: string,
  args: string[],
  env: Record<string, string>,
  options: { cwd?: string; detached?: boolean } = {},
): GatewayProcess {
  if (command === process.execPath && args.includes(BUILT_MAIN) && !existsSync(BUILT_MAIN)) {
    throw new Error(`${BUILT_MAIN} is missing: run \`pnpm build\` first`);
  }
  const base = { ...process.env };
  for (const name of GATEWAY_VARIABLES) delete base[name];
  const child = spawn(command, args, {
    cwd: options.cwd ?? GATEWAY_DIR,
    env: { ...base, ...env },
    detached: options.detached ?? false,
    stdio: ["ignore", "pipe", "pipe"],
  });
  let out = "";
  let err = "";
  const waiters = new Set<{ text: string; resolve: () => void }>();
  child.stdout!.setEncoding("utf8").on("data", (chunk: string) => {
    out += chunk;
    for (const waiter of waiters) if (out.includes(waiter.text)) waiter.resolve();
  });
  child.stderr!.setEncoding("utf8").on("data", (chunk: string) => {
    err += chunk;
  });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolveExit) => {
    child.once("close", (code, signal) => resolveExit({ code, signal }));
  });
  return {
    child,
    stdout: () => out,
    stderr: () => err,
    exited,
    waitForOutput(text) {
      if (out.includes(text)) return Promise.resolve();
      return new Promise((resolveWait, reject) => {
        const waiter = {
          text,
          resolve: () => {
            waiters.delete(waiter);
            resolveWait();
          },
        };
        waiters.add(waiter);
        void exited.then(({ code, signal }) => {
          if (!waiters.delete(waiter)) return;
          reject(new Error(`exited (${code ?? signal}) before printing "${text}":\n${out}\n${err}`));
        });
      });
    },
  };
}

/** The built gateway, `node dist/main.mjs`, as `pnpm start` ends up running it. */
export function spawnBuiltGateway(env: Record<string, string>): GatewayProcess {
  return spawnGateway(process.execPath, [BUILT_MAIN], env);
}

/** The ports a started gateway printed in its banner. */
export function bannerPorts(stdout: string): { port: number; simulatorPort: number } {
  const port = /privnum gateway listening on http:\/\/[^:]+:(\d+)/.exec(stdout)?.[1];
  const simulatorPort = /Simulator: +http:\/\/[^:]+:(\d+)/.exec(stdout)?.[1];
  if (!port || !simulatorPort) throw new Error(`no banner in:\n${stdout}`);
  return { port: Number(port), simulatorPort: Number(simulatorPort) };
}

/** Whether nothing listens on `port` (127.0.0.1): binding it succeeds. */
export function isPortFree(port: number): Promise<boolean> {
  return new Promise((resolveFree) => {
    const server = createServer();
    server.once("error", () => resolveFree(false));
    server.listen(port, "127.0.0.1", () => server.close(() => resolveFree(true)));
  });
}

/** The pids of the live processes in process group `pgid` (Linux /proc; zombies excluded). */
export function processGroupMembers(pgid: number): number[] {
  const members: number[] = [];
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    let stat: string;
    try {
      stat = readFileSync(`/proc/${entry}/stat`, "utf8");
    } catch {
      continue; // exited meanwhile
    }
    // Fields after the command name (in parentheses, which may hold spaces): state ppid pgrp …
    const [state, , pgrp] = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    if (Number(pgrp) === pgid && state !== "Z") members.push(Number(entry));
  }
  return members;
}
