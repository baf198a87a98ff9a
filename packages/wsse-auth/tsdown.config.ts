import { defineLibraryConfig } from "@privnum/tsdown-config";

export default defineLibraryConfig();
