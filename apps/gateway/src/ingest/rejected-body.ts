import type { Executor } from "../database/database.js";
import { insertReceivedNotification } from "../notifications/received-notification.repository.js";
import type { PushHeaders } from "./notify-request.js";

/** Most header names kept of one refused push (Node already bounds the header block to 16 KiB). */
export const MAX_KEPT_HEADER_NAMES = 64;

/** What is known of a refused push besides its verdict. */
export interface RefusedPush {
  path: string;
  contentType: string | null;
  /** The signature's Username, when one was sent. */
  appKey: string | null;
  /** The client that sent it; null when unknown (a request handed over in-process). */
  sourceAddress: string | null;
  /** The names of its headers, never their values. */
  headerNames: readonly string[];
  /** Bytes received (or declared, for a body refused for its size). */
  size: number;
  /**
   * The body, only when it is the platform's (it passed the signature check, or verification is off) and
   * was refused for its content; otherwise null: a push that fails authentication or is too large is kept as
   * metadata alone, so that nobody can fill the database by sending bodies.
   */
  bytes: Uint8Array | null;
}

/** The names of `headers`, lower-case, sorted, at most {@link MAX_KEPT_HEADER_NAMES}. */
export function headerNamesOf(headers: PushHeaders): string[] {
  return Object.keys(headers)
    .map((name) => name.toLowerCase())
    .sort()
    .slice(0, MAX_KEPT_HEADER_NAMES);
}

/** Keep a push that was refused before it could be stored as a notification; resolves to its row id. */
export async function keepRejectedBody(
  db: Executor,
  push: RefusedPush,
  verdict: { httpStatus: number; reason: string; kind?: string | null },
): Promise<number> {
  return insertReceivedNotification(db, {
    path: push.path,
    content_type: push.contentType,
    app_key: push.appKey,
    kind: verdict.kind ?? null,
    verdict: "rejected",
    reason: verdict.reason,
    http_status: verdict.httpStatus,
    body: push.bytes,
    body_size: push.size,
    item_count: 0,
    new_item_count: 0,
    source_address: push.sourceAddress,
    header_names: [...push.headerNames],
  });
}
