import type { Plugin } from "graphql-yoga";
import type { ConsoleBundle, ConsoleFile } from "./console-bundle.js";

/** Where the console is served: its pages and assets, under one prefix of the gateway's own origin. */
export const CONSOLE_PATH = "/console/";

/**
 * The console's pages may load and reach only the gateway itself: scripts, styles, the API (HTTP and
 * WebSocket: CSP 3 lets 'self' match ws: on the same host) and recordings. No inline script or style, no
 * frame, no form posted elsewhere.
 */
export const CONSOLE_CONTENT_SECURITY_POLICY = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "media-src 'self'",
  "connect-src 'self'",
  "font-src 'self'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join("; ");

const SECURITY_HEADERS: Readonly<Record<string, string>> = {
  "content-security-policy": CONSOLE_CONTENT_SECURITY_POLICY,
  "x-content-type-options": "nosniff",
  "referrer-policy": "no-referrer",
  "cross-origin-opener-policy": "same-origin",
};

function text(status: number, body: string, headers: Record<string, string> = {}): Response {
  return new Response(body, {
    status,
    headers: { "content-type": "text/plain; charset=utf-8", "cache-control": "no-store", ...headers },
  });
}

// The file a path under the prefix names; a client-side route (no extension in its last segment) gets
// index.html, so that a reload or a shared link of /console/calls opens the console there.
function fileFor(
  bundle: Extract<ConsoleBundle, { available: true }>,
  subpath: string,
): ConsoleFile | undefined {
  if (subpath === "") return bundle.index;
  const file = bundle.files.get(subpath);
  if (file) return file;
  const last = subpath.slice(subpath.lastIndexOf("/") + 1);
  return last.includes(".") ? undefined : bundle.index;
}

function acceptsGzip(request: Request): boolean {
  return /\bgzip\b/i.test(request.headers.get("accept-encoding") ?? "");
}

function answerFile(request: Request, file: ConsoleFile): Response {
  const headers: Record<string, string> = {
    ...SECURITY_HEADERS,
    "content-type": file.contentType,
    etag: file.etag,
    // Hashed assets never change; the page itself is checked again each time (cheap: 304).
    "cache-control": file.immutable ? "public, max-age=31536000, immutable" : "no-cache",
    vary: "accept-encoding",
  };
  if (request.headers.get("if-none-match") === file.etag) return new Response(null, { status: 304, headers });
  const gzipped = acceptsGzip(request) ? file.gzipped() : undefined;
  const body = gzipped ?? file.body;
  if (gzipped) headers["content-encoding"] = "gzip";
  headers["content-length"] = String(body.byteLength);
  return new Response(request.method === "HEAD" ? null : new Uint8Array(body), { status: 200, headers });
}

/**
 * The built console under `/console/`, as static files that need no credentials (the data behind them does):
 * `/` and `/console` redirect there. GET and HEAD only; strong ETags (304), gzip when accepted, hashed assets
 * cached for a year, and a Content-Security-Policy that keeps the page on the gateway's origin. Without a build,
 * `/console/` answers 503 saying how to build it.
 */
export function useConsoleRoute(bundle: ConsoleBundle): Plugin {
  return {
    onRequest({ request, url, endResponse }) {
      const { pathname } = url;
      if (pathname === "/" || pathname === "/console") {
        if (request.method === "GET" || request.method === "HEAD") {
          endResponse(new Response(null, { status: 302, headers: { location: CONSOLE_PATH } }));
        }
        return;
      }
      if (!pathname.startsWith(CONSOLE_PATH)) return;
      if (request.method !== "GET" && request.method !== "HEAD") {
        endResponse(text(405, "The console answers GET and HEAD only.\n", { allow: "GET, HEAD" }));
        return;
      }
      if (!bundle.available) {
        endResponse(
          text(503, `The console is unavailable: ${bundle.reason}. Build it with \`pnpm build\`.\n`),
        );
        return;
      }
      let subpath: string;
      try {
        subpath = decodeURIComponent(pathname.slice(CONSOLE_PATH.length));
      } catch {
        endResponse(text(400, "The path is not valid percent-encoding.\n"));
        return;
      }
      const file = fileFor(bundle, subpath);
      endResponse(file ? answerFile(request, file) : text(404, "No such file in the console.\n"));
    },
  };
}
