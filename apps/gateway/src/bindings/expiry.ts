/** A binding lifetime unit, as `@privnum/axe-api` names them. */
export type TimeUnit = "hours" | "minutes";

const UNIT_MS: Record<TimeUnit, number> = { hours: 3_600_000, minutes: 60_000 };

/**
 * When a binding created (or re-timed) at `start` lapses: `amount` × `unit` later, or never (null) when
 * the amount is absent or 0 (docs/axe-platform.md §3, §16.4).
 */
export function computeExpiresAt(
  start: Date,
  unit: TimeUnit,
  amount: number | null | undefined,
): Date | null {
  if (amount === null || amount === undefined || amount <= 0) return null;
  return new Date(start.getTime() + amount * UNIT_MS[unit]);
}
