import type { Selectable } from "kysely";
import type { Timestamp } from "../database/timestamp.js";

/**
 * `stream_changes`: one stored change, at its position in the stream: a snapshot of what changed, or for a CDR
 * (never changed once stored) a reference to it.
 */
export interface StreamChangeTable {
  position: number;
  /** Which subscription follows it: see `ChangeTopics`. */
  topic: string;
  /** X of what changed, for a replay's filter. */
  virtual_num: string | null;
  subscription_id: string | null;
  session_id: string | null;
  /** The snapshot, as `changeContent` made it; null when the change refers to its CDR instead. */
  payload: unknown;
  /** The CDR a `callRecord` change refers to (changes stored before it refer to none and hold a copy). */
  call_record_id: number | null;
  recorded_at: Timestamp;
}

export type StreamChangeRow = Selectable<StreamChangeTable>;
