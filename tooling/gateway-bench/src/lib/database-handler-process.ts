// The process side of a server P6 starts over the run's gateway database (the PostGraphile peer, the floor): a
// node:http request handler built over the database's URL, served on 127.0.0.1, answering `start` (with the
// run's gateway configuration, of which it reads only the database URL), `stats` and `stop` over IPC.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import type { GatewayConfig } from "@privnum/gateway";
import { serveParent } from "./ipc-server.js";
import { readProcessStats } from "./process-stats.js";

/** A request handler over a database, and how to release it. */
export interface DatabaseHandler {
  handler: (request: IncomingMessage, response: ServerResponse) => void;
  /** Resolves once the handler can serve. @default ready at once */
  ready?: Promise<void>;
  close(): Promise<void>;
}

/** Serve what `create` builds, as this file's header says; `name` is what a refusal calls it. */
export function serveDatabaseHandler(
  name: string,
  create: (databaseUrl: string) => DatabaseHandler,
  maxLifetimeMs: number,
): void {
  let built: DatabaseHandler | undefined;
  let server: Server | undefined;
  serveParent(
    {
      async start(payload) {
        const { database } = payload as GatewayConfig;
        if (database.kind !== "postgres") throw new Error(`${name} needs the gateway on PostgreSQL`);
        built = create(database.url);
        await built.ready;
        const listening = createServer(built.handler);
        server = listening;
        await new Promise<void>((resolve) => listening.listen(0, "127.0.0.1", resolve));
        const { port } = listening.address() as AddressInfo;
        return { url: `http://127.0.0.1:${port}`, graphqlUrl: `http://127.0.0.1:${port}/graphql` };
      },
      stats: (payload) => readProcessStats((payload as { gc?: boolean } | undefined)?.gc === true, 0),
    },
    {
      maxLifetimeMs,
      onStop: async () => {
        const listening = server;
        if (listening) {
          listening.closeAllConnections();
          await new Promise<void>((resolve) => listening.close(() => resolve()));
        }
        await built?.close();
      },
    },
  );
}
