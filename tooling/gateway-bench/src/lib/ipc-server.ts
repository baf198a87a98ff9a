// The child's side of lib/child-process.ts: answer the parent's requests, and never outlive it.
import type { IpcReply, IpcRequest } from "./child-process.js";

/** Handlers by request type; `stop` is handled here (after `onStop`). */
export type IpcHandlers = Record<string, (payload: unknown) => unknown>;

/** Options of {@link serveParent}. */
export interface ServeParentOptions {
  /** Runs before the process exits on `stop` or when the parent goes away. */
  onStop?: () => Promise<void> | void;
  /** Hard bound on this process's life, in ms: a bench process stops by itself whatever happens. */
  maxLifetimeMs: number;
}

/** Answer the parent's requests until it asks to stop, disconnects, or `maxLifetimeMs` passes. */
export function serveParent(handlers: IpcHandlers, options: ServeParentOptions): void {
  if (!process.send)
    throw new Error("a bench child must be started by the orchestrator, src/index.ts (no IPC channel)");
  let stopping = false;
  const stop = async (code: number) => {
    if (stopping) return;
    stopping = true;
    try {
      await options.onStop?.();
    } catch (error) {
      console.error("stopping failed", error);
      code = code || 1;
    }
    if (process.connected) process.disconnect();
    process.exit(code);
  };
  setTimeout(() => {
    console.error(`bench child ${process.pid}: lifetime of ${options.maxLifetimeMs} ms exceeded, exiting`);
    void stop(3);
  }, options.maxLifetimeMs).unref();
  process.on("disconnect", () => void stop(0));
  process.on("message", async (message: IpcRequest) => {
    if (message.type === "stop") return stop(0);
    const handler = handlers[message.type];
    let reply: IpcReply;
    try {
      if (!handler) throw new Error(`unknown request "${message.type}"`);
      reply = { id: message.id, ok: true, value: await handler(message.payload) };
    } catch (error) {
      reply = {
        id: message.id,
        ok: false,
        error: error instanceof Error ? (error.stack ?? error.message) : String(error),
      };
    }
    if (process.connected) process.send?.(reply);
  });
  process.send({ type: "ready" });
}
