import react from "@vitejs/plugin-react";
import { defineConfig } from "vite";

// The gateway serves the build under /console/ from its own origin; `pnpm --filter @privnum/console dev` proxies
// the API to a gateway on GATEWAY_URL (default the gateway's default port) so the dev server needs no CORS either.
const gateway = process.env.GATEWAY_URL ?? "http://127.0.0.1:4000";

export default defineConfig({
  base: "/console/",
  plugins: [react()],
  build: {
    outDir: "dist",
    emptyOutDir: true,
    // Every asset is a file of its own (no inlined data: URLs), so the gateway's CSP can stay 'self'.
    assetsInlineLimit: 0,
    sourcemap: true,
  },
  server: {
    proxy: {
      "/graphql": { target: gateway, ws: true },
      "/recordings": gateway,
      "/exports": gateway,
    },
  },
});
