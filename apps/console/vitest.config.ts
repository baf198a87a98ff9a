import { defineProjectConfig } from "@privnum/vitest-config";

export default defineProjectConfig({});
