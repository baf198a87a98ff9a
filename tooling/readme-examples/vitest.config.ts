import { defineProjectConfig } from "@privnum/vitest-config";

// Type-checking every example with tsc and running the runnable ones in child processes takes a while.
export default defineProjectConfig({ test: { testTimeout: 180_000 } });
