import type { Generated, Insertable, Selectable } from "kysely";

/** What the gateway decided about a push. */
export type NotificationVerdict = "accepted" | "duplicate" | "rejected";

/** Every body that reached /notify, with its verdict: nothing is dropped silently. */
export interface ReceivedNotificationTable {
  id: Generated<number>;
  received_at: Generated<Date>;
  path: string;
  content_type: string | null;
  /** The `Username` of the signature, when one was sent. */
  app_key: string | null;
  /** `callEvent`, `fee`, `numStatus`, `unknown`, or null when the body was not a notification. */
  kind: string | null;
  verdict: NotificationVerdict;
  /** Why it was rejected, or what was special about it (unknown eventType, duplicate items). */
  reason: string | null;
  http_status: number;
  /** Raw bytes as received; null when the body was refused for its size. */
  body: Uint8Array | null;
  body_size: number;
  item_count: number;
  new_item_count: number;
}

/** A row as read. */
export type ReceivedNotificationRow = Selectable<ReceivedNotificationTable>;
/** A row to insert. */
export type NewReceivedNotificationRow = Insertable<ReceivedNotificationTable>;
