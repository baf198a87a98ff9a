/**
 * A timestamp as a Date: rows built from what was written carry Dates already, while an ISO string can come
 * back from a driver that does not parse timestamps (or from JSON).
 */
export function toDate(value: Date | string | null | undefined): Date | null {
  if (value === null || value === undefined) return null;
  return value instanceof Date ? value : new Date(value);
}

/** A copy of `row` with each of `columns` as a Date (see {@link toDate}): a row read back as JSON. */
export function withDates(row: Record<string, unknown>, columns: readonly string[]): Record<string, unknown> {
  const copy = { ...row };
  for (const column of columns) copy[column] = toDate(copy[column] as string | null | undefined);
  return copy;
}

/** An ISO-8601 instant from a parsed notification as a Date; null when absent or unreadable. */
export function isoToDate(iso: string | undefined): Date | null {
  if (iso === undefined) return null;
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? null : date;
}
