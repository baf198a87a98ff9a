import type { Plugin } from "graphql-yoga";

/** Options for {@link useRequestSizeLimit}. */
export interface RequestSizeLimitOptions {
  /** Path the limit applies to. */
  path: string;
  /** Largest declared body accepted, in bytes. */
  maxBytes: number;
}

/**
 * Refuse GraphQL requests whose declared body exceeds `maxBytes` with 413 before anything reads them.
 * (Yoga itself has no body limit; a GraphQL document this large is never legitimate here.)
 */
export function useRequestSizeLimit(options: RequestSizeLimitOptions): Plugin {
  return {
    onRequest({ request, url, endResponse }) {
      if (url.pathname !== options.path) return;
      const declared = Number(request.headers.get("content-length") ?? 0);
      if (declared > options.maxBytes) {
        endResponse(
          new Response(
            JSON.stringify({ errors: [{ message: `Request body exceeds ${options.maxBytes} bytes.` }] }),
            {
              status: 413,
              headers: { "content-type": "application/json" },
            },
          ),
        );
      }
    },
  };
}
