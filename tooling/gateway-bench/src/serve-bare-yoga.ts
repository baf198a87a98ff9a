// Baseline of P6: a bare Yoga server answering `{ __typename }`, with the gateway's Yoga settings and
// nothing else (no schema to speak of, no database), in its own process on this machine.
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { createSchema, createYoga } from "graphql-yoga";
import { serveParent } from "./lib/ipc-server.js";
import { readProcessStats } from "./lib/process-stats.js";

const yoga = createYoga({
  schema: createSchema({ typeDefs: "type Query { ok: Boolean }", resolvers: { Query: { ok: () => true } } }),
  graphqlEndpoint: "/graphql",
  maskedErrors: true,
  landingPage: false,
  graphiql: false,
  logging: false,
  // As the gateway: no per-request body pipe (the gateway bounds bodies with its own plugin, which this
  // baseline leaves out, so that the baseline is never the slower of the two on that account).
  maxRequestBodySize: false,
});
const server = createServer(yoga);

serveParent(
  {
    async start() {
      await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
      const { port } = server.address() as AddressInfo;
      return { url: `http://127.0.0.1:${port}`, graphqlUrl: `http://127.0.0.1:${port}/graphql` };
    },
    stats: (payload) => readProcessStats((payload as { gc?: boolean } | undefined)?.gc === true, 0),
  },
  {
    maxLifetimeMs: 30 * 60_000,
    onStop: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  },
);
