import type { IncomingMessage } from "node:http";

/** Outcome of {@link readBodyWithLimit} and {@link readNodeBodyWithLimit}. */
export type ReadBodyResult =
  | { ok: true; bytes: Uint8Array }
  | {
      ok: false;
      reason: "too-large" /** Bytes seen before giving up (or the declared length). */;
      size: number;
    };

/** The client went away before its body had arrived whole: there is nobody to answer. */
export class BodyAbortedError extends Error {
  constructor() {
    super("the client closed the connection before its body had arrived");
    this.name = "BodyAbortedError";
  }
}

/** The chunks as one array of its own (never a view into a shared pool). */
function joined(chunks: readonly Uint8Array[], size: number): Uint8Array {
  const bytes = new Uint8Array(size);
  let offset = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return bytes;
}

/**
 * Read a request body, giving up as soon as it exceeds `maxBytes` (declared or streamed), so an oversized
 * or endless body never sits in memory. Over a socket the HTTP server has already refused a declared length
 * over the route's limit (http-server.ts); giving up on a streamed one cancels the stream, and the server
 * then discards the rest after the answer instead of resetting the connection (unread-body.ts).
 */
export async function readBodyWithLimit(request: Request, maxBytes: number): Promise<ReadBodyResult> {
  const declared = Number(request.headers.get("content-length") ?? Number.NaN);
  if (Number.isFinite(declared) && declared > maxBytes) {
    await request.body?.cancel().catch(() => {});
    return { ok: false, reason: "too-large", size: declared };
  }
  if (!request.body) return { ok: true, bytes: new Uint8Array(0) };
  const reader = request.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > maxBytes) {
      await reader.cancel().catch(() => {});
      return { ok: false, reason: "too-large", size };
    }
    chunks.push(value);
  }
  return { ok: true, bytes: joined(chunks, size) };
}

/**
 * {@link readBodyWithLimit} for a request of Node's HTTP server. Giving up destroys the request stream: a
 * `DiscardableRequest` (unread-body.ts) then discards the rest after the answer instead of resetting the
 * connection. Fails with {@link BodyAbortedError} when the client goes away first.
 */
export function readNodeBodyWithLimit(request: IncomingMessage, maxBytes: number): Promise<ReadBodyResult> {
  const declared = Number(request.headers["content-length"] ?? Number.NaN);
  if (Number.isFinite(declared) && declared > maxBytes) {
    request.destroy();
    return Promise.resolve({ ok: false, reason: "too-large", size: declared });
  }
  return new Promise((resolve, reject) => {
    const chunks: Uint8Array[] = [];
    let size = 0;
    const onData = (chunk: Buffer) => {
      size += chunk.byteLength;
      if (size <= maxBytes) {
        chunks.push(chunk);
        return;
      }
      stop();
      request.destroy();
      resolve({ ok: false, reason: "too-large", size });
    };
    const onEnd = () => {
      stop();
      resolve({ ok: true, bytes: joined(chunks, size) });
    };
    const onClose = () => {
      stop();
      reject(new BodyAbortedError());
    };
    const stop = () => {
      request.off("data", onData).off("end", onEnd).off("error", onClose).off("close", onClose);
    };
    request.on("data", onData).once("end", onEnd).once("error", onClose).once("close", onClose);
  });
}
