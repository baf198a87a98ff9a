import type { IncomingMessage, ServerResponse } from "node:http";
import { pathOf, type RequestHandler } from "../http/http-server.js";
import type { Logger } from "../shared/logger.js";
import { NOTIFY_PATHS, type NotifyHandler } from "./notify-handler.js";
import type { NotifyReply } from "./notify-request.js";
import { BodyAbortedError, readNodeBodyWithLimit } from "./read-body.js";

/** What {@link routeNotifyRequests} needs. */
export interface NotifyHttpRouteOptions {
  handle: NotifyHandler;
  /** The client address of a request (notify-admission.ts). */
  sourceOf: (request: IncomingMessage) => string | null;
  logger: Logger;
}

function send(response: ServerResponse, reply: NotifyReply): void {
  if (response.headersSent || response.destroyed) return;
  response.writeHead(reply.status, {
    ...reply.headers,
    "content-length": String(Buffer.byteLength(reply.body)),
  });
  response.end(reply.body);
}

/**
 * The webhook paths ({@link NOTIFY_PATHS}) served on Node's request and response, every other path handed
 * to `next` (Yoga). The platform's pushes are the gateway's busiest requests: answered here, each costs no
 * fetch `Request`, body stream or `Response`, nor Yoga's plugin chain (docs/performance-notes.md). The
 * handler is the same as Yoga's route (notify-route.ts); the server's body policy (http-server.ts) has
 * already admitted the request when it gets here.
 */
export function routeNotifyRequests(options: NotifyHttpRouteOptions, next: RequestHandler): RequestHandler {
  const { handle, sourceOf, logger } = options;
  const paths = new Set(NOTIFY_PATHS);
  return (request, response) => {
    const path = pathOf(request.url);
    if (!paths.has(path)) return next(request, response);
    handle({
      method: request.method ?? "",
      path,
      headers: request.headers,
      source: sourceOf(request),
      readBody: (maxBytes) => readNodeBodyWithLimit(request, maxBytes),
    }).then(
      (reply) => send(response, reply),
      (error: unknown) => {
        if (error instanceof BodyAbortedError) return;
        // The handler answers its own failures; this is a bug in it.
        logger.error({ err: error }, "answering a notification failed");
        response.destroy();
      },
    );
  };
}
