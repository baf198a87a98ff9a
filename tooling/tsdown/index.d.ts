import type { UserConfig } from "tsdown";

/** The shared build configuration of every published package (ESM + `.d.ts`). */
export declare function defineLibraryConfig(overrides?: UserConfig): UserConfig;
