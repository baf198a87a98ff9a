import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { isPortInUse, PortInUseError } from "../shared/errors.js";

type RequestHandler = (request: IncomingMessage, response: ServerResponse) => void;

/** The gateway's HTTP listener, bound before anything else starts. */
export interface HttpListener {
  /** Base URL, e.g. `http://127.0.0.1:4000`. */
  readonly url: string;
  readonly server: Server;
  /** Hand requests to `handler` from now on; until then every request is answered 503 with `retry-after`. */
  serve(handler: RequestHandler): void;
  /** Stop listening and drop every open connection. Idempotent. */
  close(): Promise<void>;
}

/**
 * Bind `host:port` at once, so that a taken port fails a start before the database is created or migrated.
 * Fails with {@link PortInUseError} naming the `PORT` setting.
 */
export async function listenHttp(host: string, port: number): Promise<HttpListener> {
  let handler: RequestHandler | undefined;
  const server = createServer((request, response) => {
    if (handler) return handler(request, response);
    response.writeHead(503, { "retry-after": "1" }).end();
  });
  const url = await new Promise<string>((resolve, reject) => {
    const onError = (error: Error) =>
      reject(isPortInUse(error) ? new PortInUseError(port, "PORT", { cause: error }) : error);
    server.once("error", onError);
    server.listen(port, host, () => {
      server.off("error", onError);
      const address = server.address() as AddressInfo;
      const shownHost = address.family === "IPv6" ? `[${address.address}]` : address.address;
      resolve(`http://${shownHost}:${address.port}`);
    });
  });
  let closing: Promise<void> | undefined;
  return {
    url,
    server,
    serve(next) {
      handler = next;
    },
    close() {
      closing ??= new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      });
      return closing;
    },
  };
}
