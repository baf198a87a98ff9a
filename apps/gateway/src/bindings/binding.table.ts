import type { ColumnType, Generated, Insertable, Selectable, Updateable } from "kysely";
import type { Timestamp } from "../database/timestamp.js";

/** A nullable time that an insert may leave out (null). */
type OptionalTimestamp = ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;

/** The gateway's mirror of one platform binding (X + E → A). */
export interface BindingTable {
  /** Insertion order, used as the pagination key; the primary key. */
  id: Generated<number>;
  /** The platform's binding ID: one current row per ID (`superseded_at` null), any number of superseded ones. */
  subscription_id: string;
  virtual_num: string;
  extend_num: string;
  bind_num: string;
  area_code: string | null;
  display_num_mode: string | null;
  record_flag: boolean;
  record_hint_tone: string | null;
  callback_tone: string | null;
  callback_num: string | null;
  /** As reported by the platform: create's unit wins over modify's (docs/axe-platform.md §6). */
  time_unit: "hours" | "minutes";
  bind_expired_time: number | null;
  callback_expired_time: number | null;
  user_data: string | null;
  /** When the binding lapses on the platform; null = never. Recomputed when a modify restarts the clock. */
  expires_at: Timestamp | null;
  created_at: Timestamp;
  updated_at: Timestamp;
  /** Set when the binding was unbound, superseded on the platform or found missing there; null while it exists. */
  deleted_at: Timestamp | null;
  /** Set once a `bindingChanges` EXPIRED event was published for this binding. */
  expiry_announced_at: Timestamp | null;
  /**
   * Set when the platform gave this row's subscriptionId to a different binding (another A, X or E, which
   * ModifyAXEBinding cannot change: docs/axe-platform.md §6): the row is kept, no longer current, and marked deleted.
   */
  superseded_at: OptionalTimestamp;
  /** Set on both rows of such a pair: when the gateway found the subscriptionId reused. */
  conflict_at: OptionalTimestamp;
  /**
   * Set (together with `deleted_at`) when a reconciliation found the platform no longer has this binding: it
   * was unbound or lost outside the gateway. Cleared when the platform reports the binding again.
   */
  platform_missing_at: OptionalTimestamp;
  /** Monotonic per row; bumps on every change so subscribers can order updates. */
  version: Generated<number>;
}

/** A row as read. */
export type BindingRow = Selectable<BindingTable>;
/** A row to insert. */
export type NewBindingRow = Insertable<BindingTable>;
/** Columns to update. */
export type BindingRowUpdate = Updateable<BindingTable>;

/** The timestamp columns, to restore as Dates a row read back as JSON. */
export const BINDING_TIMESTAMPS = [
  "expires_at",
  "created_at",
  "updated_at",
  "deleted_at",
  "expiry_announced_at",
  "superseded_at",
  "conflict_at",
  "platform_missing_at",
] as const satisfies readonly (keyof BindingRow)[];
