import type { ViteUserConfig } from "vitest/config";

/** The settings every package's vitest run shares. */
export declare const sharedConfig: ViteUserConfig;
/** Merge a package's own settings over the shared ones. */
export declare function defineProjectConfig(overrides?: ViteUserConfig): ViteUserConfig;
