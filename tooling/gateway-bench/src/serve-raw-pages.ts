// P6's floor (lib/raw-pages.ts): the gateway's pages served by node:http and pg alone, in its own process, over
// the run's gateway database. Answers `start` (with the run's gateway configuration, of which it reads only the
// database URL), `stats` and `stop` over IPC.
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import type { GatewayConfig } from "@privnum/gateway";
import { serveParent } from "./lib/ipc-server.js";
import { readProcessStats } from "./lib/process-stats.js";
import { createRawPages, type RawPages } from "./lib/raw-pages.js";

let pages: RawPages | undefined;
let server: Server | undefined;

serveParent(
  {
    async start(payload) {
      const { database } = payload as GatewayConfig;
      if (database.kind !== "postgres")
        throw new Error("the raw page server needs the gateway on PostgreSQL");
      pages = createRawPages(database.url);
      const listening = createServer(pages.handler);
      server = listening;
      await new Promise<void>((resolve) => listening.listen(0, "127.0.0.1", resolve));
      const { port } = listening.address() as AddressInfo;
      return { url: `http://127.0.0.1:${port}`, graphqlUrl: `http://127.0.0.1:${port}/graphql` };
    },
    stats: (payload) => readProcessStats((payload as { gc?: boolean } | undefined)?.gc === true, 0),
  },
  {
    maxLifetimeMs: 20 * 60_000,
    onStop: async () => {
      const listening = server;
      if (listening) {
        listening.closeAllConnections();
        await new Promise<void>((resolve) => listening.close(() => resolve()));
      }
      await pages?.close();
    },
  },
);
