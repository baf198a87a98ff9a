import type { Plugin } from "graphql-yoga";
import type { Executor } from "../database/database.js";
import { jsonResponse } from "../ops/get-route.js";
import type { Logger } from "../shared/logger.js";
import { abortableBody } from "./abortable-body.js";
import { isNotModified, rangeApplies, rangeRequest, type Validators } from "./conditional-get.js";
import { type ArchivedRecording, findArchivedByIcid } from "./recording.repository.js";
import type { RecordingAccessVerdict } from "./recording-access.js";
import { contentDisposition, servedContentType } from "./recording-file-headers.js";
import type { RecordingStorage } from "./recording-storage.js";

/** The path of the recordings, followed by a call's icid (percent-encoded). */
export const RECORDINGS_PATH_PREFIX = "/recordings/";

/** Longest icid accepted in the path (after percent-decoding). */
export const MAX_ICID_LENGTH = 256;

/** How long a client may keep a recording fetched with credentials: its bytes never change. */
const CREDENTIALS_CACHE_CONTROL = "private, max-age=86400, immutable";

const NOT_ARCHIVED = "No archived recording for this call.";
const FILE_MISSING =
  "The recording of this call is archived, but its file is missing from the gateway's storage.";
const READ_FAILED = "The recording could not be read; try again later.";
const FILE_DAMAGED = "The archived recording of this call does not match its record; it is not served.";

/** What {@link useRecordingRoute} needs. */
export interface RecordingRouteOptions {
  db: Executor;
  storage: RecordingStorage;
  /** Who may fetch (recording-access.ts). */
  access: (
    icid: string,
    query: URLSearchParams,
    authorization: string | null,
  ) => Promise<RecordingAccessVerdict>;
  logger: Logger;
}

// The icid of a request path under the prefix; undefined when it is not one (empty, too long, a `/`, a control
// character, or broken percent-encoding).
function icidOf(pathname: string): string | undefined {
  const encoded = pathname.slice(RECORDINGS_PATH_PREFIX.length);
  // Encoded, each character is at most 12 (`%XX` for each of 4 UTF-8 bytes): a longer path is refused unread.
  if (encoded === "" || encoded.length > MAX_ICID_LENGTH * 12) return undefined;
  let icid: string;
  try {
    icid = decodeURIComponent(encoded);
  } catch {
    return undefined;
  }
  if (icid.length > MAX_ICID_LENGTH || icid.includes("/")) return undefined;
  // biome-ignore lint/suspicious/noControlCharactersInRegex: refusing control characters is the point.
  if (/[\u0000-\u001f\u007f]/.test(icid)) return undefined;
  return icid;
}

/**
 * `GET /recordings/<icid>` (and HEAD): the archived recording of a call, to the holder of a signed link or an
 * operator's or admin's credentials (recording-access.ts, decided before any lookup). Served as a static file
 * is: strong `ETag` (the SHA-256 of the bytes), `Last-Modified` (when it was archived), conditional requests
 * (304), one byte range (206; several ranges get the whole file; 416 when none is in the file), and the body
 * streamed from the storage, let go when the client goes away. Errors are JSON (`{ error }`); other methods
 * get 405 with `Allow`.
 */
export function useRecordingRoute(options: RecordingRouteOptions): Plugin {
  const log = options.logger.child({ component: "recordings" });
  return {
    async onRequest({ request, url, endResponse }) {
      if (!url.pathname.startsWith(RECORDINGS_PATH_PREFIX)) return;
      try {
        endResponse(await answer(request, url));
      } catch (error) {
        log.error({ err: error }, "serving a recording failed");
        endResponse(jsonResponse(500, { error: READ_FAILED }));
      }
    },
  };

  async function answer(request: Request, url: URL): Promise<Response> {
    if (request.method !== "GET" && request.method !== "HEAD") {
      return jsonResponse(
        405,
        { error: "/recordings/<icid> answers GET and HEAD only." },
        { allow: "GET, HEAD" },
      );
    }
    const icid = icidOf(url.pathname);
    if (icid === undefined) {
      return jsonResponse(400, {
        error: `The path must be /recordings/<icid>: a call's icid, 1 to ${MAX_ICID_LENGTH} characters, percent-encoded, without "/".`,
      });
    }
    const verdict = await options.access(icid, url.searchParams, request.headers.get("authorization"));
    if (!verdict.allowed) {
      const challenge: Record<string, string> =
        verdict.status === 401 ? { "www-authenticate": 'Bearer realm="privnum"' } : {};
      return jsonResponse(verdict.status, { error: verdict.message }, challenge);
    }
    const recording = await findArchivedByIcid(options.db, icid);
    if (!recording) return jsonResponse(404, { error: NOT_ARCHIVED });
    const stored = await options.storage.stat(recording.storageKey);
    if (!stored) return fileMissing(recording);
    if (stored.size !== recording.sizeBytes) {
      log.error(
        {
          callRecordId: recording.callRecordId,
          storageKey: recording.storageKey,
          stored: stored.size,
          recorded: recording.sizeBytes,
        },
        "an archived recording's file is not the size its row records; it is not served",
      );
      return jsonResponse(500, { error: FILE_DAMAGED });
    }
    return serve(request, recording, verdict);
  }

  function fileMissing(recording: ArchivedRecording): Response {
    log.error(
      { callRecordId: recording.callRecordId, storageKey: recording.storageKey },
      "an archived recording's file is missing from the storage (the archive lost it)",
    );
    return jsonResponse(404, { error: FILE_MISSING });
  }

  async function serve(
    request: Request,
    recording: ArchivedRecording,
    verdict: Extract<RecordingAccessVerdict, { allowed: true }>,
  ): Promise<Response> {
    const size = recording.sizeBytes;
    const validators: Validators = {
      etag: `"${Buffer.from(recording.sha256).toString("hex")}"`,
      lastModified: recording.archivedAt,
    };
    const caching: Record<string, string> =
      verdict.via === "link"
        ? { "cache-control": `private, max-age=${verdict.secondsLeft}` }
        : { "cache-control": CREDENTIALS_CACHE_CONTROL, vary: "Authorization" };
    const headers: Record<string, string> = {
      ...caching,
      etag: validators.etag,
      "last-modified": validators.lastModified.toUTCString(),
      "x-content-type-options": "nosniff",
    };
    if (isNotModified(request.headers, validators)) return new Response(null, { status: 304, headers });

    const contentType = servedContentType(recording.contentType);
    Object.assign(headers, {
      "content-type": contentType,
      "accept-ranges": "bytes",
      "content-disposition": contentDisposition(recording.icid, contentType),
    });
    // Range is defined for GET alone (RFC 9110 §14.2): HEAD describes the whole file.
    const wanted =
      request.method === "GET" && rangeApplies(request.headers, validators)
        ? rangeRequest(request.headers.get("range"), size)
        : ({ kind: "whole" } as const);
    if (wanted.kind === "unsatisfiable") {
      return jsonResponse(
        416,
        { error: `The requested range is not within the recording's ${size} bytes.` },
        { "content-range": `bytes */${size}` },
      );
    }
    if (request.method === "HEAD") {
      return new Response(null, { status: 200, headers: { ...headers, "content-length": String(size) } });
    }
    const range = wanted.kind === "partial" ? wanted.range : undefined;
    // An empty file has no byte to read (a range over it is never satisfiable).
    const source = size === 0 ? undefined : await options.storage.read(recording.storageKey, range);
    if (size > 0 && !source) return fileMissing(recording);
    const body = source
      ? abortableBody(source, request.signal, (error) =>
          log.error(
            { err: error, callRecordId: recording.callRecordId, storageKey: recording.storageKey },
            "reading an archived recording failed while it was sent",
          ),
        )
      : null;
    if (range) {
      return new Response(body, {
        status: 206,
        headers: {
          ...headers,
          "content-length": String(range.end - range.start + 1),
          "content-range": `bytes ${range.start}-${range.end}/${size}`,
        },
      });
    }
    return new Response(body, { status: 200, headers: { ...headers, "content-length": String(size) } });
  }
}
