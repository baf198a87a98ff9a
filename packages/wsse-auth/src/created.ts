import { WsseInputError } from "./errors.js";

const CREATED_LENGTH = "yyyy-MM-ddTHH:mm:ssZ".length;
const MS_PER_400_YEARS = 146_097 * 86_400_000;

/**
 * Format an instant as a UsernameToken `Created` value: UTC, `yyyy-MM-ddTHH:mm:ssZ`, milliseconds dropped
 * (truncated, never rounded up into the future). Throws {@link WsseInputError} for an invalid date or a year
 * outside 0000–9999.
 */
export function formatCreated(date: Date): string {
  const time = date instanceof Date ? date.getTime() : Number.NaN;
  if (Number.isNaN(time)) {
    throw new WsseInputError("created-invalid", "formatCreated needs a valid Date.");
  }
  const iso = date.toISOString();
  // Years outside 0000–9999 come out as ±YYYYYY, which Created cannot express.
  if (iso.length !== 24) {
    throw new WsseInputError("created-invalid", `Created cannot express the year of ${iso}.`);
  }
  return `${iso.slice(0, 19)}Z`;
}

/**
 * Parse a `Created` value. Returns the instant, or `undefined` when the value is not exactly
 * `yyyy-MM-ddTHH:mm:ssZ` (UTC, no fraction, no offset) or names a time that does not exist
 * (February 30th, 24:00:00, a leap second).
 */
export function parseCreated(value: string): Date | undefined {
  const time = parseCreatedTime(value);
  return time === undefined ? undefined : new Date(time);
}

/** {@link parseCreated} as epoch milliseconds. */
export function parseCreatedTime(value: string): number | undefined {
  if (
    typeof value !== "string" ||
    value.length !== CREATED_LENGTH ||
    value.charCodeAt(4) !== 0x2d || // -
    value.charCodeAt(7) !== 0x2d ||
    value.charCodeAt(10) !== 0x54 || // T
    value.charCodeAt(13) !== 0x3a || // :
    value.charCodeAt(16) !== 0x3a ||
    value.charCodeAt(19) !== 0x5a // Z
  ) {
    return undefined;
  }
  const year = digits(value, 0, 4);
  const month = digits(value, 5, 2);
  const day = digits(value, 8, 2);
  const hours = digits(value, 11, 2);
  const minutes = digits(value, 14, 2);
  const seconds = digits(value, 17, 2);
  if (
    year < 0 ||
    month < 1 ||
    month > 12 ||
    day < 1 ||
    day > daysInMonth(year, month) ||
    hours < 0 ||
    hours > 23 ||
    minutes < 0 ||
    minutes > 59 ||
    seconds < 0 ||
    seconds > 59
  ) {
    return undefined;
  }
  // Date.UTC reads years 0–99 as 1900–1999; shifting by one 400-year Gregorian cycle avoids that.
  return Date.UTC(year + 400, month - 1, day, hours, minutes, seconds) - MS_PER_400_YEARS;
}

// The decimal number in value[start, start + count), or -1 when a character is not a digit.
function digits(value: string, start: number, count: number): number {
  let result = 0;
  for (let i = start; i < start + count; i++) {
    const digit = value.charCodeAt(i) - 0x30;
    if (digit < 0 || digit > 9) return -1;
    result = result * 10 + digit;
  }
  return result;
}

function daysInMonth(year: number, month: number): number {
  if (month === 2) return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0 ? 29 : 28;
  return month === 4 || month === 6 || month === 9 || month === 11 ? 30 : 31;
}
