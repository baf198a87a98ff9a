import { createRequire } from "node:module";
import { defineProjectConfig } from "@privnum/vitest-config";

const require = createRequire(import.meta.url);

export default defineProjectConfig({
  resolve: {
    // A test that starts the gateway in-process (test/subscribers.test.ts) must load graphql as Node does: Vite
    // would hand the gateway's bundle the ESM build while Yoga and Pothos load the CJS one, and graphql refuses
    // a schema from the other build ("from another module or realm"). The gateway's own tests pin it alike.
    alias: [{ find: /^graphql$/, replacement: require.resolve("graphql") }],
  },
});
