// Baseline of P2: a bare `node:http` server that takes the same signed call-event pushes the gateway's
// `/notify` takes and stores each body with group commit (lib/body-batcher.ts): one multi-row insert of every
// body that arrived while the previous insert was in flight, each request answered 200 after its commit. No
// signature check, no parsing, no folding: the ceiling of "commit each push before its 200" in one Node
// process on this machine. Answers `start` (payload: a gateway config whose `database` is the baseline's
// PostgreSQL database), `stats` and `stop` over IPC.
import { createServer, type IncomingMessage } from "node:http";
import type { AddressInfo } from "node:net";
import type { GatewayConfig } from "@privnum/gateway";
import type pg from "pg";
import { openBodyPool, type ReceivedBody, storeBodies } from "./lib/bare-notify-store.js";
import { BatcherFullError, createBodyBatcher } from "./lib/body-batcher.js";
import { serveParent } from "./lib/ipc-server.js";
import { readProcessStats } from "./lib/process-stats.js";

/** Largest body taken (the gateway's `/notify` refuses bodies over 1 MiB too). */
const MAX_BODY_BYTES = 1024 * 1024;
/** Bodies in one insert, and bodies queued at most (the gateway's event lane queues 5,000). */
const MAX_BATCH = 1000;
const MAX_WAITING = 5000;

class BodyTooLargeError extends Error {}

function readBody(request: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    request.on("data", (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY_BYTES) {
        reject(new BodyTooLargeError());
        request.destroy();
        return;
      }
      chunks.push(chunk);
    });
    request.on("end", () => resolve(Buffer.concat(chunks, size)));
    request.on("error", reject);
  });
}

let pool: pg.Pool | undefined;
const batcher = createBodyBatcher<ReceivedBody>({
  store: (bodies) => storeBodies(pool!, bodies),
  maxBatch: MAX_BATCH,
  maxWaiting: MAX_WAITING,
});

const server = createServer(async (request, response) => {
  if (request.method !== "POST") {
    response.writeHead(405).end();
    return;
  }
  try {
    const body = await readBody(request);
    await batcher.submit({ body, contentType: request.headers["content-type"] ?? null });
    response.writeHead(200, { "content-type": "application/json" }).end('{"resultcode":"0"}');
  } catch (error) {
    const status = error instanceof BodyTooLargeError ? 413 : error instanceof BatcherFullError ? 503 : 500;
    if (!response.headersSent) response.writeHead(status).end();
  }
});

serveParent(
  {
    async start(payload) {
      const { database } = payload as GatewayConfig;
      if (database.kind !== "postgres") throw new Error("the bare notify baseline stores in PostgreSQL");
      pool = openBodyPool(database.url);
      // Open the connection the inserts use before the clock starts.
      (await pool.connect()).release();
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
      await pool?.end();
    },
  },
);
