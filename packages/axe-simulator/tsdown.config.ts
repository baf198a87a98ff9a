import { defineLibraryConfig } from "@privnum/tsdown-config";

export default defineLibraryConfig({ entry: ["src/index.ts", "src/cli.ts"] });
