import { createRequire } from "node:module";
import { defineProjectConfig } from "@privnum/vitest-config";

const require = createRequire(import.meta.url);

export default defineProjectConfig({
  resolve: {
    // graphql 16 ships CJS (`main`) and ESM (`module`) builds. Node loads the CJS one for Yoga and Pothos, but
    // Vite would hand the ESM one to our sources: two `GraphQLError` classes, and Yoga would mask errors we
    // raise on purpose. Pin our imports to the build Node uses, as it is at run time (tsx).
    alias: [{ find: /^graphql$/, replacement: require.resolve("graphql") }],
  },
});
