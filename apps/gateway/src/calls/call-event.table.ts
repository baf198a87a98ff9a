import type { Generated, Insertable, Selectable } from "kysely";
import type { Timestamp } from "../database/timestamp.js";

/** One call event notification item (callin … disconnect), deduplicated on session + type + timestamp. */
export interface CallEventTable {
  id: Generated<number>;
  /**
   * Position in the live stream, drawn by the storing transaction's last statement, which inserts the row,
   * under a global advisory lock so that stream order equals commit order (see `stream-entries.repository.ts`).
   * Every stored row has one; null only on a new row before that statement.
   */
  stream_seq: number | null;
  session_id: string;
  event_type: string;
  /** The platform's timestamp string exactly as received (`yyyy-MM-dd HH:mm:ss`, UTC): part of the dedupe key. */
  event_timestamp: string;
  occurred_at: Timestamp | null;
  subscription_id: string | null;
  virtual_num: string | null;
  bind_num: string | null;
  caller: string | null;
  called: string | null;
  digit_info: string | null;
  state_code: number | null;
  state_desc: string | null;
  user_data: string | null;
  /** The parsed event as `@privnum/notification-schemas` returns it. */
  event: unknown;
  received_notification_id: number;
  inserted_at: Generated<Date>;
}

/** A row as read. */
export type CallEventRow = Selectable<CallEventTable>;
/** A row to insert. */
export type NewCallEventRow = Insertable<CallEventTable>;
