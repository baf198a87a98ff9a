import type { CORSOptions } from "graphql-yoga";

/** Which browser pages may call the gateway: its own, and those of the configured origins. */
export interface OriginPolicy {
  /** Whether a request carrying `origin` (absent: not from a browser page) to `host` may proceed. */
  allows(origin: string | null | undefined, host: string | null | undefined): boolean;
  /** Yoga's `cors` option: CORS headers for configured origins only, never an echo of any other. */
  cors(request: Request): CORSOptions;
}

/** How long a browser may keep a successful preflight, in seconds. */
const PREFLIGHT_MAX_AGE_SECONDS = 600;

/**
 * The origin rules of `GATEWAY_CORS_ORIGINS`, shared by CORS over HTTP and the WebSocket upgrade (which CORS
 * does not cover). A page of the gateway itself (GraphiQL, the console) is same-origin: its `Origin` names the
 * host it was loaded from, the `Host` the request reaches.
 */
export function createOriginPolicy(allowedOrigins: readonly string[]): OriginPolicy {
  const allowed = new Set(allowedOrigins);
  const sameOrigin = (origin: string, host: string | null | undefined) =>
    host !== null &&
    host !== undefined &&
    URL.canParse(origin) &&
    new URL(origin).host === host.toLowerCase();
  return {
    allows(origin, host) {
      return origin === null || origin === undefined || allowed.has(origin) || sameOrigin(origin, host);
    },
    cors(request) {
      const origin = request.headers.get("origin");
      if (origin === null || !allowed.has(origin)) return false;
      return {
        origin: [origin],
        methods: ["GET", "POST"],
        allowedHeaders: ["authorization", "content-type", "accept"],
        // Credentials are bearer tokens sent by the page's code, never cookies.
        credentials: false,
        maxAge: PREFLIGHT_MAX_AGE_SECONDS,
      };
    },
  };
}
