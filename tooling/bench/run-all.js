#!/usr/bin/env node
// Runs every benchmark in the tree one at a time (they share 2 cores; running them together would measure each
// other), collects their JSON figures and writes docs/benchmarks.json and docs/benchmarks.md with the machine.
import { execFileSync, spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { cpus, tmpdir, totalmem } from "node:os";
import { join, resolve } from "node:path";

const root = resolve(import.meta.dirname, "../..");
const quick = process.argv.includes("--quick");
const out = mkdtempSync(join(tmpdir(), "privnum-bench-"));

const run = spawnSync(
  "pnpm",
  ["turbo", "run", "bench", "--concurrency=1", "--output-logs=full", "--log-order=stream"],
  {
    cwd: root,
    stdio: "inherit",
    env: { ...process.env, PRIVNUM_BENCH_OUT: out, PRIVNUM_BENCH_QUICK: quick ? "1" : "0" },
  },
);

function tryRun(cmd, args) {
  try {
    return execFileSync(cmd, args, { encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] }).trim();
  } catch {
    return "unavailable";
  }
}

const machine = {
  cpu: cpus()[0]?.model ?? "unknown",
  cores: cpus().length,
  memoryGiB: Math.round(totalmem() / 2 ** 30),
  node: process.version,
  postgres: tryRun("psql", ["-h", "127.0.0.1", "-U", "postgres", "-tAc", "select version()"]),
  date: new Date().toISOString(),
  variant: quick ? "bench:quick (reduced scale)" : "full",
};

const suites = readdirSync(out)
  .filter((f) => f.endsWith(".json"))
  .sort()
  .map((f) => JSON.parse(readFileSync(join(out, f), "utf8")));

const fmt = (v) =>
  Math.abs(v) >= 1000 ? Math.round(v).toLocaleString("en-US") : Number(v.toPrecision(4)).toString();
const lines = [
  "# Benchmarks",
  "",
  "Written by `pnpm bench` (do not edit by hand). Every figure stands next to a raw baseline measured in the same",
  "run on the same machine; the ratio is what carries from one machine to another.",
  "",
  "## Machine",
  "",
  `- CPU: ${machine.cpu} (${machine.cores} cores), ${machine.memoryGiB} GiB`,
  `- Node: ${machine.node}`,
  `- PostgreSQL: ${machine.postgres}`,
  `- Run: ${machine.date}, ${machine.variant}`,
  "",
];
for (const suite of suites) {
  lines.push(
    `## ${suite.suite}`,
    "",
    "| id | measured | baseline (same run) | ratio | target | met |",
    "|---|---|---|---|---|---|",
  );
  for (const f of suite.figures) {
    const baseline = f.baseline ? `${f.baseline.name}: ${fmt(f.baseline.value)} ${f.unit}` : "";
    const ratio = f.ratio === undefined ? "" : `${(f.ratio * 100).toFixed(1)}%`;
    const met = f.met === undefined ? "" : f.met ? "yes" : "**no**";
    lines.push(
      `| ${f.id} — ${f.name} | ${fmt(f.value)} ${f.unit} | ${baseline} | ${ratio} | ${f.target ?? ""} | ${met} |`,
    );
    if (f.note) lines.push(`| | ${f.note} | | | | |`);
  }
  lines.push("");
}
// The committed report holds full runs only; a quick run writes beside it, outside version control.
const dir = quick ? join(root, ".bench") : join(root, "docs");
mkdirSync(dir, { recursive: true });
writeFileSync(join(dir, "benchmarks.json"), `${JSON.stringify({ machine, suites }, null, 2)}\n`);
writeFileSync(join(dir, "benchmarks.md"), `${lines.join("\n")}\n`);
console.log(`\nwrote ${join(dir, "benchmarks.md")} and benchmarks.json (${suites.length} suites)`);
process.exit(run.status ?? 1);
