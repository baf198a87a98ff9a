import type { Executor } from "../database/database.js";
import { insertReceivedNotification } from "../notifications/received-notification.repository.js";
import type { ReceivedBody } from "./stored-push.js";

/** A body refused before it could be read whole: only its size is known. */
export type UnreadBody = Omit<ReceivedBody, "bytes"> & { bytes: null; size: number };

/** Keep a body that was refused before it could be stored as a notification; resolves to its row id. */
export async function keepRejectedBody(
  db: Executor,
  body: ReceivedBody | UnreadBody,
  verdict: { httpStatus: number; reason: string; kind?: string | null },
): Promise<number> {
  return insertReceivedNotification(db, {
    path: body.path,
    content_type: body.contentType,
    app_key: body.appKey,
    kind: verdict.kind ?? null,
    verdict: "rejected",
    reason: verdict.reason,
    http_status: verdict.httpStatus,
    body: body.bytes,
    body_size: body.bytes === null ? body.size : body.bytes.byteLength,
    item_count: 0,
    new_item_count: 0,
  });
}
