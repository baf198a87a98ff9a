#!/usr/bin/env node
// The tree's test command: build, typecheck, lint, package checks and every vitest suite through turbo, then
// one summary line over all suites ("N passed, N failed"), and turbo's exit status.
import { spawnSync } from "node:child_process";
import { existsSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { join, resolve } from "node:path";

const root = resolve(import.meta.dirname, "../..");
const workspaces = ["packages", "apps", "tooling"].flatMap((dir) =>
  existsSync(join(root, dir)) ? readdirSync(join(root, dir)).map((name) => join(root, dir, name)) : [],
);
const resultFiles = workspaces.map((dir) => join(dir, ".vitest-result.json"));
for (const file of resultFiles) rmSync(file, { force: true });

const run = spawnSync(
  "pnpm",
  ["turbo", "run", "build", "typecheck", "lint", "check-package", "test", "--output-logs=new-only"],
  { cwd: root, stdio: "inherit" },
);

let passed = 0;
let failed = 0;
let skipped = 0;
let suites = 0;
for (const file of resultFiles) {
  if (!existsSync(file)) continue;
  const result = JSON.parse(readFileSync(file, "utf8"));
  suites++;
  passed += result.numPassedTests ?? 0;
  failed += result.numFailedTests ?? 0;
  skipped += (result.numPendingTests ?? 0) + (result.numTodoTests ?? 0);
}
console.log(`\nvitest suites of ${suites} workspaces:`);
console.log(`${passed} passed, ${failed} failed, ${skipped} skipped`);
const status = run.status ?? 1;
process.exit(status !== 0 ? status : failed > 0 || passed === 0 ? 1 : 0);
