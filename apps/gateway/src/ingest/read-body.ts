/** Outcome of {@link readBodyWithLimit}. */
export type ReadBodyResult =
  | { ok: true; bytes: Uint8Array }
  | {
      ok: false;
      reason: "too-large" /** Bytes seen before giving up (or the declared length). */;
      size: number;
    };

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
  const bytes = new Uint8Array(size);
  let offset = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return { ok: true, bytes };
}
