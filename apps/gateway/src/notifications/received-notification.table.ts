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
  /**
   * Raw bytes as received (compressed by PostgreSQL's TOAST); null when the push failed authentication or
   * was too large (never kept), or once retention deleted it (`body_purged_at`).
   */
  body: Uint8Array | null;
  body_size: number;
  item_count: number;
  new_item_count: number;
  /** The client that sent it (the peer, or the client a trusted proxy named); null when unknown. */
  source_address: Generated<string | null>;
  /** The names of its headers, never their values; kept for refused pushes. */
  header_names: Generated<string[] | null>;
  /** When retention deleted the body (the row stays while call events and CDRs reference it). */
  body_purged_at: Generated<Date | null>;
}

/** A row as read. */
export type ReceivedNotificationRow = Selectable<ReceivedNotificationTable>;
/** A row to insert. */
export type NewReceivedNotificationRow = Insertable<ReceivedNotificationTable>;
