import type { IncomingMessage } from "node:http";
import type { Socket } from "node:net";
import type { WebSocket, WebSocketServer } from "ws";

/** Options for {@link keepSocketsAlive}. */
export interface SocketKeepAliveOptions {
  /** How often every open socket is pinged, in ms. */
  intervalMs: number;
  /**
   * A socket did not answer the previous ping although the gateway kept sending to it: the client stopped
   * reading, or reads more than an interval behind. Close it with a code the client can act on.
   */
  onSlowConsumer(socket: WebSocket): void;
}

/** A running keep-alive; `stop` ends it. */
export interface SocketKeepAlive {
  stop(): void;
}

/** What the keep-alive knows of one socket. */
interface Probe {
  /** The TCP connection under the WebSocket (its byte count tells whether data went out). */
  transport: Socket;
  /** Whether the last ping was answered. */
  answered: boolean;
  /** `transport.bytesWritten` just after the last ping. */
  writtenAtPing: number;
}

/**
 * Ping every open socket of `server` each `intervalMs`. One that has not answered the previous ping by
 * then is given up. If the gateway sent it anything since that ping (or data still waits for it), it is a
 * slow consumer (`onSlowConsumer`): its client stopped reading, since the ping is queued behind what was
 * already sent. Otherwise it is dead (a peer gone without a close, a half-open TCP connection) and is
 * terminated, which releases its subscriptions at once.
 */
export function keepSocketsAlive(server: WebSocketServer, options: SocketKeepAliveOptions): SocketKeepAlive {
  const probes = new WeakMap<WebSocket, Probe>();
  const onConnection = (socket: WebSocket, request: IncomingMessage) => {
    const probe: Probe = { transport: request.socket, answered: true, writtenAtPing: 0 };
    probes.set(socket, probe);
    socket.on("pong", () => {
      probe.answered = true;
    });
  };
  server.on("connection", onConnection);

  const timer = setInterval(() => {
    for (const socket of server.clients) {
      const probe = probes.get(socket);
      if (!probe || socket.readyState !== socket.OPEN) continue;
      if (!probe.answered) {
        const sentSincePing = probe.transport.bytesWritten > probe.writtenAtPing || socket.bufferedAmount > 0;
        if (sentSincePing) options.onSlowConsumer(socket);
        else socket.terminate();
        continue;
      }
      probe.answered = false;
      socket.ping();
      probe.writtenAtPing = probe.transport.bytesWritten;
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
