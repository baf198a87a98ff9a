import { createServer, type IncomingHttpHeaders, type Server } from "node:http";
import { type AddressInfo, connect } from "node:net";
import { type Scheme, signUsernameToken } from "@privnum/wsse-auth";
import { createSimulator, type Simulator, type SimulatorConfig } from "../src/index.js";

/** Fixed virtual start so that timestamps in assertions are known. */
export const START = new Date("2026-01-27T08:00:00Z");

export const APP_KEY = "privnum-sim-app";
export const APP_SECRET = "privnum-sim-secret";
export const X1 = "+8617000000001";
export const X2 = "+8617000000002";

/** Starts a simulator on 127.0.0.1:0 with frozen virtual time (moved only by the test). */
export async function startSimulator(config: SimulatorConfig = {}): Promise<Simulator> {
  const sim = createSimulator({ timeScale: 0, startTime: START, ...config });
  await sim.start();
  return sim;
}

export interface PlatformCall {
  method?: "GET" | "POST" | "PUT" | "DELETE" | "PATCH" | "HEAD" | "OPTIONS";
  path?: string;
  /** Query parameters, percent-encoded properly (`+` → `%2B`). */
  query?: Record<string, string>;
  /** A raw query string, sent as is. */
  rawQuery?: string;
  body?: unknown;
  scheme?: Scheme;
  appKey?: string;
  appSecret?: string;
  /** Replaces the signed headers entirely. */
  headers?: Record<string, string>;
  created?: string;
}

export interface PlatformAnswer {
  status: number;
  body: Record<string, unknown>;
  headers: Headers;
}

/** Sends a request signed by `@privnum/wsse-auth` and decodes the JSON answer. */
export async function call(sim: Simulator, req: PlatformCall = {}): Promise<PlatformAnswer> {
  const path = req.path ?? "/rest/caas/extendnumber/v1.0";
  const qs = req.rawQuery ?? (req.query ? new URLSearchParams(req.query).toString() : "");
  const headers =
    req.headers ??
    signUsernameToken({
      appKey: req.appKey ?? APP_KEY,
      appSecret: req.appSecret ?? APP_SECRET,
      scheme: req.scheme ?? "aksk",
      ...(req.created ? { created: req.created } : {}),
    }).headers;
  const res = await fetch(`${sim.url}${path}${qs ? `?${qs}` : ""}`, {
    method: req.method ?? (req.body !== undefined ? "POST" : "GET"),
    headers,
    ...(req.body !== undefined
      ? { body: typeof req.body === "string" ? req.body : JSON.stringify(req.body) }
      : {}),
    redirect: "manual",
  });
  const text = await res.text();
  let body: Record<string, unknown> = {};
  if (text.length > 0) {
    try {
      body = JSON.parse(text) as Record<string, unknown>;
    } catch {
      body = { raw: text };
    }
  }
  return { status: res.status, body, headers: res.headers };
}

/** Binds and expects success; returns the bind answer. */
export async function bind(
  sim: Simulator,
  body: Record<string, unknown>,
  opts: Partial<PlatformCall> = {},
): Promise<Record<string, unknown>> {
  const res = await call(sim, { method: "POST", body: { virtualNum: X1, ...body }, ...opts });
  if (res.body.resultcode !== "0") throw new Error(`bind failed: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body;
}

export interface ReceivedPush {
  path: string;
  headers: IncomingHttpHeaders;
  raw: string;
  body: Record<string, unknown>;
}

/** A push receiver: records every POST and answers with `status(request)` (default 200), which may wait. */
export interface Receiver {
  url: string;
  received: ReceivedPush[];
  respondWith(fn: (push: ReceivedPush) => number | Promise<number>): void;
  close(): Promise<void>;
}

export async function startReceiver(): Promise<Receiver> {
  let respond: (push: ReceivedPush) => number | Promise<number> = () => 200;
  const received: ReceivedPush[] = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", async () => {
      const raw = Buffer.concat(chunks).toString("utf8");
      const push = {
        path: req.url ?? "",
        headers: req.headers,
        raw,
        body: JSON.parse(raw) as Record<string, unknown>,
      };
      received.push(push);
      res.statusCode = await respond(push);
      res.end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    received,
    respondWith: (fn) => {
      respond = fn;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

/** Polls `check` until it returns true (for real-time behaviour); fails after `timeoutMs`. */
export async function waitFor(check: () => boolean, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error("condition not met in time");
    await new Promise((r) => setTimeout(r, 10));
  }
}

/**
 * Sends a request exactly as written over a new connection: `head` is the request line and headers (no Host,
 * Connection or body framing is added beyond `Host` and `Connection: close`), then `body` as is. For the requests
 * `fetch` never makes, e.g. a POST with neither Content-Length nor Transfer-Encoding (`curl -X POST`).
 */
export function rawRequest(url: string, head: string, body = ""): Promise<{ status: number; body: string }> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve, reject) => {
    const socket = connect(Number(port), hostname, () => {
      socket.write(`${head}\r\nHost: ${hostname}:${port}\r\nConnection: close\r\n\r\n${body}`);
    });
    let text = "";
    socket.setEncoding("utf8");
    socket.on("data", (d: string) => {
      text += d;
    });
    socket.on("error", reject);
    socket.on("end", () => {
      const split = text.indexOf("\r\n\r\n");
      resolve({ status: Number(text.split(" ")[1]), body: split < 0 ? "" : text.slice(split + 4) });
    });
  });
}

/** `text` as an HTTP/1.1 chunked body, in chunks of `size` bytes (ASCII text only). */
export function chunked(text: string, size = 16): string {
  let out = "";
  for (let i = 0; i < text.length; i += size) {
    const part = text.slice(i, i + size);
    out += `${part.length.toString(16)}\r\n${part}\r\n`;
  }
  return `${out}0\r\n\r\n`;
}

export const MINUTE = 60_000;
export const HOUR = 3_600_000;
