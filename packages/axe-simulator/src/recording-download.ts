import type { ServerResponse } from "node:http";
import { RESPONSE_ALREADY_SENT } from "@hono/node-server/utils/response";

/** Bytes of a canonical PCM WAV header: a cut download always carries it, so a sniffer still sees a WAV. */
const WAV_HEADER_BYTES = 44;

/**
 * The page the `notAudio` fault serves with 200 instead of the recording: what an object store's front proxy or
 * a captive portal answers. Fixed text, so that it never echoes anything of the request.
 */
export const NOT_AUDIO_PAGE = `<!DOCTYPE html>
<html lang="en">
<head><meta charset="utf-8"><title>Service Unavailable</title></head>
<body>
<h1>Service Unavailable</h1>
<p>The storage service is temporarily unable to serve this object. Please try again later.</p>
<hr><address>obs-proxy</address>
</body>
</html>
`;

/**
 * How many bytes of a `total`-byte file a cut download sends: about half, never less than the WAV header, and
 * always at least one byte short of the whole.
 */
export function cutLength(total: number): number {
  return Math.max(0, Math.min(total - 1, Math.max(WAV_HEADER_BYTES, Math.floor(total / 2))));
}

/**
 * Starts a download as usual (200, the given headers, the full `Content-Length`), writes the first
 * {@link cutLength} bytes and destroys the connection once they are out, the way a storage node failing mid
 * transfer does: the client sees a premature close, never a short file that looks complete. Writes through the
 * Node response directly (a stream body that errors would drop the connection too, but `@hono/node-server` logs
 * that as a server error) and returns the marker that tells `@hono/node-server` the response is already handled.
 */
export function sendCutMidway(
  outgoing: ServerResponse,
  headers: Record<string, string>,
  file: Uint8Array,
): Response {
  outgoing.writeHead(200, { ...headers, "Content-Length": String(file.byteLength) });
  outgoing.write(file.subarray(0, cutLength(file.byteLength)), () => outgoing.destroy());
  return RESPONSE_ALREADY_SENT;
}
