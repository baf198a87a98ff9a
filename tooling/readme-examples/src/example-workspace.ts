import { mkdirSync, symlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { EXAMPLE_EXTENSIONS } from "./example-conventions.js";
import type { CodeBlock } from "./extract-code-blocks.js";

/** A temporary project holding one module per example, set up as a user's project would be. */
export interface ExampleWorkspace {
  /** The project's folder. */
  readonly dir: string;
  /** Each example's file, absolute, by block. */
  readonly files: ReadonlyMap<CodeBlock, string>;
}

/**
 * The compiler options of a strict user project on Node's own module system. `node16` is the strictest
 * resolution a user may have: `exports` maps only, explicit `.js` extensions, no import attributes.
 */
export const USER_COMPILER_OPTIONS = {
  module: "node16",
  moduleResolution: "node16",
  target: "ES2022",
  lib: ["ES2023"],
  types: ["node"],
  strict: true,
  // Each example is its own module, even one without an import or export.
  moduleDetection: "force",
  allowJs: true,
  checkJs: true,
  noEmit: true,
} as const;

/**
 * Writes each block as its own module into `dir` (`package.json` with `"type": "module"`, a tsconfig with
 * {@link USER_COMPILER_OPTIONS}), and links `dir/node_modules` to `nodeModules`, whose `@privnum/*` entries
 * are the workspace packages: imports resolve to their built `dist` through their `exports`, as a user's do.
 */
export function createExampleWorkspace(
  dir: string,
  blocks: readonly CodeBlock[],
  nodeModules: string,
): ExampleWorkspace {
  mkdirSync(dir, { recursive: true });
  symlinkSync(nodeModules, join(dir, "node_modules"), "dir");
  writeFileSync(join(dir, "package.json"), `${JSON.stringify({ type: "module", private: true }, null, 2)}\n`);
  const files = new Map<CodeBlock, string>();
  blocks.forEach((block, index) => {
    const name = `${block.readme.replace(/[^A-Za-z0-9]+/g, "-")}-${block.line}-${index}`;
    const file = join(dir, `${name}${EXAMPLE_EXTENSIONS[block.lang] ?? ".ts"}`);
    writeFileSync(file, block.code.endsWith("\n") ? block.code : `${block.code}\n`);
    files.set(block, file);
  });
  const tsconfig = {
    compilerOptions: USER_COMPILER_OPTIONS,
    files: [...files.values()].map((file) => file.slice(dir.length + 1)),
  };
  writeFileSync(join(dir, "tsconfig.json"), `${JSON.stringify(tsconfig, null, 2)}\n`);
  return { dir, files };
}
