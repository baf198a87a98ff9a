import type { IncomingMessage } from "node:http";
import type { Plugin } from "graphql-yoga";
import type { BodyRoute } from "../http/body-policy.js";
import type { NotifyAdmission } from "./notify-admission.js";
import {
  createNotifyHandler,
  MAX_NOTIFY_BODY_BYTES,
  NOTIFY_PATHS,
  type NotifyHandlerOptions,
} from "./notify-handler.js";
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

/** Options for {@link useNotifyRoute}. */
export interface NotifyRouteOptions extends NotifyHandlerOptions {
  /** The client address of a request that came through the HTTP server (notify-admission.ts). */
  sourceOf?: (request: IncomingMessage) => string | null;
}

/**
 * A Yoga plugin serving the webhook paths ({@link NOTIFY_PATHS}) next to /graphql, handing the handler the
 * client address of requests that came over a socket (none for `yoga.fetch` in-process).
 */
export function useNotifyRoute(options: NotifyRouteOptions): Plugin {
  const handle = createNotifyHandler(options);
  const paths = new Set(NOTIFY_PATHS);
  const { sourceOf } = options;
  return {
    async onRequest({ request, url, endResponse, serverContext }) {
      const path = url.pathname.length > 1 ? url.pathname.replace(/\/+$/, "") : url.pathname;
      if (!paths.has(path)) return;
      const nodeRequest = (serverContext as { req?: IncomingMessage } | undefined)?.req;
      endResponse(await handle(request, nodeRequest && sourceOf ? sourceOf(nodeRequest) : null));
    },
  };
}
