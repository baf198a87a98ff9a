import type { CommitListener, FanOut } from "./fan-out.js";

/** Options for {@link createInProcessFanOut}. */
export interface InProcessFanOutOptions {
  /** How often feeds read the streams without a wake-up (rows another instance stored). @default 1000 */
  pollIntervalMs?: number;
}

/** One instance, no broker: commits wake this instance's feeds; anything else is found by polling. */
export function createInProcessFanOut(options: InProcessFanOutOptions = {}): FanOut {
  const listeners = new Set<CommitListener>();
  const pollIntervalMs = options.pollIntervalMs ?? 1000;
  return {
    kind: "in-process",
    committed() {
      for (const listener of listeners) listener();
    },
    onCommitted(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    pollIntervalMs: () => pollIntervalMs,
    counts: () => ({ degraded: false, wakeUpsReceived: 0, wakeUpsLost: 0 }),
    async start() {},
    async stop() {
      listeners.clear();
    },
  };
}
