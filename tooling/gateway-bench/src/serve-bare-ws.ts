// Baseline of P3 and P4: a bare `ws` server on node:http. `POST /publish` sends the body as it is to every
// open socket, then answers 200 (the transport's share of fan-out); idle sockets just stay open (the
// transport's share of memory per subscriber). In its own process, like the gateway.
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { WebSocketServer } from "ws";
import { serveParent } from "./lib/ipc-server.js";
import { readProcessStats } from "./lib/process-stats.js";

const MAX_BODY_BYTES = 64 * 1024;

const server = createServer((req, res) => {
  if (req.method !== "POST" || req.url !== "/publish") {
    res.writeHead(404).end();
    return;
  }
  const chunks: Buffer[] = [];
  let size = 0;
  req.on("data", (chunk: Buffer) => {
    size += chunk.byteLength;
    if (size > MAX_BODY_BYTES) req.destroy();
    else chunks.push(chunk);
  });
  req.on("end", () => {
    const body = Buffer.concat(chunks).toString("utf8");
    for (const socket of wss.clients) socket.send(body);
    res.writeHead(200, { "content-type": "application/json" }).end('{"resultcode":"0"}');
  });
});
// The gateway's WebSocket limits, so that both hold sockets alike.
const wss = new WebSocketServer({ server, path: "/graphql", maxPayload: 64 * 1024 });

serveParent(
  {
    async start() {
      await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
      const { port } = server.address() as AddressInfo;
      return { url: `http://127.0.0.1:${port}`, graphqlUrl: `http://127.0.0.1:${port}/graphql` };
    },
    stats: (payload) =>
      readProcessStats((payload as { gc?: boolean } | undefined)?.gc === true, wss.clients.size),
  },
  {
    maxLifetimeMs: 30 * 60_000,
    onStop: async () => {
      for (const socket of wss.clients) socket.terminate();
      await new Promise<void>((resolve) => wss.close(() => resolve()));
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  },
);
