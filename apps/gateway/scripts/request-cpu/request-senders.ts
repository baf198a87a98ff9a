// Ways to send a GraphQL request to one Yoga instance and wait for its whole answer: in process (`yoga.fetch`)
// or over a real HTTP connection on 127.0.0.1 (Node's parser hands Yoga the body as a stream, as in service).
import { Agent, createServer, request as httpRequest } from "node:http";
import type { AddressInfo } from "node:net";
import type { GatewayYoga } from "../../src/http/yoga.js";
import { ADMIN_AUTHORIZATION as authorization } from "../../test/support/authentication.js";

/** Sends one body; rejects unless the answer is 200 without errors. */
export type SendRequest = (body: string) => Promise<void>;

/** A sender and what it holds open. */
export interface RequestSender {
  send: SendRequest;
  close(): Promise<void>;
}

function check(status: number | undefined, text: string): void {
  if (status !== 200 || text.includes('"errors"'))
    throw new Error(`answered ${status}: ${text.slice(0, 300)}`);
}

/** Through `yoga.fetch`, with the declared length an HTTP client sends. */
export function inProcessSender(yoga: GatewayYoga): RequestSender {
  return {
    async send(body) {
      const response = await yoga.fetch("http://gateway.measure/graphql", {
        method: "POST",
        headers: {
          "content-type": "application/json",
          accept: "application/graphql-response+json",
          authorization,
          "content-length": String(Buffer.byteLength(body)),
        },
        body,
      });
      check(response.status, await response.text());
    },
    close: async () => {},
  };
}

/** Through a Node HTTP server of its own and keep-alive connections (`connections` of them). */
export async function httpSender(yoga: GatewayYoga, connections: number): Promise<RequestSender> {
  const server = createServer(yoga);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  const agent = new Agent({ keepAlive: true, maxSockets: connections });
  const headers = {
    "content-type": "application/json",
    accept: "application/graphql-response+json",
    authorization,
  };
  return {
    send: (body) =>
      new Promise((resolve, reject) => {
        const request = httpRequest(
          {
            host: "127.0.0.1",
            port,
            path: "/graphql",
            method: "POST",
            agent,
            headers: { ...headers, "content-length": Buffer.byteLength(body) },
          },
          (response) => {
            const chunks: Buffer[] = [];
            response.on("data", (chunk: Buffer) => chunks.push(chunk));
            response.on("end", () => {
              try {
                check(response.statusCode, Buffer.concat(chunks).toString());
                resolve();
              } catch (error) {
                reject(error);
              }
            });
            response.on("error", reject);
          },
        );
        request.on("error", reject);
        request.end(body);
      }),
    async close() {
      agent.destroy();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
