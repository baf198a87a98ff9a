/**
 * A timestamp as a Date: rows built from what was written carry Dates already, while an ISO string can come
 * back from a driver that does not parse timestamps (or from JSON).
 */
export function toDate(value: Date | string | null | undefined): Date | null {
  if (value === null || value === undefined) return null;
  return value instanceof Date ? value : new Date(value);
}

/** An ISO-8601 instant from a parsed notification as a Date; null when absent or unreadable. */
export function isoToDate(iso: string | undefined): Date | null {
  if (iso === undefined) return null;
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? null : date;
}
