import { defineConfig, mergeConfig } from "vitest/config";

/** The settings every package's vitest run shares. */
export const sharedConfig = defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    environment: "node",
    // Tests talk to real servers and databases; give them room on a 2-core machine.
    testTimeout: 30_000,
    hookTimeout: 60_000,
    // expect.poll waits 1 s by default: too little for a browser page while every package's tests run at once.
    expect: { poll: { timeout: 10_000 } },
    // The JSON file lets the root test command print one summary line for the whole tree.
    reporters: ["default", ["json", { outputFile: ".vitest-result.json" }]],
    restoreMocks: true,
  },
});

/** Merge a package's own settings over the shared ones. */
export function defineProjectConfig(overrides = {}) {
  return mergeConfig(sharedConfig, defineConfig(overrides));
}
