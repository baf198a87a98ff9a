import type { WebSocket, WebSocketServer } from "ws";

/** Options for {@link keepSocketsAlive}. */
export interface SocketKeepAliveOptions {
  /** How often every open socket is pinged, in ms. */
  intervalMs: number;
  /**
   * A socket did not answer the previous ping and data is waiting to be written to it: the client stopped
   * reading (or reads too slowly to keep up). Close it with a code the client can act on.
   */
  onSlowConsumer(socket: WebSocket): void;
}

/** A running keep-alive; `stop` ends it. */
export interface SocketKeepAlive {
  stop(): void;
}

/**
 * Ping every open socket of `server` each `intervalMs`. One that has not answered the previous ping by
 * then is given up: if data is waiting for it, it is a slow consumer (`onSlowConsumer`); otherwise it is
 * dead (a peer gone without a close, a half-open TCP connection) and is terminated, which releases its
 * subscriptions at once. A pong counts for whichever ping it answers: the ping is a progress probe, queued
 * behind everything already sent.
 */
export function keepSocketsAlive(server: WebSocketServer, options: SocketKeepAliveOptions): SocketKeepAlive {
  const answered = new WeakMap<WebSocket, boolean>();
  const onConnection = (socket: WebSocket) => {
    answered.set(socket, true);
    socket.on("pong", () => answered.set(socket, true));
  };
  server.on("connection", onConnection);

  const timer = setInterval(() => {
    for (const socket of server.clients) {
      if (socket.readyState !== socket.OPEN) continue;
      if (answered.get(socket) === false) {
        if (socket.bufferedAmount > 0) options.onSlowConsumer(socket);
        else socket.terminate();
        continue;
      }
      answered.set(socket, false);
      socket.ping();
    }
  }, options.intervalMs);
  timer.unref();

  return {
    stop() {
      clearInterval(timer);
      server.off("connection", onConnection);
    },
  };
}
