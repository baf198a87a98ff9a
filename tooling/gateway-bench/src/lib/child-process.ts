// The orchestrator's side of the bench processes: each server under test and each load generator is a child
// process, so that the generator's CPU never hides inside the server's and the other way round. Children
// answer requests over the IPC channel and exit by themselves when the parent goes away.
import { type ChildProcess, fork } from "node:child_process";
import { openSync } from "node:fs";
import { fileURLToPath } from "node:url";

/** A request to a child and its answer, as sent over IPC. */
export interface IpcRequest {
  id: number;
  type: string;
  payload?: unknown;
}

/** A child's answer to one {@link IpcRequest}. */
export type IpcReply = { id: number; ok: true; value: unknown } | { id: number; ok: false; error: string };

/** A running bench child. */
export interface BenchChild {
  readonly name: string;
  readonly pid: number;
  /** Ask the child something; rejects when it answers with an error, exits, or takes longer than `timeoutMs`. */
  request<T>(type: string, payload?: unknown, timeoutMs?: number): Promise<T>;
  /** Ask the child to stop; kills it when it has not exited within 15 s. Safe to call twice. */
  stop(): Promise<void>;
}

/** Options of {@link startChild}. */
export interface StartChildOptions {
  /** Name used in errors. */
  name: string;
  /** The TypeScript entry, run through tsx. */
  script: URL;
  /** Extra Node flags (e.g. `--expose-gc`, `--cpu-prof`). @default [] */
  nodeFlags?: string[];
  /** File that receives the child's stdout and stderr. @default inherited */
  logFile?: string;
}

const tsxLoader = import.meta.resolve("tsx");
const running = new Set<BenchChild>();

/** Fork a bench child and wait for its `ready` message. */
export async function startChild(options: StartChildOptions): Promise<BenchChild> {
  const log = options.logFile ? openSync(options.logFile, "a") : undefined;
  const child: ChildProcess = fork(fileURLToPath(options.script), [], {
    execArgv: ["--import", tsxLoader, ...(options.nodeFlags ?? [])],
    stdio: log === undefined ? ["ignore", "inherit", "inherit", "ipc"] : ["ignore", log, log, "ipc"],
  });
  let nextId = 1;
  const pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();
  let exited = false;
  const exit = new Promise<void>((resolve) => {
    child.once("exit", (code, signal) => {
      exited = true;
      for (const { reject } of pending.values()) {
        reject(new Error(`${options.name} exited (code ${code}, signal ${signal})`));
      }
      pending.clear();
      resolve();
    });
  });
  const ready = new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${options.name} did not start within 60 s`)), 60_000);
    child.once("exit", (code) => {
      clearTimeout(timer);
      reject(new Error(`${options.name} exited before it was ready (code ${code})`));
    });
    child.on(
      "message",
      (message: { type?: string; id?: number; ok?: boolean; value?: unknown; error?: string }) => {
        if (message.type === "ready") {
          clearTimeout(timer);
          resolve();
          return;
        }
        if (typeof message.id !== "number") return;
        const waiter = pending.get(message.id);
        if (!waiter) return;
        pending.delete(message.id);
        if (message.ok) waiter.resolve(message.value);
        else waiter.reject(new Error(`${options.name}: ${message.error ?? "failed"}`));
      },
    );
  });

  let stopping: Promise<void> | undefined;
  const handle: BenchChild = {
    name: options.name,
    pid: child.pid ?? -1,
    request<T>(type: string, payload?: unknown, timeoutMs = 120_000): Promise<T> {
      if (exited) return Promise.reject(new Error(`${options.name} has exited`));
      const id = nextId++;
      return new Promise<T>((resolve, reject) => {
        const timer = setTimeout(() => {
          pending.delete(id);
          reject(new Error(`${options.name}: "${type}" took longer than ${timeoutMs} ms`));
        }, timeoutMs);
        pending.set(id, {
          resolve: (value) => {
            clearTimeout(timer);
            resolve(value as T);
          },
          reject: (error) => {
            clearTimeout(timer);
            reject(error);
          },
        });
        child.send({ id, type, payload } satisfies IpcRequest);
      });
    },
    stop() {
      stopping ??= (async () => {
        running.delete(handle);
        if (!exited) {
          if (child.connected) child.send({ id: 0, type: "stop" } satisfies IpcRequest);
          const killer = setTimeout(() => child.kill("SIGKILL"), 15_000);
          await exit;
          clearTimeout(killer);
        }
      })();
      return stopping;
    },
  };
  running.add(handle);
  try {
    await ready;
  } catch (error) {
    await handle.stop();
    throw error;
  }
  return handle;
}

/** Stop every child still running (used on the way out, whatever happened). */
export async function stopAllChildren(): Promise<void> {
  await Promise.all([...running].map((child) => child.stop()));
}

/**
 * Count a child started another way (the gateway cluster, lib/gateway-cluster.ts) among those
 * {@link stopAllChildren} stops; returns the function that forgets it again (call it from its `stop`).
 */
export function registerChild(child: BenchChild): () => void {
  running.add(child);
  return () => running.delete(child);
}
