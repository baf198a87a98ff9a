import type { AddressInfo } from "node:net";
import { connect, createServer, type Server, type Socket } from "node:net";

/**
 * A TCP proxy to a local port that a test can cut, stall, slow down and reset, to play the faults of a
 * database link: "the database went away", "the link went silent", "the link is slow", "connections were
 * reset".
 */
export interface TcpProxy {
  port: number;
  /** Drop every connection and refuse new ones. */
  cut(): Promise<void>;
  /** Accept connections again on the same port. */
  restore(): Promise<void>;
  /**
   * Stop forwarding bytes in both directions, keeping every socket open (and accepting new connections, whose
   * bytes are held too): a silent link. Nothing is lost; a side that closes meanwhile is noticed on `resume`.
   */
  stall(): void;
  /** Forward again what was held, and everything after it. Also ends a `delay`. */
  resume(): void;
  /** Forward each chunk `ms` after it arrived (in order): a slow link. `delay(0)` is a fast one again. */
  delay(ms: number): void;
  /** Destroy every current connection with a TCP RST; new ones are accepted as usual. */
  reset(): void;
  /** Connections (client-side sockets) currently open through the proxy. */
  readonly connections: number;
  close(): Promise<void>;
}

/** One direction of one connection: chunks wait here for their time (and for the end of a stall). */
interface Lane {
  from: Socket;
  to: Socket;
  held: { chunk: Buffer | null; due: number }[];
  timer: NodeJS.Timeout | undefined;
}

/** Start a proxy from a free local port to `targetHost:targetPort`. */
export async function startTcpProxy(targetPort: number, targetHost = "127.0.0.1"): Promise<TcpProxy> {
  const pairs = new Set<{ client: Socket; upstream: Socket; lanes: Lane[] }>();
  let server: Server | undefined;
  let port = 0;
  let stalled = false;
  let delayMs = 0;

  /** Write every chunk of `lane` that is due, unless stalled; wake up for the next one. */
  const flush = (lane: Lane) => {
    clearTimeout(lane.timer);
    lane.timer = undefined;
    if (stalled) return;
    const now = Date.now();
    while (lane.held.length > 0 && lane.held[0]!.due <= now) {
      const { chunk } = lane.held.shift()!;
      if (chunk === null) lane.to.end();
      else lane.to.write(chunk);
    }
    if (lane.held.length > 0) lane.timer = setTimeout(() => flush(lane), lane.held[0]!.due - now);
  };

  const lane = (from: Socket, to: Socket): Lane => {
    const state: Lane = { from, to, held: [], timer: undefined };
    const hold = (chunk: Buffer | null) => {
      state.held.push({ chunk, due: Date.now() + delayMs });
      flush(state);
    };
    from.on("data", (chunk: Buffer) => hold(chunk));
    from.on("end", () => hold(null));
    if (stalled) from.pause();
    return state;
  };

  const listen = () =>
    new Promise<void>((resolve, reject) => {
      // Half-open allowed: an end from one side travels through the lanes (and waits out a stall) like data.
      const s = createServer({ allowHalfOpen: true }, (client) => {
        const upstream = connect({ port: targetPort, host: targetHost, allowHalfOpen: true });
        const pair = { client, upstream, lanes: [lane(client, upstream), lane(upstream, client)] };
        pairs.add(pair);
        const drop = () => {
          for (const l of pair.lanes) clearTimeout(l.timer);
          client.destroy();
          upstream.destroy();
          pairs.delete(pair);
        };
        client.on("error", drop).on("close", drop);
        upstream.on("error", drop).on("close", drop);
      });
      s.once("error", reject);
      s.listen(port, "127.0.0.1", () => {
        port = (s.address() as AddressInfo).port;
        server = s;
        resolve();
      });
    });

  const cut = async () => {
    const s = server;
    server = undefined;
    for (const { client, upstream } of pairs) {
      client.destroy();
      upstream.destroy();
    }
    pairs.clear();
    if (s) await new Promise<void>((resolve) => s.close(() => resolve()));
  };

  await listen();
  return {
    get port() {
      return port;
    },
    get connections() {
      return pairs.size;
    },
    cut,
    restore: listen,
    stall() {
      stalled = true;
      // Paused sockets read nothing more: what the peers send waits in the kernel, and a peer that closes
      // is not noticed, as over a link that went silent.
      for (const pair of pairs) for (const l of pair.lanes) l.from.pause();
    },
    resume() {
      stalled = false;
      delayMs = 0;
      for (const pair of pairs)
        for (const l of pair.lanes) {
          for (const held of l.held) held.due = 0;
          l.from.resume();
          flush(l);
        }
    },
    delay(ms) {
      delayMs = ms;
    },
    reset() {
      for (const { client, upstream } of [...pairs]) {
        client.resetAndDestroy();
        upstream.resetAndDestroy();
      }
    },
    close: cut,
  };
}
