import { WsseInputError } from "./errors.js";

const CREATED_LENGTH = "yyyy-MM-ddTHH:mm:ssZ".length;

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
  const century = twoDigits(value, 0);
  const yearOfCentury = twoDigits(value, 2);
  const month = twoDigits(value, 5);
  const day = twoDigits(value, 8);
  const hours = twoDigits(value, 11);
  const minutes = twoDigits(value, 14);
  const seconds = twoDigits(value, 17);
  // A pair with a non-digit reads as -1, below every range.
  if (century < 0 || yearOfCentury < 0) return undefined;
  const year = century * 100 + yearOfCentury;
  if (
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
  return (((daysFromEpoch(year, month, day) * 24 + hours) * 60 + minutes) * 60 + seconds) * 1000;
}

// The number value[start, start + 2) when both characters are decimal digits, else -1.
function twoDigits(value: string, start: number): number {
  const tens = value.charCodeAt(start) - 0x30;
  const units = value.charCodeAt(start + 1) - 0x30;
  if (tens < 0 || tens > 9 || units < 0 || units > 9) return -1;
  return tens * 10 + units;
}

function daysInMonth(year: number, month: number): number {
  if (month === 2) return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0 ? 29 : 28;
  return month === 4 || month === 6 || month === 9 || month === 11 ? 30 : 31;
}

/**
 * Days from 1970-01-01 to a valid proleptic Gregorian date of year 0–9999 (H. Hinnant's days_from_civil):
 * plain arithmetic instead of `Date.UTC`, which costs more than the rest of the parse and reads years 0–99
 * as 1900–1999.
 */
function daysFromEpoch(year: number, month: number, day: number): number {
  // Count years from March, so that the leap day ends a year.
  const y = month <= 2 ? year - 1 : year;
  const era = Math.floor(y / 400);
  const yearOfEra = y - era * 400; // 0–399
  const dayOfYear = Math.floor((153 * (month > 2 ? month - 3 : month + 9) + 2) / 5) + day - 1; // 0–365
  const dayOfEra = yearOfEra * 365 + Math.floor(yearOfEra / 4) - Math.floor(yearOfEra / 100) + dayOfYear;
  return era * 146_097 + dayOfEra - 719_468;
}
