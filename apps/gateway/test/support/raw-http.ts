import { connect } from "node:net";

/** What a raw HTTP/1.1 exchange gave: the parsed answer, how much body went out, and how the socket ended. */
export interface RawExchange {
  /** The status code of the answer, or null when none arrived. */
  status: number | null;
  /** Header names in lower case. */
  headers: Record<string, string>;
  /** The answer's body (chunked bodies decoded). */
  body: string;
  /** Whether the answer arrived whole (its declared length, or a chunked body's last chunk). */
  complete: boolean;
  /** Body bytes the client managed to send. */
  sent: number;
  /** The socket error the client saw (ECONNRESET, EPIPE …), if any. */
  error: NodeJS.ErrnoException | undefined;
}

/** Options for {@link rawExchange}. */
export interface RawExchangeOptions {
  /** The gateway's base URL (`http://127.0.0.1:port`). */
  url: string;
  path: string;
  /** Extra request headers. */
  headers?: Record<string, string>;
  /** Body bytes to send (spaces), in 64 KiB writes, as long as the socket takes them. */
  bodyBytes: number;
  /** Declare this length (default: `bodyBytes`); `"chunked"` sends the body chunked, without a length. */
  declare?: number | "chunked";
  /** Connect from this local address (any of 127.0.0.0/8 on Linux). */
  localAddress?: string;
}

const CHUNK = Buffer.alloc(64 * 1024, 0x20);

/** Decode an HTTP/1.1 answer from the bytes received; `complete` says whether it arrived whole. */
function parseAnswer(raw: Buffer): Pick<RawExchange, "status" | "headers" | "body" | "complete"> {
  const text = raw.toString("latin1");
  const headEnd = text.indexOf("\r\n\r\n");
  if (headEnd < 0) return { status: null, headers: {}, body: "", complete: false };
  const [statusLine = "", ...lines] = text.slice(0, headEnd).split("\r\n");
  const headers: Record<string, string> = {};
  for (const line of lines) {
    const colon = line.indexOf(":");
    headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
  }
  const status = Number(statusLine.split(" ")[1]);
  let rest = raw.subarray(headEnd + 4);
  if (headers["transfer-encoding"] === "chunked") {
    const parts: Buffer[] = [];
    for (;;) {
      const lineEnd = rest.indexOf("\r\n");
      if (lineEnd < 0) return { status, headers, body: Buffer.concat(parts).toString(), complete: false };
      const size = Number.parseInt(rest.subarray(0, lineEnd).toString(), 16);
      if (size === 0) return { status, headers, body: Buffer.concat(parts).toString(), complete: true };
      parts.push(rest.subarray(lineEnd + 2, lineEnd + 2 + size));
      rest = rest.subarray(lineEnd + 2 + size + 2);
    }
  }
  const length = Number(headers["content-length"] ?? Number.NaN);
  return {
    status,
    headers,
    body: rest.subarray(0, length).toString(),
    complete: rest.byteLength >= length,
  };
}

/**
 * Send one request over a raw `node:net` socket: headers, then the body in 64 KiB writes (waiting for
 * `drain`), stopping when the socket closes or fails. Resolves once the socket closed (or after `timeoutMs`,
 * a generous bound for liveness only), with the answer as received and the error the client saw.
 */
export function rawExchange(options: RawExchangeOptions, timeoutMs = 30_000): Promise<RawExchange> {
  const { hostname, port } = new URL(options.url);
  const declare = options.declare ?? options.bodyBytes;
  return new Promise((resolve, reject) => {
    const socket = connect({
      host: hostname,
      port: Number(port),
      ...(options.localAddress ? { localAddress: options.localAddress } : {}),
    });
    const received: Buffer[] = [];
    let sent = 0;
    let error: NodeJS.ErrnoException | undefined;
    let closed = false;
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new Error(`no close within ${timeoutMs} ms (sent ${sent} bytes)`));
    }, timeoutMs);
    socket.on("data", (chunk: Buffer) => received.push(chunk));
    socket.on("error", (e: NodeJS.ErrnoException) => {
      error ??= e;
    });
    socket.on("close", () => {
      closed = true;
      clearTimeout(timer);
      resolve({ ...parseAnswer(Buffer.concat(received)), sent, error });
    });
    const head = [
      `POST ${options.path} HTTP/1.1`,
      `Host: ${hostname}:${port}`,
      "Content-Type: application/json",
      declare === "chunked" ? "Transfer-Encoding: chunked" : `Content-Length: ${declare}`,
      ...Object.entries(options.headers ?? {}).map(([name, value]) => `${name}: ${value}`),
      "",
      "",
    ].join("\r\n");
    socket.once("connect", async () => {
      socket.write(head);
      while (sent < options.bodyBytes && !closed && !socket.destroyed && socket.writable) {
        const piece = CHUNK.subarray(0, Math.min(CHUNK.byteLength, options.bodyBytes - sent));
        const framed =
          declare === "chunked"
            ? Buffer.concat([Buffer.from(`${piece.byteLength.toString(16)}\r\n`), piece, Buffer.from("\r\n")])
            : piece;
        sent += piece.byteLength;
        if (!socket.write(framed)) {
          await new Promise<void>((next) => {
            socket.once("drain", next);
            socket.once("close", next);
          });
        }
      }
      if (declare === "chunked" && !socket.destroyed && socket.writable) socket.write("0\r\n\r\n");
    });
  });
}
