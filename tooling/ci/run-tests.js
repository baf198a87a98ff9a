#!/usr/bin/env node
// The tree's test command (`pnpm test`): build, typecheck, lint (workspaces and root files), package checks and
// every vitest suite through turbo, going on past failures so that every task runs, then the problems found and
// one closing line over all suites (`N passed, N failed, N skipped`), last. Exits non-zero on any failure.
// Usage: node tooling/ci/run-tests.js [tree-root]   (the tree root defaults to this repository's)
import { spawnSync } from "node:child_process";
import { rmSync } from "node:fs";
import { join, resolve } from "node:path";
import {
  listRunSummaries,
  listWorkspaces,
  REPORT_FILE,
  readReport,
  readTurboTasks,
} from "./read-run-results.js";
import { summarise, summaryLines } from "./summarise-results.js";

const TASKS = ["build", "typecheck", "lint", "lint:root", "check-package", "test"];

const root = resolve(process.argv[2] ?? join(import.meta.dirname, "../.."));
const workspaces = listWorkspaces(root);
// A report left by an earlier run must not stand in for a run that crashed this time.
for (const workspace of workspaces) rmSync(join(workspace.dir, REPORT_FILE), { force: true });

const runsDir = join(root, ".turbo", "runs");
const before = listRunSummaries(runsDir);
const turbo = spawnSync(
  "pnpm",
  ["exec", "turbo", "run", ...TASKS, "--continue", "--summarize", "--output-logs=new-only"],
  { cwd: root, stdio: "inherit" },
);
if (turbo.error) console.error(`could not start turbo: ${turbo.error.message}`);

const summary = summarise({
  workspaces,
  reports: new Map(workspaces.filter((w) => w.hasTest).map((w) => [w.name, readReport(w.dir)])),
  tasks: readTurboTasks(runsDir, before),
  turboExitCode: turbo.status ?? 1,
});
console.log("");
for (const line of summaryLines(summary)) console.log(line);
process.exitCode = summary.exitCode;
