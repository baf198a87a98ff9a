// Memory and CPU of a bench server process, as the orchestrator reads them between phases.

/** One reading of a server process. */
export interface ProcessStats {
  rssBytes: number;
  heapUsedBytes: number;
  /** CPU time of the process since it started, in ms (user + system). */
  cpuMs: number;
  /** The system (kernel) part of `cpuMs`: sockets, mostly. */
  systemCpuMs: number;
  /** Live subscriptions (gateway) or open sockets (bare servers). */
  subscriptions: number;
}

/** Read this process; with `gc`, collect garbage first (needs `--expose-gc`) so RSS reflects live data. */
export function readProcessStats(gc: boolean, subscriptions: number): ProcessStats {
  if (gc) {
    const collect = (globalThis as { gc?: () => void }).gc;
    if (!collect) throw new Error("start the process with --expose-gc to read memory after collection");
    // Twice: the first pass may leave objects whose finalisers free more on the second.
    collect();
    collect();
  }
  const memory = process.memoryUsage();
  const cpu = process.cpuUsage();
  return {
    rssBytes: memory.rss,
    heapUsedBytes: memory.heapUsed,
    cpuMs: (cpu.user + cpu.system) / 1000,
    systemCpuMs: cpu.system / 1000,
    subscriptions,
  };
}
