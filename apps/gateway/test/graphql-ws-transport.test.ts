// graphql-ws's protocol over `ws`, with its errors through the gateway's logger: a hook that fails is the
// gateway's fault (an error line, masked and sampled, and the socket closed with 4500 without the error's
// message); a send to a peer that is gone is not (a debug line). Nothing goes to the console, where graphql-ws's
// own `useServer` wrote both, phone numbers and all.
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import type { ServerOptions } from "graphql-ws";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import WebSocket, { WebSocketServer } from "ws";
import {
  INTERNAL_ERROR_CLOSE_REASON,
  type SocketExtra,
  serveGraphQLOverWebSocket,
} from "../src/http/graphql-ws-transport.js";
import { sampledLog } from "../src/shared/sampled-log.js";
import { type CapturedLog, captureLog } from "./support/captured-log.js";

describe("graphql-ws over ws, errors through the logger", () => {
  let httpServer: Server;
  let wsServer: WebSocketServer;
  let log: CapturedLog;
  let consoleError: ReturnType<typeof vi.spyOn>;

  /** Serve graphql-ws with `options`; resolves with the URL to connect to. */
  async function serve(options: ServerOptions<Record<string, unknown>, SocketExtra>): Promise<string> {
    httpServer = createServer();
    wsServer = new WebSocketServer({ server: httpServer });
    serveGraphQLOverWebSocket(wsServer, options, log.logger);
    await new Promise<void>((resolve) => httpServer.listen(0, "127.0.0.1", resolve));
    return `ws://127.0.0.1:${(httpServer.address() as AddressInfo).port}`;
  }

  /** Connect, send `connection_init`, and resolve with how the server closed the socket. */
  async function closeAfterInit(url: string): Promise<{ code: number; reason: string }> {
    const socket = new WebSocket(url, "graphql-transport-ws");
    const closed = new Promise<{ code: number; reason: string }>((resolve) =>
      socket.on("close", (code, reason) => resolve({ code, reason: String(reason) })),
    );
    socket.on("error", () => {});
    await new Promise((resolve) => socket.on("open", resolve));
    socket.send(JSON.stringify({ type: "connection_init" }));
    return closed;
  }

  beforeEach(() => {
    log = captureLog("debug");
    consoleError = vi.spyOn(console, "error").mockImplementation(() => {});
  });

  afterEach(async () => {
    consoleError.mockRestore();
    for (const client of wsServer?.clients ?? []) client.terminate();
    await new Promise((resolve) => wsServer?.close(resolve));
    await new Promise((resolve) => httpServer?.close(resolve));
  });

  it("closes the socket of a hook that threw with 4500, and logs the error masked, never to the console", async () => {
    const url = await serve({
      onConnect: () => {
        throw new Error("no account for 13800138000");
      },
    });

    expect(await closeAfterInit(url)).toEqual({ code: 4500, reason: INTERNAL_ERROR_CLOSE_REASON });

    expect(consoleError).not.toHaveBeenCalled();
    const failed = log.lines.filter(
      (line) => line.msg === "a WebSocket message failed (the socket was closed with 4500)",
    );
    expect(failed).toHaveLength(1);
    expect(failed[0]).toMatchObject({ level: 50, error: { name: "Error" } });
    const message = String((failed[0]?.error as { message?: unknown } | undefined)?.message);
    expect(message).toMatch(/^no account for 138\S+$/);
    expect(message).not.toContain("13800138000");
    expect(log.raw.join("")).not.toContain("13800138000");
  });

  it("samples the failures of one kind, across sockets", async () => {
    let attempt = 0;
    const url = await serve({
      onConnect: () => {
        attempt += 1;
        throw new Error(`lookup ${attempt} failed`);
      },
    });

    for (let i = 0; i < 12; i += 1) expect((await closeAfterInit(url)).code).toBe(4500);
    sampledLog(log.logger).flush();

    expect(log.lines.filter((line) => line.level === 50)).toHaveLength(10);
    expect(log.lines).toContainEqual(expect.objectContaining({ level: 40, suppressed: 2 }));
    expect(consoleError).not.toHaveBeenCalled();
  });

  it("logs a send to a peer that is gone at debug, not as a failed message", async () => {
    const url = await serve({
      onConnect: (ctx) => {
        // The connection drops while the server answers `connection_init`: the ack's send fails.
        ctx.extra.request.socket.destroy();
        return true;
      },
    });

    expect((await closeAfterInit(url)).code).toBe(1006);

    await vi.waitFor(() =>
      expect(log.lines).toContainEqual(
        expect.objectContaining({ level: 20, msg: expect.stringMatching(/^WebSocket send failed: /) }),
      ),
    );
    expect(log.lines.filter((line) => Number(line.level) >= 40)).toEqual([]);
    expect(consoleError).not.toHaveBeenCalled();
  });

  it("logs an onClose hook that failed, instead of leaving its rejection unhandled", async () => {
    const unhandled: unknown[] = [];
    const onUnhandled = (reason: unknown) => unhandled.push(reason);
    process.on("unhandledRejection", onUnhandled);
    try {
      const url = await serve({
        onClose: () => {
          throw new Error("release failed");
        },
      });
      const socket = new WebSocket(url, "graphql-transport-ws");
      await new Promise((resolve) => socket.on("open", resolve));
      socket.close(1000);

      await vi.waitFor(() =>
        expect(log.lines).toContainEqual(
          expect.objectContaining({
            level: 50,
            msg: "closing a WebSocket's operations failed",
            error: expect.objectContaining({ message: "release failed" }),
          }),
        ),
      );
      await new Promise((resolve) => setTimeout(resolve, 20));
      expect(unhandled).toEqual([]);
    } finally {
      process.off("unhandledRejection", onUnhandled);
    }
  });

  it("refuses a socket without graphql-ws's subprotocol with 4406", async () => {
    const url = await serve({});
    const socket = new WebSocket(url);
    const code = await new Promise<number>((resolve) =>
      socket.on("close", (closeCode) => resolve(closeCode)),
    );
    expect(code).toBe(4406);
  });
});
