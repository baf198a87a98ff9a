import type { Generated, Insertable, Selectable } from "kysely";
import type { Timestamp } from "../database/timestamp.js";
import type { CallOutcome } from "./call-outcome.js";

/**
 * One CDR (fee notification item), unique on the platform's `icid` together with its content: an identical
 * retry is stored once, a different CDR under a reused icid is kept too (`conflict`).
 */
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
  /** How the call went, derived from the CDR's own fields on insert (`callRecordOutcome`). */
  outcome: CallOutcome;
  record_flag: boolean;
  record_domain: string | null;
  record_object_name: string | null;
  record_file_download_url: string | null;
  /** The parsed fee item as `@privnum/notification-schemas` returns it. */
  record: unknown;
  received_notification_id: number;
  inserted_at: Generated<Date>;
  /** SHA-256 of `record`'s canonical jsonb text, computed by the database on insert. */
  content_hash: Generated<Uint8Array>;
  /** True when a CDR with the same icid but different content was stored before this one. */
  conflict: Generated<boolean>;
}

/** A row as read. */
export type CallRecordRow = Selectable<CallRecordTable>;
/** A row to insert. */
export type NewCallRecordRow = Insertable<CallRecordTable>;
