import { defineAppConfig } from "@privnum/tsdown-config";

// `pnpm start` runs dist/main.mjs with plain node, `pnpm reconcile` dist/cli/reconcile.mjs; dependencies
// (workspace packages too) stay external.
// src/index.ts is the entry other workspace packages import (the exports map's "."), so it alone gets a
// `.d.mts`; the two entries share their chunks.
export default defineAppConfig({
  entry: ["src/main.ts", "src/index.ts", "src/cli/reconcile.ts"],
  dts: { entry: "src/index.ts" },
});
