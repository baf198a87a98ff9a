import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { isPortInUse, PortInUseError } from "../shared/errors.js";
import type { Logger } from "../shared/logger.js";
import { sampledLog } from "../shared/sampled-log.js";
import { DiscardableRequest, LingeringResponse } from "./unread-body.js";

/** A Node request listener, as `serve` takes it. */
export type RequestHandler = (request: IncomingMessage, response: ServerResponse) => void;

/** An answer the server gives by itself, before any handler sees the request. */
export interface EarlyAnswer {
  status: number;
  headers?: Record<string, string>;
  /** JSON text. */
  body: string;
}

/** The largest body a path accepts, and the 413 answer beyond it. */
export interface BodyLimit {
  maxBytes: number;
  tooLarge: EarlyAnswer;
  /**
   * Whether the path's handler reads (and bounds) bodies itself; for one that does not, the server counts a
   * streamed body before handing the request over.
   */
  readsBody: boolean;
  /** Told of a declared length over `maxBytes`, refused by the server before any handler. */
  onTooLarge?: (request: IncomingMessage, declaredBytes: number) => void;
}

/** How the server treats request bodies before any handler. */
export interface BodyPolicy {
  limitFor(path: string): BodyLimit;
  /**
   * Asked before the body is read: an answer refuses the request there (a source over its budget); undefined
   * lets it through. Synchronous undefined for paths it does not watch, so that they pay no promise.
   */
  admit?(request: IncomingMessage, path: string): Promise<EarlyAnswer | undefined> | undefined;
  /** Told when `admit` failed; the request is then let through. */
  onAdmitError?(error: unknown): void;
}

/** The path of a request target (`/notify/?x=1` → `/notify`), as the routes match it. */
export function pathOf(target: string | undefined): string {
  const raw = (target ?? "/").split("?", 1)[0] ?? "/";
  return raw.length > 1 ? raw.replace(/\/+$/, "") || "/" : raw;
}

/** Answer `answer` before reading the body; the rest of the body is discarded (bounded), then the connection closes. */
function answerEarly(request: IncomingMessage, response: ServerResponse, answer: EarlyAnswer): void {
  if (request instanceof DiscardableRequest) request.discardBody();
  response.writeHead(answer.status, {
    ...answer.headers,
    "content-type": "application/json; charset=utf-8",
    "content-length": String(Buffer.byteLength(answer.body)),
  });
  response.end(answer.body);
}

/**
 * `handler` behind the body `policy`: a request `admit` refuses is answered its refusal first (a source over
 * its budget learns nothing more), then a declared length over the path's limit is answered 413, both
 * without reading the body and without any handler. A body streamed past the limit is the route's to refuse
 * (it reads it); either way a refused body is discarded up to a bound after the answer, and the connection
 * is then closed (unread-body.ts), never reset.
 */
export function guardRequestBodies(handler: RequestHandler, policy: BodyPolicy): RequestHandler {
  return (request, response) => {
    const path = pathOf(request.url);
    const limit = policy.limitFor(path);
    const declared = request.headers["content-length"];
    const next = () => {
      if (declared !== undefined && Number(declared) > limit.maxBytes) {
        limit.onTooLarge?.(request, Number(declared));
        return answerEarly(request, response, limit.tooLarge);
      }
      if (!limit.readsBody && declared === undefined && request.headers["transfer-encoding"] !== undefined) {
        return countStreamedBody(request, response, limit, () => handler(request, response));
      }
      handler(request, response);
    };
    const admission = policy.admit?.(request, path);
    if (admission === undefined) return next();
    admission.then(
      (refusal) => (refusal ? answerEarly(request, response, refusal) : next()),
      (error: unknown) => {
        policy.onAdmitError?.(error);
        next();
      },
    );
  };
}

/**
 * For a path whose handler reads no body: read and count a streamed one first, answering 413 once it
 * passes the limit, and hand the request over once it ended within it.
 */
function countStreamedBody(
  request: IncomingMessage,
  response: ServerResponse,
  limit: BodyLimit,
  then: () => void,
): void {
  let size = 0;
  const onData = (chunk: Buffer) => {
    size += chunk.byteLength;
    if (size <= limit.maxBytes) return;
    request.off("data", onData).off("end", then);
    answerEarly(request, response, limit.tooLarge);
  };
  request.on("data", onData).once("end", then);
}

/** `handler`, setting `headers` on every response first; `handler` itself when there are none. */
export function withResponseHeaders(
  headers: Readonly<Record<string, string>> | undefined,
  handler: RequestHandler,
): RequestHandler {
  const entries = Object.entries(headers ?? {});
  if (entries.length === 0) return handler;
  return (request, response) => {
    for (const [name, value] of entries) response.setHeader(name, value);
    handler(request, response);
  };
}

/** The gateway's HTTP listener, bound before anything else starts. */
export interface HttpListener {
  /** Base URL, e.g. `http://127.0.0.1:4000`. */
  readonly url: string;
  readonly server: Server;
  /**
   * Hand requests to `handler` (the gateway's: behind {@link guardRequestBodies}) from now on; until then
   * every request is answered 503 with `retry-after`.
   */
  serve(handler: RequestHandler): void;
  /** Stop listening and drop every open connection. Idempotent. */
  close(): Promise<void>;
}

/**
 * Bind `host:port` at once, so that a taken port fails a start before the database is created or migrated.
 * Fails with {@link PortInUseError} naming the `PORT` setting. Requests and responses are the classes of
 * unread-body.ts: a refused body never ends in a TCP reset.
 *
 * Once listening, the server emits `error` only when accepting a connection failed in a way libuv does not
 * absorb itself (out of file descriptors, it accepts and closes the connection): out of memory or buffers
 * (ENOMEM, ENOBUFS), refused by a firewall (EPERM). It keeps listening, and the error is logged (a warning,
 * sampled). Without a listener, Node would throw the error out of the server and stop the process.
 */
export async function listenHttp(host: string, port: number, logger: Logger): Promise<HttpListener> {
  let handler: RequestHandler | undefined;
  const server = createServer(
    { IncomingMessage: DiscardableRequest, ServerResponse: LingeringResponse },
    (request, response) => {
      if (handler) return handler(request, response);
      response.writeHead(503, { "retry-after": "1" }).end();
    },
  );
  const url = await new Promise<string>((resolve, reject) => {
    const onError = (error: Error) =>
      reject(isPortInUse(error) ? new PortInUseError(port, "PORT", { cause: error }) : error);
    server.once("error", onError);
    server.listen(port, host, () => {
      server.off("error", onError);
      server.on("error", (error) =>
        sampledLog(logger).write(
          "warn",
          "http-accept-failed",
          { err: error },
          "the HTTP server could not accept a connection (it keeps listening)",
        ),
      );
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
