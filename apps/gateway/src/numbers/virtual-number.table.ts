import type { Insertable, Selectable } from "kysely";
import type { Timestamp } from "../database/timestamp.js";

/** Latest known status of one X number. */
export interface VirtualNumberTable {
  number: string;
  /** Platform status code ("5" normal, "9" paused, "10" unavailable, "11" binding frozen); null = not reported yet. */
  status: string | null;
  cause: string | null;
  status_changed_at: Timestamp | null;
  first_seen_at: Timestamp;
  updated_at: Timestamp;
}

/** A row as read. */
export type VirtualNumberRow = Selectable<VirtualNumberTable>;
/** A row to insert. */
export type NewVirtualNumberRow = Insertable<VirtualNumberTable>;
