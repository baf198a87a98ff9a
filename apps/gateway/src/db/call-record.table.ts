import type { Generated, Insertable, Selectable } from "kysely";
import type { Timestamp } from "./binding.table.js";

/** One CDR (fee notification item), unique on the platform's `icid`. */
export interface CallRecordTable {
  id: Generated<number>;
  icid: string;
  session_id: string;
  subscription_id: string | null;
  /** X: the CDR's `bindNum`. */
  virtual_num: string | null;
  /** A: resolved from the binding mirror or the call direction. */
  bind_num: string | null;
  extend_num: string | null;
  direction: number | null;
  caller_num: string | null;
  callee_num: string | null;
  call_in_time: Timestamp | null;
  fwd_answer_time: Timestamp | null;
  call_end_time: Timestamp | null;
  record_flag: boolean;
  record_domain: string | null;
  record_object_name: string | null;
  record_file_download_url: string | null;
  /** The parsed fee item as `@privnum/notification-schemas` returns it. */
  record: unknown;
  received_notification_id: number;
  inserted_at: Generated<Date>;
}

/** A row as read. */
export type CallRecordRow = Selectable<CallRecordTable>;
/** A row to insert. */
export type NewCallRecordRow = Insertable<CallRecordTable>;
