import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  callEventWireSchema,
  feeWireSchema,
  isPlatformTime,
  PLATFORM_TIME_PATTERN,
  platformTimeToIso,
} from "../src/index.js";
import { isIntegerCode } from "../src/wire-primitives.js";
import { fixtureText } from "./helpers.js";

// The hot path checks formats with character loops; the JSON Schema files carry the regular expressions.
// These properties hold the two to the same language.

const fromChars = (chars: string, maxLength: number) =>
  fc.array(fc.constantFrom(...chars.split("")), { maxLength }).map((list) => list.join(""));

describe("isPlatformTime", () => {
  it("agrees with Date on the calendar and with PLATFORM_TIME_PATTERN on the format", () => {
    const pad = (n: number, width = 2) => String(n).padStart(width, "0");
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 9999 }),
        fc.integer({ min: 0, max: 13 }),
        fc.integer({ min: 0, max: 32 }),
        fc.integer({ min: 0, max: 24 }),
        fc.integer({ min: 0, max: 60 }),
        fc.integer({ min: 0, max: 60 }),
        (year, month, day, hour, minute, second) => {
          const value = `${pad(year, 4)}-${pad(month)}-${pad(day)} ${pad(hour)}:${pad(minute)}:${pad(second)}`;
          const date = new Date(0);
          date.setUTCFullYear(year, month - 1, day);
          date.setUTCHours(hour, minute, second);
          const real =
            month >= 1 &&
            month <= 12 &&
            hour <= 23 &&
            minute <= 59 &&
            second <= 59 &&
            date.getUTCDate() === day;
          expect(isPlatformTime(value)).toBe(real);
          if (real) {
            expect(PLATFORM_TIME_PATTERN.test(value)).toBe(true);
            expect(Date.parse(platformTimeToIso(value))).toBe(date.getTime());
          }
        },
      ),
      { numRuns: 3000 },
    );
  });

  it("refuses other layouts", () => {
    for (const value of [
      "2026-01-27T08:00:00Z",
      "2026-01-27 08:00:00.000",
      "2026-1-27 08:00:00",
      "２０２６-01-27 08:00:00",
      "",
    ]) {
      expect(isPlatformTime(value), value).toBe(false);
    }
  });
});

describe("the other format checks", () => {
  const record = (fixtureRecord: Record<string, unknown>, patch: Record<string, unknown>) => ({
    eventType: "fee",
    feeLst: [{ ...fixtureRecord, ...patch }],
  });
  const base = (
    JSON.parse(fixtureText("callee/07-fee.json")).feeLst as Record<string, unknown>[]
  )[0] as Record<string, unknown>;
  const collect = JSON.parse(fixtureText("callee/02-collectInfo.json")) as {
    statusInfo: Record<string, unknown>;
  };

  it("agree with the patterns published in the JSON Schema: codes, extensions and keyed digits", () => {
    fc.assert(
      fc.property(fromChars("-0123456789a *#", 17), (value) => {
        expect(isIntegerCode(value)).toBe(/^-?\d{1,15}$/.test(value));
        expect(feeWireSchema.safeParse(record(base, { extendNum: value })).success).toBe(
          /^\d{0,4}$/.test(value),
        );
        const event = { eventType: "collectInfo", statusInfo: { ...collect.statusInfo, digitInfo: value } };
        expect(callEventWireSchema.safeParse(event).success).toBe(/^[0-9*#]{0,32}$/.test(value));
      }),
      { numRuns: 1000 },
    );
  });

  it("take integer codes as safe integers only", () => {
    for (const [value, ok] of [
      [0, true],
      [-1, true],
      [2 ** 53 - 1, true],
      [2 ** 53, false],
      [1.5, false],
      [Number.NaN, false],
      [null, false],
      [true, false],
    ] as const) {
      expect(isIntegerCode(value), String(value)).toBe(ok);
    }
  });
});
