// Every code example of every README in the repository, checked as a user would meet it.
//
// Conventions (the info string of a fenced block):
// - ```ts, ```typescript, ```js and ```javascript blocks are examples. Each is written as its own module into a
//   temporary project (`"type": "module"`, tsconfig with `module`/`moduleResolution` `node16` and `strict`) whose
//   `@privnum/*` imports resolve to the workspace packages' built `dist` through their `exports` maps, and
//   `tsc --noEmit` must pass over all of them; an error names the README and its line.
// - Every example is also RUN by default (`.ts` with tsx, `.js` with node) and must exit 0 within a minute. It
//   runs in the temporary project with a fresh embedded simulator: AXE_BASE_URL, AXE_APP_KEY and AXE_APP_SECRET
//   point at it, so examples that talk to the platform talk to the simulator. No example may need the network.
// - ```ts no-run: type-checked, not run (a server that listens until it is stopped).
// - ```ts fragment: not a module on its own, neither checked nor run. Keep these rare and say why in the README.
// - ```sh / ```bash / ```shell / ```console blocks are not run, but must not name a path outside the repository.
// Every README must also link only inside the repository and never cite the out-of-tree `shared/` folder.
import { readFileSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { createSimulator } from "@privnum/axe-simulator";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  blockLocation,
  EXAMPLE_FLAGS,
  isExample,
  isRunnable,
  isTypeChecked,
  SHELL_LANGS,
} from "../src/example-conventions.js";
import { createExampleWorkspace, type ExampleWorkspace } from "../src/example-workspace.js";
import { type CodeBlock, extractCodeBlocks } from "../src/extract-code-blocks.js";
import { findReadmes } from "../src/find-readmes.js";
import { runExample } from "../src/run-example.js";
import { pathsOutsideRepository } from "../src/shell-paths.js";
import { typeCheckExamples } from "../src/type-check-examples.js";

const root = resolve(fileURLToPath(new URL("../../..", import.meta.url)));
const nodeModules = fileURLToPath(new URL("../node_modules", import.meta.url));
const readmes = findReadmes(root);
// Read while vitest collects the tests: there is one test per runnable example.
const texts = new Map(readmes.map((readme) => [readme, readFileSync(join(root, readme), "utf8")]));
const blocks: CodeBlock[] = [...texts].flatMap(([readme, text]) => extractCodeBlocks(readme, text));
let tmp = "";
let workspace: ExampleWorkspace;

beforeAll(async () => {
  tmp = await mkdtemp(join(tmpdir(), "privnum-readme-examples-"));
  workspace = createExampleWorkspace(join(tmp, "project"), blocks.filter(isTypeChecked), nodeModules);
});

afterAll(async () => {
  if (tmp) await rm(tmp, { recursive: true, force: true });
});

describe("the READMEs", () => {
  it("are found in the root, packages, apps and tooling", () => {
    expect(readmes).toEqual(
      expect.arrayContaining([
        "README.md",
        "apps/gateway/README.md",
        "packages/axe-api/README.md",
        "packages/axe-simulator/README.md",
        "packages/notification-schemas/README.md",
        "packages/wsse-auth/README.md",
        "tooling/typescript/README.md",
      ]),
    );
    expect(blocks.filter(isRunnable).length).toBeGreaterThan(0);
  });

  it("mark examples only with known flags", () => {
    const unknown = blocks
      .filter(isExample)
      .flatMap((block) =>
        block.flags.filter((flag) => !EXAMPLE_FLAGS.has(flag)).map((flag) => ({ block, flag })),
      );
    expect(unknown.map(({ block, flag }) => `${blockLocation(block)}: unknown flag "${flag}"`)).toEqual([]);
  });

  it("type-check every example under strict node16 resolution against the built packages", async () => {
    expect(await typeCheckExamples(workspace)).toEqual([]);
  });

  it("name no path outside the repository in shell blocks", () => {
    const outside = blocks
      .filter((block) => SHELL_LANGS.has(block.lang))
      .flatMap((block) =>
        pathsOutsideRepository(block.code, dirname(join(root, block.readme)), root).map(
          (path) => `${blockLocation(block)}: ${path}`,
        ),
      );
    expect(outside).toEqual([]);
  });

  it("link only inside the repository and do not cite the shared/ folder", () => {
    const problems: string[] = [];
    for (const [readme, text] of texts) {
      text.split("\n").forEach((line, index) => {
        // The out-of-tree folder, named alone or reached with ../; a `shared/` folder inside a path of the
        // repository (apps/gateway/src/shared/) is not it.
        if (/(^|[^\w/-])shared\/|\.\.\/shared\//.test(line))
          problems.push(`${readme}:${index + 1}: cites shared/`);
        for (const [, target = ""] of line.matchAll(/\]\(([^)\s]+)\)/g)) {
          if (/^[a-z]+:|^#/.test(target)) continue; // a URL or an anchor of the same page
          const path = resolve(dirname(join(root, readme)), target.replace(/#.*$/, ""));
          if (!path.startsWith(`${root}/`) && path !== root)
            problems.push(`${readme}:${index + 1}: ${target}`);
        }
      });
    }
    expect(problems).toEqual([]);
  });
});

describe("each runnable README example", () => {
  // One test per example, named by its place, so a failure says which README and block.
  const runnable = blocks.filter(isRunnable).map((block) => ({ name: blockLocation(block), block }));

  it.each(runnable)("$name exits 0 against a fresh simulator", async ({ block }) => {
    const file = workspace.files.get(block);
    expect(file, `${blockLocation(block)} was not written`).toBeDefined();
    const sim = createSimulator({ timeScale: 60_000 });
    const { url } = await sim.start();
    try {
      const result = await runExample(file ?? "", {
        cwd: workspace.dir,
        env: { AXE_BASE_URL: url, AXE_APP_KEY: "privnum-sim-app", AXE_APP_SECRET: "privnum-sim-secret" },
      });
      expect(result.exitCode, `${blockLocation(block)}\n${result.stdout}\n${result.stderr}`).toBe(0);
    } finally {
      await sim.stop();
    }
  });
});
