// Builds throwaway trees from the fixture projects under test/fixtures, in os.tmpdir(), and runs real vitest
// and the real test command in them.
import { type SpawnSyncReturns, spawnSync } from "node:child_process";
import { cpSync, mkdtempSync, rmSync, symlinkSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";

const ciDir = resolve(import.meta.dirname, "..");
const repoRoot = resolve(ciDir, "../..");
const fixtures = join(import.meta.dirname, "fixtures");
const vitestBin = join(dirname(createRequire(import.meta.url).resolve("vitest/package.json")), "vitest.mjs");

/** The fixture workspaces, by folder name under test/fixtures/workspaces. */
export type FixtureWorkspace = "passing" | "failing" | "unloadable" | "crashing" | "lint-fails";

/** The environment of this test run without vitest's own variables, so that nested runs start clean. */
function cleanEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, TURBO_TELEMETRY_DISABLED: "1", DO_NOT_TRACK: "1" };
  for (const name of Object.keys(env)) {
    if (name.startsWith("VITEST") || name === "NODE_ENV" || name === "TEST") delete env[name];
  }
  return env;
}

/** A temporary pnpm + turbo tree holding the given fixture workspaces under packages/. */
export function makeTree(workspaces: FixtureWorkspace[]): {
  root: string;
  dir(name: FixtureWorkspace): string;
} {
  const root = mkdtempSync(join(tmpdir(), "privnum-ci-"));
  cpSync(join(fixtures, "tree"), root, { recursive: true });
  // turbo comes from the repository's install, vitest and the shared vitest settings from this workspace's.
  symlinkSync(join(repoRoot, "node_modules"), join(root, "node_modules"), "dir");
  for (const name of workspaces) {
    const dir = join(root, "packages", name);
    cpSync(join(fixtures, "workspaces", name), dir, { recursive: true });
    symlinkSync(join(ciDir, "node_modules"), join(dir, "node_modules"), "dir");
  }
  return { root, dir: (name) => join(root, "packages", name) };
}

/** Removes a tree made by `makeTree`. */
export function removeTree(root: string): void {
  rmSync(root, { recursive: true, force: true });
}

/** Runs `vitest run` in one fixture workspace, as its `test` script would. */
export function runVitest(dir: string): SpawnSyncReturns<string> {
  return spawnSync(process.execPath, [vitestBin, "run"], { cwd: dir, env: cleanEnv(), encoding: "utf8" });
}

/** Runs the tree's test command (tooling/ci/run-tests.js) on a tree made by `makeTree`. */
export function runTestCommand(root: string): SpawnSyncReturns<string> {
  return spawnSync(process.execPath, [join(ciDir, "run-tests.js"), root], {
    cwd: root,
    env: cleanEnv(),
    encoding: "utf8",
  });
}
