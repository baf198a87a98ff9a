// CPU and memory of a process and all its descendants, from /proc: what a server made of several processes
// (the gateway's cluster: a primary and its workers) costs, counted the same way as one process's counters.
import { readdirSync, readFileSync } from "node:fs";

/** USER_HZ, the unit of utime/stime in /proc/<pid>/stat: 100 on every Linux build Node runs on. */
const TICKS_PER_SECOND = 100;

/** One process as /proc/<pid>/stat describes it. */
interface ProcStat {
  pid: number;
  ppid: number;
  /** utime + stime, in ticks. */
  cpuTicks: number;
  systemTicks: number;
  /** cutime + cstime: what its children that ended (and were waited for) used, in ticks. */
  reapedChildrenTicks: number;
}

/** Parse one /proc/<pid>/stat line (the command name may hold spaces and parentheses). */
export function parseProcStat(line: string): ProcStat {
  const close = line.lastIndexOf(")");
  if (close < 0) throw new Error("not a /proc/<pid>/stat line");
  const pid = Number(line.slice(0, line.indexOf(" ")));
  // After ") ": state ppid … ; utime, stime, cutime, cstime are fields 14–17 of the line, 12–15 here.
  const fields = line.slice(close + 2).split(" ");
  const n = (i: number) => Number(fields[i]);
  return {
    pid,
    ppid: n(1),
    cpuTicks: n(11) + n(12),
    systemTicks: n(12),
    reapedChildrenTicks: n(13) + n(14),
  };
}

function readAllStats(): ProcStat[] {
  const stats: ProcStat[] = [];
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      stats.push(parseProcStat(readFileSync(`/proc/${entry}/stat`, "utf8")));
    } catch {
      // The process ended between listing and reading.
    }
  }
  return stats;
}

function rssBytes(pid: number): number {
  try {
    const match = /^VmRSS:\s+(\d+) kB$/m.exec(readFileSync(`/proc/${pid}/status`, "utf8"));
    return match ? Number(match[1]) * 1024 : 0;
  } catch {
    return 0;
  }
}

/** What {@link readProcessTree} found. */
export interface ProcessTreeStats {
  /** The root and its live descendants. */
  pids: number[];
  /** CPU of all of them since they started, plus what their ended children used, in ms (user + system). */
  cpuMs: number;
  /** The system part of `cpuMs` (live processes only). */
  systemCpuMs: number;
  rssBytes: number;
}

/** Read `rootPid` and every live descendant; throws when `rootPid` is gone. */
export function readProcessTree(rootPid: number): ProcessTreeStats {
  const all = readAllStats();
  if (!all.some((s) => s.pid === rootPid)) throw new Error(`process ${rootPid} is gone`);
  const children = new Map<number, ProcStat[]>();
  for (const s of all) children.set(s.ppid, [...(children.get(s.ppid) ?? []), s]);
  const tree: ProcStat[] = [];
  const queue = all.filter((s) => s.pid === rootPid);
  while (queue.length > 0) {
    const s = queue.shift()!;
    tree.push(s);
    queue.push(...(children.get(s.pid) ?? []));
  }
  const toMs = (ticks: number) => (ticks * 1000) / TICKS_PER_SECOND;
  return {
    pids: tree.map((s) => s.pid),
    cpuMs: toMs(tree.reduce((sum, s) => sum + s.cpuTicks + s.reapedChildrenTicks, 0)),
    systemCpuMs: toMs(tree.reduce((sum, s) => sum + s.systemTicks, 0)),
    rssBytes: tree.reduce((sum, s) => sum + rssBytes(s.pid), 0),
  };
}
