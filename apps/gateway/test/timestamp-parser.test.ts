import { sql } from "kysely";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { DatabaseHandle } from "../src/database/database.js";
import { createTimestamptzParser, parseIsoTimestamptz } from "../src/database/timestamp-parser.js";
import { createPostgresDatabase, openMigrated } from "./support/databases.js";

// The driver's own parser (postgres-date), which the fast path must agree with.
const driverParse = pg.types.getTypeParser(1184, "text") as (text: string) => Date | number | null;

describe("parseIsoTimestamptz", () => {
  it("reads the shapes PostgreSQL writes", () => {
    expect(parseIsoTimestamptz("2026-06-01 10:00:00+00")?.toISOString()).toBe("2026-06-01T10:00:00.000Z");
    expect(parseIsoTimestamptz("2026-06-01 10:00:00.5+00")?.toISOString()).toBe("2026-06-01T10:00:00.500Z");
    expect(parseIsoTimestamptz("2026-06-01 10:00:00.123456+00")?.toISOString()).toBe(
      "2026-06-01T10:00:00.123Z",
    );
    expect(parseIsoTimestamptz("2026-06-01 15:30:00+05:30")?.toISOString()).toBe("2026-06-01T10:00:00.000Z");
    expect(parseIsoTimestamptz("2026-06-01 06:30:00-03:30")?.toISOString()).toBe("2026-06-01T10:00:00.000Z");
    expect(parseIsoTimestamptz("1900-01-01 00:19:32+00:19:32")?.toISOString()).toBe(
      "1900-01-01T00:00:00.000Z",
    );
  });

  it("leaves every other shape to the fallback", () => {
    for (const text of [
      "infinity",
      "-infinity",
      "0001-01-01 00:00:00+00 BC",
      "10000-01-01 00:00:00+00",
      "0050-01-01 00:00:00+00",
      "2026-06-01 10:00:00",
      "2026-06-01T10:00:00Z",
      "2026-06-01 10:00:00.+00",
      "2026-06-01 10:00:00+0",
      "2026-06-01 10:00:00+00:3",
      "2026-06-01 10:00:00+00 ",
      "2026-13-01 10:00:00+00",
      "2026-06-01 24:00:00+00",
      "2026-06-0a 10:00:00+00",
      "",
    ]) {
      expect(parseIsoTimestamptz(text), text).toBeUndefined();
    }
    const parse = createTimestamptzParser(driverParse);
    expect(parse("infinity")).toBe(Number.POSITIVE_INFINITY);
    expect((parse("0001-01-01 00:00:00+00 BC") as Date).getUTCFullYear()).toBe(0);
    expect((parse("0050-01-01 00:00:00+00") as Date).toISOString()).toBe("0050-01-01T00:00:00.000Z");
  });

  it("agrees with the driver's parser on generated values", () => {
    const offsets = ["+00", "-00", "+05:30", "-03:30", "+05:45", "+14", "-12", "+00:19:32"];
    let seed = 42;
    const random = () => {
      seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31;
      return seed / 2 ** 31;
    };
    const pad = (n: number, width = 2) => String(n).padStart(width, "0");
    for (let i = 0; i < 5000; i++) {
      const year = 1900 + Math.floor(random() * 300);
      const stamp =
        `${pad(year, 4)}-${pad(1 + Math.floor(random() * 12))}-${pad(1 + Math.floor(random() * 28))} ` +
        `${pad(Math.floor(random() * 24))}:${pad(Math.floor(random() * 60))}:${pad(Math.floor(random() * 60))}`;
      // Fractions of up to 3 digits: beyond that the driver's float arithmetic may round where a Date cuts.
      const digits = Math.floor(random() * 4);
      const fraction = digits === 0 ? "" : `.${pad(Math.floor(random() * 10 ** digits), digits)}`;
      const text = `${stamp}${fraction}${offsets[i % offsets.length]}`;
      expect(parseIsoTimestamptz(text)?.getTime(), text).toBe((driverParse(text) as Date).getTime());
    }
  });
});

describe("timestamps read through the pool (PostgreSQL)", () => {
  let handle: DatabaseHandle;
  beforeAll(async () => {
    handle = await openMigrated(await createPostgresDatabase());
  });
  afterAll(async () => {
    await handle?.close();
  });

  it.each(["UTC", "Asia/Kolkata", "America/St_Johns", "Asia/Kathmandu", "Europe/Amsterdam"])(
    "reads what PostgreSQL writes in time zone %s as the same instant",
    async (zone) => {
      const rows = await handle.db.transaction().execute(async (tx) => {
        await sql`select set_config('TimeZone', ${zone}, true)`.execute(tx);
        const { rows } = await sql<{ t: Date; ms: string; text: string }>`
        select t, (extract(epoch from t) * 1000)::bigint::text as ms, t::text as text
          from unnest(array[
            '2026-06-01 10:00:00.123456+00', '2026-11-26 23:59:59.9+00', '1900-01-01 00:00:00+00',
            '1970-01-01 00:00:00+00', '2199-12-31 12:34:56.789+00'
          ]::timestamptz[]) as t`.execute(tx);
        return rows;
      });
      for (const row of rows) {
        expect(row.t, row.text).toBeInstanceOf(Date);
        expect(row.t.getTime(), row.text).toBe(Number(row.ms));
      }
    },
  );
});
