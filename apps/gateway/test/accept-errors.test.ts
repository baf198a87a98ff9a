// A connection the HTTP server could not accept (Node emits `error` on the server, which keeps listening): the
// gateway logs a sampled warning and goes on, and the WebSockets already open stay open. Before, graphql-ws's listener wrote
// the first such error to the console and closed every socket, and the second, left without a listener, was
// thrown out of the server.
import { type Client, createClient } from "graphql-ws";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import WebSocket from "ws";
import { createApiKeyVerifier } from "../src/auth/api-keys.js";
import { createAuthenticator } from "../src/auth/authenticator.js";
import { attachGraphQLWebSocket, type GraphQLWebSocket } from "../src/http/graphql-websocket.js";
import { type HttpListener, listenHttp } from "../src/http/http-server.js";
import { createOriginPolicy } from "../src/http/origin-policy.js";
import { TEST_API_KEYS, testConfig } from "../src/shared/config.js";
import { captureLog } from "./support/captured-log.js";
import { startGateway, type TestGateway } from "./support/gateway.js";

/** What Node emits on a server whose `accept` failed with `code`. */
function acceptError(code: string): Error {
  return Object.assign(new Error(`accept ${code}`), { code, syscall: "accept" });
}

/** The codes of the accept failures `lines` warned of, in order. */
function warnedCodes(lines: Record<string, unknown>[]): unknown[] {
  return lines
    .filter((line) => line.kind === "http-accept-failed")
    .map((line) => {
      expect(line).toMatchObject({
        level: 40,
        msg: "the HTTP server could not accept a connection (it keeps listening)",
      });
      return (line.err as { code?: unknown }).code;
    });
}

describe("an HTTP server that could not accept a connection", () => {
  it("warns of each failure, at most 10 a minute, and keeps serving", async () => {
    const { lines, logger } = captureLog();
    const listener = await listenHttp("127.0.0.1", 0, logger);
    try {
      listener.serve((_request, response) => response.end("served"));
      for (let i = 0; i < 12; i += 1) {
        expect(() =>
          listener.server.emit("error", acceptError(i === 0 ? "ENOBUFS" : "ENOMEM")),
        ).not.toThrow();
      }
      expect(warnedCodes(lines)).toEqual(["ENOBUFS", ...Array(9).fill("ENOMEM")]);
      expect(await (await fetch(listener.url)).text()).toBe("served");
    } finally {
      await listener.close();
    }
  });

  describe("with graphql-ws on it", () => {
    let gw: TestGateway;
    let listener: HttpListener;
    let webSocket: GraphQLWebSocket;
    const log = captureLog();

    beforeAll(async () => {
      gw = await startGateway();
      listener = await listenHttp("127.0.0.1", 0, log.logger);
      webSocket = attachGraphQLWebSocket({
        server: listener.server,
        yoga: gw.gateway.yoga,
        authenticator: createAuthenticator({ apiKeys: createApiKeyVerifier(testConfig().auth.apiKeys) }),
        origins: createOriginPolicy([]),
        logger: log.logger,
        maxSockets: 10,
        maxSubscriptionsPerSocket: 10,
      });
    });

    afterAll(async () => {
      await webSocket?.close();
      await listener?.close();
      await gw?.stop();
    });

    it("keeps its open sockets open and writes nothing to the console", async () => {
      const consoleError = vi.spyOn(console, "error").mockImplementation(() => {});
      let client: Client | undefined;
      try {
        const closes: number[] = [];
        client = createClient({
          url: `${listener.url.replace(/^http/, "ws")}${gw.gateway.yoga.graphqlEndpoint}`,
          webSocketImpl: WebSocket,
          connectionParams: { authorization: `Bearer ${TEST_API_KEYS.viewer}` },
          retryAttempts: 0,
          lazy: false,
          on: { closed: (event) => closes.push((event as { code: number }).code) },
        });
        const query = () =>
          new Promise<unknown>((resolve, reject) => {
            let result: unknown;
            client!.subscribe(
              { query: "{ __typename }" },
              { next: (value) => (result = value), error: reject, complete: () => resolve(result) },
            );
          });
        expect(await query()).toEqual({ data: { __typename: "Query" } });
        expect(webSocket.openSockets).toBe(1);

        for (const code of ["ENOMEM", "ENOBUFS", "EPERM"]) {
          expect(() => listener.server.emit("error", acceptError(code))).not.toThrow();
        }

        expect(warnedCodes(log.lines)).toEqual(["ENOMEM", "ENOBUFS", "EPERM"]);
        // The same socket still answers: it was never closed.
        expect(await query()).toEqual({ data: { __typename: "Query" } });
        expect(closes).toEqual([]);
        expect(webSocket.openSockets).toBe(1);
        expect(consoleError).not.toHaveBeenCalled();
      } finally {
        await client?.dispose();
        consoleError.mockRestore();
      }
    });
  });
});
