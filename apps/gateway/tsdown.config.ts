import { defineAppConfig } from "@privnum/tsdown-config";

// `pnpm start` runs dist/main.mjs with plain node; dependencies (workspace packages too) stay external.
export default defineAppConfig();
