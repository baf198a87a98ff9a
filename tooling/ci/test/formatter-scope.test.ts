import { execFileSync, spawnSync } from "node:child_process";
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterAll, describe, expect, test } from "vitest";

const ROOT = resolve(import.meta.dirname, "../../..");
const BIOME = join(ROOT, "node_modules/.bin/biome");

// `pnpm format` (biome format --write .) once rewrote the YAML front matter of .changeset/*.md into headings,
// which changesets can no longer read. Run the repository's Biome configuration on a copy of such files.
describe("pnpm format, with the repository's biome.json", () => {
  const dir = mkdtempSync(join(tmpdir(), "privnum-format-"));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  const changeset = "---\n'@privnum/wsse-auth': patch\n---\n\nA fix   for users.\n";
  const unformatted = "| a | b |\n|---|---|\n| long cell | x |\n";

  test("leaves changesets alone and still formats the Markdown it owns", () => {
    copyFileSync(join(ROOT, "biome.json"), join(dir, "biome.json"));
    execFileSync("git", ["init", "--quiet"], { cwd: dir });
    mkdirSync(join(dir, ".changeset"));
    writeFileSync(join(dir, ".changeset/quick-fix.md"), changeset);
    writeFileSync(join(dir, "notes.md"), unformatted);

    const run = spawnSync(BIOME, ["format", "--write", "."], { cwd: dir, encoding: "utf8" });
    expect(run.status, `${run.stdout}${run.stderr}`).toBe(0);
    expect(readFileSync(join(dir, ".changeset/quick-fix.md"), "utf8")).toBe(changeset);
    // The control: the same run did format a Markdown file outside .changeset.
    expect(readFileSync(join(dir, "notes.md"), "utf8")).not.toBe(unformatted);
  });
});
