import { execFile } from "node:child_process";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { afterEach, expect, it } from "vitest";
import { type Harness, startHarness } from "./support/harness.js";

const run = promisify(execFile);
let h: Harness | undefined;
let dir: string | undefined;
afterEach(async () => {
  await h?.stop();
  if (dir) await rm(dir, { recursive: true, force: true });
});

it("the README example runs against the simulator from start to finish", async () => {
  const readme = await readFile(new URL("../README.md", import.meta.url), "utf8");
  const example = /## Example[\s\S]*?```ts\n([\s\S]*?)```/.exec(readme)?.[1];
  expect(example).toBeDefined();
  const source = fileURLToPath(new URL("../src/index.ts", import.meta.url));
  dir = await mkdtemp(join(tmpdir(), "axe-api-readme-"));
  const file = join(dir, "example.mts");
  await writeFile(file, (example ?? "").replace('"@privnum/axe-api"', JSON.stringify(source)));

  h = await startHarness();
  const tsx = fileURLToPath(new URL("../node_modules/.bin/tsx", import.meta.url));
  const { stdout, stderr } = await run(tsx, [file], {
    env: { ...process.env, AXE_BASE_URL: h.sim.url },
    timeout: 20_000,
  });
  expect(stdout).toMatch(/^bound \S+ \+8617000000001 0042$/m);
  expect(stdout).toContain("record calls: true expires after 24 hours");
  expect(stdout).toMatch(/^0042 \S+$/m);
  // No call was placed, so the recording does not exist: the example's not-found branch reports it.
  expect(stderr).toContain("not-found 1012007");
  expect(h.sim.state().bindings).toHaveLength(0);
}, 30_000);
