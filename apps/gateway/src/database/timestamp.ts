import type { ColumnType } from "kysely";

/** A `timestamptz` column: read as a Date, written as a Date or an ISO string. */
export type Timestamp = ColumnType<Date, Date | string, Date | string>;
