// Where a server's CPU went during a step: a V8 CPU profile folded into a few named shares (the pg driver,
// Yoga, GraphQL execution, socket writes, GC …) and the hottest functions, small enough for a report note.

/** The parts of a V8 CPU profile (`Profiler.stop`) read here. */
export interface CpuProfile {
  nodes: { id: number; callFrame: { functionName: string; url: string }; children?: number[] }[];
  startTime: number;
  endTime: number;
  samples: number[];
  timeDeltas: number[];
}

/** What {@link summariseProfile} found. */
export interface ProfileSummary {
  /** Wall time profiled, in ms (without the profiler's own start and stop). */
  wallMs: number;
  /** Time the thread was busy (not idle), in ms. */
  busyMs: number;
  /** Shares of the busy time by kind of work, largest first. */
  categories: { name: string; share: number }[];
  /** Shares of the busy time spent in these functions themselves, largest first. */
  functions: { name: string; share: number }[];
}

// Native functions that are the socket write itself (the syscall, the kernel's loopback delivery included). The
// profile samples wall time: a write that gives up the core while it wakes the peer counts for the wait too.
const SOCKET_WRITES = new Set([
  "writev",
  "writeBuffer",
  "writeUtf8String",
  "writeLatin1String",
  "writeAsciiString",
  "writeUcs2String",
]);

const PACKAGE_GROUPS: [RegExp, string][] = [
  [/^(pg|pg-protocol|pg-pool|pg-types|pg-int8|postgres-(date|array|bytea|interval))$/, "pg driver"],
  [/^kysely$/, "Kysely"],
  [/^(graphql|graphql-jit|@pothos\/.*)$/, "GraphQL execution (graphql-jit, Pothos)"],
  [/^(graphql-yoga|@graphql-yoga\/.*|@envelop\/.*|@whatwg-node\/.*)$/, "Yoga (envelop, fetch API)"],
  [/^(ws|graphql-ws)$/, "WebSocket (ws, graphql-ws)"],
  [/^(pino|pino-.*|sonic-boom|thread-stream)$/, "logging"],
];

/** The package a script URL belongs to (pnpm layout), or undefined. */
function packageOf(url: string): string | undefined {
  const at = url.lastIndexOf("/node_modules/");
  if (at < 0) return undefined;
  const parts = url.slice(at + "/node_modules/".length).split("/");
  return parts[0]?.startsWith("@") ? `${parts[0]}/${parts[1]}` : parts[0];
}

/** The kind of work a script URL does. */
function categoryOfUrl(url: string): string {
  const pkg = packageOf(url);
  if (pkg) {
    for (const [pattern, name] of PACKAGE_GROUPS) if (pattern.test(pkg)) return name;
    return pkg;
  }
  if (url.startsWith("node:")) {
    if (/^node:(_http_|http)/.test(url)) return "Node HTTP";
    if (/^node:(net|internal\/(streams\/|stream_base_commons|net))/.test(url))
      return "Node sockets and streams";
    return "Node core (events, timers, buffers …)";
  }
  const own = /\/(apps|packages)\/([^/]+)\//.exec(url);
  if (own) return own[1] === "apps" ? "gateway code" : `@privnum/${own[2]}`;
  return "other scripts";
}

/**
 * Fold `profile` into shares of busy time. A sample in a native function without a script is counted with
 * the nearest caller that has one (JSON.stringify in Yoga counts as Yoga), except the socket writes, GC
 * and V8's own unattributed work, which get shares of their own.
 */
export function summariseProfile(profile: CpuProfile, topFunctions = 8): ProfileSummary {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const parentOf = new Map<number, number>();
  for (const n of profile.nodes) for (const child of n.children ?? []) parentOf.set(child, n.id);

  const categoryCache = new Map<number, string>();
  const categoryOf = (id: number): string => {
    const cached = categoryCache.get(id);
    if (cached) return cached;
    const { functionName, url } = byId.get(id)!.callFrame;
    let category: string;
    if (functionName === "(garbage collector)") category = "garbage collection";
    else if (functionName === "(program)") category = "V8 and native, unattributed";
    else if (!url && SOCKET_WRITES.has(functionName)) category = "socket writes (syscalls, wall time)";
    else if (url) category = categoryOfUrl(url);
    else {
      const parent = parentOf.get(id);
      category = parent === undefined ? "V8 and native, unattributed" : categoryOf(parent);
    }
    categoryCache.set(id, category);
    return category;
  };
  const functionOf = (id: number): string => {
    const { functionName, url } = byId.get(id)!.callFrame;
    const where = !url
      ? ""
      : (packageOf(url) ?? (url.startsWith("node:") ? url : url.replace(/^.*\/(apps|packages)\//, "")));
    return `${functionName || "(anonymous)"}${where ? ` (${where})` : ""}`;
  };

  // The profiler's own start and stop (inspector calls on this thread) are not the server's work.
  const ownCache = new Map<number, boolean>();
  const isProfilerOwn = (id: number): boolean => {
    const cached = ownCache.get(id);
    if (cached !== undefined) return cached;
    const parent = parentOf.get(id);
    const own =
      byId.get(id)!.callFrame.url === "node:inspector" || (parent !== undefined && isProfilerOwn(parent));
    ownCache.set(id, own);
    return own;
  };

  const categories = new Map<string, number>();
  const functions = new Map<string, number>();
  let busy = 0;
  let own = 0;
  for (let i = 0; i < profile.samples.length; i++) {
    // A sample's delta is the time since the previous one: it is charged to the sample it ends at.
    const dt = profile.timeDeltas[i] ?? 0;
    const id = profile.samples[i]!;
    if (isProfilerOwn(id)) {
      own += dt;
      continue;
    }
    if (byId.get(id)?.callFrame.functionName === "(idle)") continue;
    busy += dt;
    const category = categoryOf(id);
    categories.set(category, (categories.get(category) ?? 0) + dt);
    const fn = functionOf(id);
    functions.set(fn, (functions.get(fn) ?? 0) + dt);
  }
  const shares = (m: Map<string, number>) =>
    [...m].map(([name, us]) => ({ name, share: busy > 0 ? us / busy : 0 })).sort((a, b) => b.share - a.share);
  return {
    wallMs: (profile.endTime - profile.startTime - own) / 1000,
    busyMs: busy / 1000,
    categories: shares(categories),
    functions: shares(functions).slice(0, topFunctions),
  };
}

/** One line for a report note: busy share of the core, then the shares of at least 3% (or the top 8). */
export function profileText(summary: ProfileSummary, where: string): string {
  const pct = (x: number) => `${(x * 100).toFixed(0)}%`;
  const listed = summary.categories.filter((c, i) => c.share >= 0.03 && i < 8);
  return (
    `CPU profile of the gateway ${where} (${(summary.wallMs / 1000).toFixed(1)} s, its main thread busy ` +
    `${pct(summary.wallMs > 0 ? summary.busyMs / summary.wallMs : 0)} of the time): ` +
    `${listed.map((c) => `${c.name} ${pct(c.share)}`).join(", ")}. Hottest functions: ` +
    `${summary.functions
      .slice(0, 5)
      .map((f) => `${f.name} ${pct(f.share)}`)
      .join(", ")}.`
  );
}
