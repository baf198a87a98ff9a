import type { IncomingMessage } from "node:http";
import { CloseCode, handleProtocols, makeServer, type ServerOptions } from "graphql-ws";
import type { WebSocket, WebSocketServer } from "ws";
import { errorKind, errorLogRecord } from "../graphql/error-log-record.js";
import type { Logger } from "../shared/logger.js";
import { sampledLog } from "../shared/sampled-log.js";

/** What graphql-ws's hooks find in `ctx.extra`: the socket and the upgrade request it came with. */
export interface SocketExtra {
  readonly socket: WebSocket;
  readonly request: IncomingMessage;
}

/** The close reason of a socket whose message failed on the server's side; the error itself is only logged. */
export const INTERNAL_ERROR_CLOSE_REASON = "Internal server error";

/**
 * graphql-ws's protocol (its `makeServer`) on every socket `wsServer` opens: the part of graphql-ws's `useServer`
 * for `ws` that the gateway needs, with every error going through the gateway's logger instead of
 * `console.error` (which bypasses the logger's masking of phone numbers and its sampling, and prints a stack
 * for a client's doing):
 *
 * - a client breaking the WebSocket protocol (a message over `maxPayload`, a malformed frame, a text frame
 *   that is not UTF-8): logged at debug. `ws` has already begun closing the socket with the code that says
 *   why (1009, 1002, 1007); its only other socket error is for a Blob it cannot read, and graphql-ws sends text.
 * - a message whose handling failed unexpectedly (a hook that threw: a fault of the gateway, not of the
 *   client): logged as an error, sampled per kind like Yoga's masked errors, and the socket closed with
 *   graphql-ws's 4500 and {@link INTERNAL_ERROR_CLOSE_REASON}, never the error's own message.
 * - a send that failed (the peer reset the connection while it was written): logged at debug and not passed
 *   to graphql-ws, which would take it for a failed message. The connection is gone, so the socket's close
 *   follows and ends its operations.
 * - the HTTP server's errors, which `ws` re-emits on `wsServer` (a connection it could not accept): logged by
 *   the server itself (`listenHttp`), and ignored here, so open sockets stay open. graphql-ws's listener closed
 *   every socket and, being `once`, left the next one to be thrown out of the server.
 *
 * Keep-alive is not here: the gateway's own pings tell a slow consumer from a dead peer (`keepSocketsAlive`).
 */
export function serveGraphQLOverWebSocket<P extends Record<string, unknown>>(
  wsServer: WebSocketServer,
  options: ServerOptions<P, SocketExtra>,
  logger: Logger,
): void {
  const server = makeServer<P, SocketExtra>(options);
  const log = sampledLog(logger);
  wsServer.options.handleProtocols = handleProtocols;
  wsServer.on("error", () => {});
  wsServer.on("connection", (socket, request) => {
    socket.on("error", (error: Error & { code?: string }) => {
      logger.debug({ code: error.code }, `WebSocket closed: ${error.message}`);
    });
    const closed = server.opened(
      {
        protocol: socket.protocol,
        send: (data) =>
          new Promise<void>((resolve) => {
            if (socket.readyState !== socket.OPEN) return resolve();
            socket.send(data, (error) => {
              if (error)
                logger.debug(
                  { code: (error as { code?: string }).code },
                  `WebSocket send failed: ${error.message}`,
                );
              resolve();
            });
          }),
        close: (code, reason) => socket.close(code, reason),
        onMessage: (handle) =>
          socket.on("message", async (data) => {
            try {
              await handle(String(data));
            } catch (error) {
              log.write(
                "error",
                errorKind(error),
                { error: errorLogRecord(error) },
                "a WebSocket message failed (the socket was closed with 4500)",
              );
              socket.close(CloseCode.InternalServerError, INTERNAL_ERROR_CLOSE_REASON);
            }
          }),
      },
      { socket, request },
    );
    socket.once("close", (code, reason) => {
      closed(code, String(reason)).catch((error: unknown) =>
        log.write(
          "error",
          errorKind(error),
          { error: errorLogRecord(error) },
          "closing a WebSocket's operations failed",
        ),
      );
    });
  });
}
