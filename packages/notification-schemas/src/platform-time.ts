/**
 * The platform writes every time as UTC `yyyy-MM-dd HH:mm:ss` (docs/axe-platform.md §8.0). This pattern
 * checks the range of each part; {@link isPlatformTime} also checks the day against its month (no
 * 2019-02-30).
 */
export const PLATFORM_TIME_PATTERN =
  /^\d{4}-(?:0[1-9]|1[0-2])-(?:0[1-9]|[12]\d|3[01]) (?:[01]\d|2[0-3]):[0-5]\d:[0-5]\d$/;

const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

// Reads two ASCII digits at `at`, or -1. charCode arithmetic keeps the hot path free of allocations.
function pair(value: string, at: number): number {
  const a = value.charCodeAt(at) - 48;
  const b = value.charCodeAt(at + 1) - 48;
  return a >= 0 && a <= 9 && b >= 0 && b <= 9 ? a * 10 + b : -1;
}

/** Whether `value` is a real calendar time in the platform's format, `yyyy-MM-dd HH:mm:ss`. */
export function isPlatformTime(value: string): boolean {
  if (value.length !== 19) return false;
  if (value[4] !== "-" || value[7] !== "-" || value[10] !== " " || value[13] !== ":" || value[16] !== ":")
    return false;
  const century = pair(value, 0);
  const yy = pair(value, 2);
  const month = pair(value, 5);
  const day = pair(value, 8);
  const hour = pair(value, 11);
  const minute = pair(value, 14);
  const second = pair(value, 17);
  if (century < 0 || yy < 0 || month < 1 || month > 12 || day < 1) return false;
  if (hour < 0 || hour > 23 || minute < 0 || minute > 59 || second < 0 || second > 59) return false;
  if (day <= 28) return true;
  if (month !== 2) return day <= (DAYS_IN_MONTH[month - 1] as number);
  const year = century * 100 + yy;
  const leap = (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
  return day <= (leap ? 29 : 28);
}

/**
 * Converts a valid platform time to an ISO-8601 instant (`2019-01-24 07:03:28` → `2019-01-24T07:03:28Z`).
 * Callers must have validated the value; this is string surgery, not a parser.
 */
export function platformTimeToIso(value: string): string {
  return `${value.slice(0, 10)}T${value.slice(11)}Z`;
}
