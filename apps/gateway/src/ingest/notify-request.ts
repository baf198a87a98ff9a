import type { ReadBodyResult } from "./read-body.js";

/** A push's headers by lower-case name, as Node's `IncomingMessage.headers` holds them. */
export type PushHeaders = Readonly<Record<string, string | readonly string[] | undefined>>;

/**
 * A request to a webhook path as the handler reads it, whichever way it came: over the HTTP server
 * (notify-http-route.ts) or as a fetch `Request` handed to Yoga in-process (notify-route.ts).
 */
export interface NotifyRequest {
  method: string;
  /** The path it was sent to, as the routes match it (no query, no trailing slash). */
  path: string;
  headers: PushHeaders;
  /** The client that sent it (see notify-admission.ts); null when unknown (a request handed over in-process). */
  source: string | null;
  /** Its body, read until it ends or passes `maxBytes` (then given up, see read-body.ts). */
  readBody(maxBytes: number): Promise<ReadBodyResult>;
}

/** The handler's answer: a status, headers and a JSON body. */
export interface NotifyReply {
  status: number;
  headers: Readonly<Record<string, string>>;
  body: string;
}

/** The value of a header sent once; a repeated one (several values) reads as its values joined by ", ". */
export function headerText(headers: PushHeaders, name: string): string | null {
  const value = headers[name];
  if (value === undefined) return null;
  return typeof value === "string" ? value : value.join(", ");
}
