import { defineConfig } from "tsdown";

/**
 * The one build configuration of every published package: ESM only, `.d.ts` beside it, Node 20 target,
 * dependencies left external. A package passes its own entries (default: `src/index.ts`).
 */
export function defineLibraryConfig(overrides = {}) {
  return defineConfig({
    entry: ["src/index.ts"],
    format: ["esm"],
    platform: "node",
    target: "node20",
    dts: true,
    clean: true,
    sourcemap: true,
    unbundle: false,
    ...overrides,
  });
}
