// How busy the whole machine was over a stretch (all cores, all processes), from /proc/stat: on a shared
// 2-core machine a figure means little without it.
import { readdirSync, readFileSync } from "node:fs";

/** A reading of the machine's CPU counters. */
export interface CpuTicks {
  busy: number;
  total: number;
}

/** Read the counters now (zeros where /proc is unavailable). */
export function readCpuTicks(): CpuTicks {
  try {
    const line = readFileSync("/proc/stat", "utf8").split("\n", 1)[0]!;
    const values = line.trim().split(/\s+/).slice(1).map(Number);
    const total = values.reduce((sum, v) => sum + v, 0);
    const idle = (values[3] ?? 0) + (values[4] ?? 0);
    return { busy: total - idle, total };
  } catch {
    return { busy: 0, total: 0 };
  }
}

/** Share of all cores busy between two readings (0 … 1). */
export function busyShare(from: CpuTicks, to: CpuTicks): number {
  const total = to.total - from.total;
  return total > 0 ? (to.busy - from.busy) / total : 0;
}

/** CPU seconds used so far by each process whose command name is `name`, by pid. */
export function readProcessGroupCpu(name: string): Map<number, number> {
  // Clock ticks per second of /proc/<pid>/stat (USER_HZ): 100 on every Linux build Node runs on.
  const ticksPerSecond = 100;
  const cpu = new Map<number, number>();
  let entries: string[];
  try {
    entries = readdirSync("/proc");
  } catch {
    return cpu;
  }
  for (const entry of entries) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, "utf8");
      const close = stat.lastIndexOf(")");
      if (stat.slice(stat.indexOf("(") + 1, close) !== name) continue;
      const fields = stat.slice(close + 2).split(" ");
      // utime and stime are fields 14 and 15 of the line, 12 and 13 after the command name.
      cpu.set(Number(entry), (Number(fields[11]) + Number(fields[12])) / ticksPerSecond);
    } catch {
      // The process ended between listing and reading.
    }
  }
  return cpu;
}

/**
 * CPU seconds the group used between two readings: processes that started in between count in full, those
 * that ended in between are lost (an undercount, never a negative).
 */
export function groupCpuBetween(from: Map<number, number>, to: Map<number, number>): number {
  let seconds = 0;
  for (const [pid, used] of to) seconds += Math.max(0, used - (from.get(pid) ?? 0));
  return seconds;
}
