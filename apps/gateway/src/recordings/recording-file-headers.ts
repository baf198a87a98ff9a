// The headers that describe an archived recording's file, whatever the answer (200, 206, 304, HEAD).

/** The extension of a recording's download name, by its stored media type (what `file-type` detects). */
const EXTENSIONS: Readonly<Record<string, string>> = Object.freeze({
  "audio/wav": "wav",
  "audio/wave": "wav",
  "audio/x-wav": "wav",
  "audio/vnd.wave": "wav",
  "audio/mpeg": "mp3",
  "audio/mp4": "m4a",
  "audio/x-m4a": "m4a",
  "audio/aac": "aac",
  "audio/ogg": "ogg",
  "audio/opus": "opus",
  "audio/amr": "amr",
  "audio/flac": "flac",
  "audio/x-flac": "flac",
  "audio/webm": "webm",
});

/** A media type as `Content-Type` may carry it (no parameters, no spaces, nothing to inject). */
const MEDIA_TYPE = /^[a-z0-9][a-z0-9!#$&^_.+-]{0,63}\/[a-z0-9][a-z0-9!#$&^_.+-]{0,63}$/i;

/** Sent for a stored type that is not a plain media type (it never should be: the archiver sniffs it). */
const FALLBACK_TYPE = "application/octet-stream";

/** The `Content-Type` to send for a stored type: itself, when it is a plain media type. */
export function servedContentType(stored: string): string {
  return MEDIA_TYPE.test(stored) ? stored.toLowerCase() : FALLBACK_TYPE;
}

/**
 * `inline; filename="<icid>.<ext>"`: played in the browser, saved under a name that says which call it is.
 * The icid keeps its letters, digits, `.`, `_` and `-` (others become `_`, so nothing breaks out of the
 * quotes nor names a path) and at most 128 characters; the extension follows the media type (`bin` when
 * unknown).
 */
export function contentDisposition(icid: string, contentType: string): string {
  const base = icid.replace(/[^A-Za-z0-9._-]/g, "_").slice(0, 128) || "recording";
  const extension = EXTENSIONS[contentType.toLowerCase()] ?? "bin";
  return `inline; filename="${base}.${extension}"`;
}
