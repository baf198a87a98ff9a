import type { Selectable } from "kysely";
import type { Timestamp } from "../database/timestamp.js";

/** `stream_changes`: one stored change (a snapshot of what changed), at its position in the stream. */
export interface StreamChangeTable {
  position: number;
  /** Which subscription follows it: see `ChangeTopics`. */
  topic: string;
  /** X of what changed, for a replay's filter. */
  virtual_num: string | null;
  subscription_id: string | null;
  session_id: string | null;
  /** The snapshot, as `changeSnapshot` made it. */
  payload: unknown;
  recorded_at: Timestamp;
}

export type StreamChangeRow = Selectable<StreamChangeTable>;
