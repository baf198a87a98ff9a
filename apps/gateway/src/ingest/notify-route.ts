import type { IncomingMessage } from "node:http";
import type { Plugin } from "graphql-yoga";
import type { BodyRoute } from "../http/body-policy.js";
import { pathOf } from "../http/http-server.js";
import type { NotifyAdmission } from "./notify-admission.js";
import { MAX_NOTIFY_BODY_BYTES, NOTIFY_PATHS, type NotifyHandler } from "./notify-handler.js";
import type { NotifyReply, NotifyRequest } from "./notify-request.js";
import { readBodyWithLimit } from "./read-body.js";
import { tooLargeAnswer } from "./responses.js";

/**
 * The HTTP server's body rules for the webhook paths: {@link MAX_NOTIFY_BODY_BYTES}, the platform-style 413,
 * and `admission` (a source over its budget of refused pushes gets 429 before its body is read; a declared
 * length over the limit counts against the budget).
 */
export function notifyBodyRoute(admission: NotifyAdmission): BodyRoute {
  return {
    paths: NOTIFY_PATHS,
    maxBytes: MAX_NOTIFY_BODY_BYTES,
    tooLarge: { status: 413, body: JSON.stringify(tooLargeAnswer(MAX_NOTIFY_BODY_BYTES)) },
    admit: admission.admit,
    onTooLarge: admission.refusedTooLarge,
  };
}

/** A fetch `Request` as the webhook's handler reads it; `source` is its client address, if known. */
export function notifyRequestOf(request: Request, source: string | null = null): NotifyRequest {
  return {
    method: request.method,
    path: pathOf(new URL(request.url).pathname),
    headers: Object.fromEntries(request.headers),
    source,
    readBody: (maxBytes) => readBodyWithLimit(request, maxBytes),
  };
}

/** The handler's reply as a fetch `Response`. */
export function fetchResponseOf(reply: NotifyReply): Response {
  return new Response(reply.body, { status: reply.status, headers: reply.headers });
}

/**
 * The webhook paths ({@link NOTIFY_PATHS}) as a Yoga plugin, for requests handed to Yoga itself
 * (`yoga.fetch` in-process, or Yoga mounted on a server of one's own); over the gateway's HTTP server,
 * notify-http-route.ts answers them before Yoga. `sourceOf` gives the client address of a request that came
 * over a socket.
 */
export function useNotifyRoute(
  handle: NotifyHandler,
  sourceOf?: (request: IncomingMessage) => string | null,
): Plugin {
  const paths = new Set(NOTIFY_PATHS);
  return {
    async onRequest({ request, url, endResponse, serverContext }) {
      if (!paths.has(pathOf(url.pathname))) return;
      const nodeRequest = (serverContext as { req?: IncomingMessage } | undefined)?.req;
      const source = nodeRequest && sourceOf ? sourceOf(nodeRequest) : null;
      endResponse(fetchResponseOf(await handle(notifyRequestOf(request, source))));
    },
  };
}
