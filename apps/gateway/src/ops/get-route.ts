import type { Plugin } from "graphql-yoga";

/** A JSON answer of the operations routes; never cached (it describes this instant). */
export function jsonResponse(status: number, body: unknown, headers: Record<string, string> = {}): Response {
  return new Response(JSON.stringify(body), {
    status,
    headers: { "content-type": "application/json", "cache-control": "no-store", ...headers },
  });
}

/** What the server adapter gives a request besides itself: Node's request and response, when served by Node. */
export interface GetRouteServerContext {
  req?: unknown;
  res?: { destroy(error?: Error): unknown } | undefined;
}

/**
 * A Yoga plugin answering GET (and HEAD) on one path with `handle`, before anything of GraphQL runs (no
 * credentials asked, no body read). Another method answers 405 with `Allow`. A trailing slash is ignored.
 */
export function useGetRoute(
  path: string,
  handle: (request: Request, serverContext: GetRouteServerContext) => Promise<Response> | Response,
): Plugin {
  return {
    async onRequest({ request, url, endResponse, serverContext }) {
      const requested = url.pathname.length > 1 ? url.pathname.replace(/\/+$/, "") : url.pathname;
      if (requested !== path) return;
      if (request.method !== "GET" && request.method !== "HEAD") {
        endResponse(jsonResponse(405, { error: `${path} answers GET only.` }, { allow: "GET, HEAD" }));
        return;
      }
      endResponse(await handle(request, (serverContext ?? {}) as GetRouteServerContext));
    },
  };
}
