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

/**
 * The build configuration of a runnable app (e.g. the gateway): the library settings for one entry point
 * (default: `src/main.ts`) and no `.d.ts`, since nothing imports an app.
 */
export function defineAppConfig(overrides = {}) {
  return defineLibraryConfig({ entry: ["src/main.ts"], dts: false, ...overrides });
}
