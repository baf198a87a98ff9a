import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { parseCreatedTime } from "../src/created.js";
import { formatCreated, parseCreated } from "../src/index.js";

// The strict Created parser (docs/axe-platform.md §2.1: UTC, `yyyy-MM-ddTHH:mm:ssZ`, no fraction, no offset)
// computes the instant with its own calendar arithmetic; these tests hold it to the Gregorian calendar that
// Date implements.
describe("parseCreated: the calendar", () => {
  // The arithmetic repeats every 400 years: check every day of the first cycle, of the years around now and of
  // the last cycle; the property below samples the rest.
  it.each([
    ["0000-01-01", "0401-01-01"],
    ["1969-01-01", "2101-01-01"],
    ["9599-01-01", "9999-12-31"],
  ])("agrees with Date on every day from %s to %s", (from, to) => {
    const day = 86_400_000;
    const mismatches: string[] = [];
    for (let time = Date.parse(`${from}T00:00:00Z`); time <= Date.parse(`${to}T00:00:00Z`); time += day) {
      // A different second of each day, so that the time fields are exercised too.
      const instant = time + (((((time / day) * 7919) % 86_400) + 86_400) % 86_400) * 1000;
      const created = new Date(instant).toISOString().replace(".000Z", "Z");
      if (parseCreatedTime(created) !== instant && mismatches.push(created) >= 10) break;
    }
    expect(mismatches).toEqual([]);
  });

  it("agrees with Date.parse on any second", () => {
    fc.assert(
      fc.property(
        fc.date({
          min: new Date("0000-01-01T00:00:00Z"),
          max: new Date("9999-12-31T23:59:59Z"),
          noInvalidDate: true,
        }),
        (date) => {
          const created = formatCreated(date);
          expect(parseCreatedTime(created)).toBe(Date.parse(created));
        },
      ),
      { numRuns: 5000 },
    );
  });

  it("knows the first and last instants it can express", () => {
    expect(parseCreated("0000-01-01T00:00:00Z")?.toISOString()).toBe("0000-01-01T00:00:00.000Z");
    expect(parseCreated("0000-02-29T12:00:00Z")?.toISOString()).toBe("0000-02-29T12:00:00.000Z"); // 0 is a leap year.
    expect(parseCreated("0000-03-01T00:00:00Z")?.toISOString()).toBe("0000-03-01T00:00:00.000Z");
    expect(parseCreated("1969-12-31T23:59:59Z")?.getTime()).toBe(-1000);
    expect(parseCreated("1970-01-01T00:00:00Z")?.getTime()).toBe(0);
    expect(parseCreated("9999-12-31T23:59:59Z")?.toISOString()).toBe("9999-12-31T23:59:59.000Z");
  });

  it.each([
    ["2024-02-29T23:59:59Z", true], // divisible by 4
    ["2000-02-29T00:00:00Z", true], // divisible by 400
    ["2400-02-29T00:00:00Z", true],
    ["2023-02-29T00:00:00Z", false],
    ["2100-02-29T00:00:00Z", false], // divisible by 100, not by 400
    ["1900-02-29T00:00:00Z", false],
    ["2023-02-28T00:00:00Z", true],
  ])("leap day %s accepted: %s", (created, valid) => {
    expect(parseCreated(created) !== undefined).toBe(valid);
  });

  it("accepts the last day of every month and refuses the day after", () => {
    const lengths = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
    lengths.forEach((days, index) => {
      const month = String(index + 1).padStart(2, "0");
      expect(parseCreated(`2023-${month}-${days}T00:00:00Z`)).toBeDefined();
      expect(parseCreated(`2023-${month}-${days + 1}T00:00:00Z`)).toBeUndefined();
    });
  });
});

describe("parseCreated: the format", () => {
  it.each([
    ["month 00", "2024-00-10T00:00:00Z"],
    ["month 13", "2024-13-10T00:00:00Z"],
    ["day 00", "2024-01-00T00:00:00Z"],
    ["day 32", "2024-01-32T00:00:00Z"],
    ["hour 24", "2024-01-10T24:00:00Z"],
    ["minute 60", "2024-01-10T00:60:00Z"],
    ["a leap second", "2016-12-31T23:59:60Z"],
    ["milliseconds", "2024-01-10T00:00:00.000Z"],
    ["an offset", "2024-01-10T08:00:00+08:00"],
    ["a zero offset", "2024-01-10T00:00:00+00:00"],
    ["no zone", "2024-01-10T00:00:00"],
    ["a lower-case z", "2024-01-10T00:00:00z"],
    ["a lower-case t", "2024-01-10t00:00:00Z"],
    ["a space for T", "2024-01-10 00:00:00Z"],
    ["a signed year", "+02024-01-10T00:00:00Z"],
    ["a negative year", "-024-01-10T00:00:00Z"],
    ["a one-digit month", "2024-1-10T00:00:00Z"],
    ["a space in a number", "2024-01-10T00:0 :00Z"],
    ["a fullwidth digit", "2024-01-1０T00:00:00Z"],
    ["an Arabic-Indic digit", "2024-01-1٠T00:00:00Z"],
    ["surrounding space", " 2024-01-10T00:00:00Z"],
    ["an empty value", ""],
  ])("refuses %s", (_name, created) => {
    expect(parseCreated(created)).toBeUndefined();
  });

  it("refuses a non-digit in any digit position", () => {
    const valid = "2024-01-10T12:34:56Z";
    for (const position of [0, 1, 2, 3, 5, 6, 8, 9, 11, 12, 14, 15, 17, 18]) {
      for (const character of ["a", "/", ":", " ", "-"]) {
        const created = valid.slice(0, position) + character + valid.slice(position + 1);
        expect(parseCreated(created), created).toBeUndefined();
      }
    }
  });

  it("refuses anything but a string", () => {
    expect(parseCreatedTime(20240110 as unknown as string)).toBeUndefined();
    expect(parseCreatedTime(undefined as unknown as string)).toBeUndefined();
  });
});
