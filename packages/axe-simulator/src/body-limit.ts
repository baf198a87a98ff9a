import type { HttpBindings } from "@hono/node-server";
import type { Context, MiddlewareHandler } from "hono";
import { bodyLimit } from "hono/body-limit";

type Env = { Bindings: HttpBindings };
/** Options of Hono's `bodyLimit` (the type is not exported). */
type BodyLimitOptions = Parameters<typeof bodyLimit>[0];

/**
 * Hono's `bodyLimit`, made to work on `@hono/node-server` with `overrideGlobalObjects: false` (the simulator
 * leaves Node's global `Request` alone). For a body without `Content-Length`, `bodyLimit` reads it and wraps it in
 * `new Request(c.req.raw, …)` with the global `Request`, which cannot copy node-server's lightweight request and
 * throws: every such request answered 500. A request with neither `Content-Length` nor `Transfer-Encoding` has no
 * body (RFC 9112 §6.3), so it skips the limit; a chunked one is handed to `bodyLimit` as a native `Request`.
 */
export function limitBody(options: BodyLimitOptions): MiddlewareHandler<Env> {
  const limit = bodyLimit(options);
  return (c: Context<Env>, next) => {
    const raw = c.req.raw;
    const chunked = raw.headers.has("transfer-encoding");
    if (!chunked && !raw.headers.has("content-length")) return next();
    if (chunked) {
      c.req.raw = new Request(raw.url, {
        method: raw.method,
        headers: raw.headers,
        body: raw.body,
        duplex: "half",
      } as RequestInit);
    }
    return limit(c, next);
  };
}
