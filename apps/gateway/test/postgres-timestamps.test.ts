// The pool reads every timestamptz PostgreSQL writes as the instant it means, whatever the session's time zone.
import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { DatabaseHandle } from "../src/database/database.js";
import { createPostgresDatabase, openMigrated } from "./support/databases.js";

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
