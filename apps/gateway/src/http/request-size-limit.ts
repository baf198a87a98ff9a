import { GraphQLError } from "graphql";
import type { Plugin } from "graphql-yoga";
import type { BodyRoute } from "./body-policy.js";

/** Options for {@link useRequestSizeLimit}. */
export interface RequestSizeLimitOptions {
  /** Path the limit applies to. */
  path: string;
  /** Largest body accepted, in bytes. */
  maxBytes: number;
}

const DIGITS = /^\d+$/;

/** Largest GraphQL request body accepted over HTTP (the server refuses a declared length over it at once). */
export const MAX_GRAPHQL_BODY_BYTES = 256 * 1024;

/** The JSON of a 413 answer to a GraphQL request, as Yoga writes errors. */
export function tooLargeGraphQLBody(maxBytes: number): string {
  return JSON.stringify({
    errors: [
      {
        message: `Request body exceeds ${maxBytes} bytes.`,
        extensions: { code: "REQUEST_ENTITY_TOO_LARGE" },
      },
    ],
  });
}

/** The HTTP server's body rules for the GraphQL endpoint `path`: {@link MAX_GRAPHQL_BODY_BYTES}. */
export function graphqlBodyRoute(path: string): BodyRoute {
  return {
    paths: [path],
    maxBytes: MAX_GRAPHQL_BODY_BYTES,
    tooLarge: { status: 413, body: tooLargeGraphQLBody(MAX_GRAPHQL_BODY_BYTES) },
  };
}

function tooLarge(maxBytes: number): GraphQLError {
  return new GraphQLError(`Request body exceeds ${maxBytes} bytes.`, {
    extensions: { http: { status: 413 }, code: "REQUEST_ENTITY_TOO_LARGE" },
  });
}

/** `request` with a body that fails with 413 once more than `maxBytes` arrive. */
function limitStreamedBody(
  request: Request,
  maxBytes: number,
  fetchAPI: { Request: typeof Request; TransformStream: typeof TransformStream },
): Request {
  const body = request.body;
  if (!body) return request;
  // A native stream must be piped through the native TransformStream, a ponyfilled one through the ponyfill.
  const Transform = body instanceof ReadableStream ? globalThis.TransformStream : fetchAPI.TransformStream;
  let received = 0;
  const limited = body.pipeThrough(
    new Transform<Uint8Array, Uint8Array>({
      transform(chunk, controller) {
        received += chunk.byteLength;
        if (received > maxBytes) controller.error(tooLarge(maxBytes));
        else controller.enqueue(chunk);
      },
    }),
  );
  return new fetchAPI.Request(request.url, {
    method: request.method,
    headers: request.headers,
    signal: request.signal,
    body: limited,
    duplex: "half",
  } as RequestInit);
}

/**
 * Refuse GraphQL requests whose body exceeds `maxBytes` with 413: at once when the declared length is over
 * (over a socket the HTTP server already did, see {@link graphqlBodyRoute}; this covers requests handed to
 * Yoga in-process), and while reading when no length is declared (a chunked body). A body with a valid declared length needs no
 * counting: Node's HTTP parser delivers exactly that many bytes. This replaces Yoga's own limit
 * (`maxRequestBodySize`, turn it off), which pipes every body through a counting stream, a cost every request
 * pays (docs/performance-notes.md). A GraphQL document this large is never legitimate here.
 */
export function useRequestSizeLimit(options: RequestSizeLimitOptions): Plugin {
  return {
    onRequest({ request, url, endResponse }) {
      if (url.pathname !== options.path) return;
      const declared = Number(request.headers.get("content-length") ?? 0);
      if (declared > options.maxBytes) {
        endResponse(
          new Response(tooLargeGraphQLBody(options.maxBytes), {
            status: 413,
            headers: { "content-type": "application/json" },
          }),
        );
      }
    },
    onRequestParse({ request, requestParser, setRequestParser, fetchAPI }) {
      const declared = request.headers.get("content-length");
      if (declared !== null) {
        if (!DIGITS.test(declared)) {
          throw new GraphQLError("Content-Length header is invalid.", {
            extensions: { http: { status: 400 }, code: "BAD_REQUEST" },
          });
        }
        if (Number(declared) > options.maxBytes) throw tooLarge(options.maxBytes);
        return;
      }
      if (!requestParser || !request.body) return;
      const parse = requestParser;
      setRequestParser((req) => parse(limitStreamedBody(req, options.maxBytes, fetchAPI)));
    },
  };
}
