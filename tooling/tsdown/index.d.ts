import type { UserConfig } from "tsdown";

/** The shared build configuration of every published package (ESM + `.d.ts`). */
export declare function defineLibraryConfig(overrides?: UserConfig): UserConfig;

/** The build configuration of a runnable app: `src/main.ts` to `dist/main.mjs`, no `.d.ts`. */
export declare function defineAppConfig(overrides?: UserConfig): UserConfig;
