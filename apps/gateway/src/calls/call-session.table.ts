import type { Generated, Insertable, Selectable } from "kysely";
import type { Timestamp } from "../database/timestamp.js";
import type { CallOutcome } from "./call-outcome.js";

/** One call, folded from its events and CDRs with `foldCallSession`. */
export interface CallSessionTable {
  /** Insertion order, used as the pagination key. */
  id: Generated<number>;
  session_id: string;
  subscription_id: string | null;
  virtual_num: string | null;
  bind_num: string | null;
  status: string;
  started_at: Timestamp | null;
  ended_at: Timestamp | null;
  /** How the call went, set on each refold (`callSessionOutcome`); null while it is in progress. */
  outcome: CallOutcome | null;
  /** The hang-up code the call reports (`hangup.code`: the disconnect's stateCode, else ulFailReason). */
  hangup_code: number | null;
  /** The folded session as `foldCallSession` returns it. */
  session: unknown;
  event_count: number;
  record_count: number;
  created_at: Timestamp;
  updated_at: Timestamp;
}

/** A row as read. */
export type CallSessionRow = Selectable<CallSessionTable>;
/** A row to insert. */
export type NewCallSessionRow = Insertable<CallSessionTable>;

/** The timestamp columns, to restore as Dates a row read back as JSON. */
export const CALL_SESSION_TIMESTAMPS = [
  "started_at",
  "ended_at",
  "created_at",
  "updated_at",
] as const satisfies readonly (keyof CallSessionRow)[];
