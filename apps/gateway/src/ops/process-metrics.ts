import { collectDefaultMetrics, Registry } from "prom-client";

let shared: Registry | undefined;

/**
 * Node's default metrics (CPU, memory, event loop lag, GC, handles), prefixed `privnum_`, in a registry of
 * their own that every gateway of the process exposes. They describe the process, not a gateway, and
 * collecting them starts a GC observer and an event loop monitor that are never stopped: once per process,
 * not once per gateway started (tests and benchmarks start many). Never prom-client's global registry.
 */
export function processMetricsRegistry(): Registry {
  if (shared === undefined) {
    shared = new Registry();
    collectDefaultMetrics({ register: shared, prefix: "privnum_" });
  }
  return shared;
}
