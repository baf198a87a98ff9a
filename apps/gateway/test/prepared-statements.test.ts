import { Kysely, PostgresDialect, type PostgresPool, type PostgresPoolClient, sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type DatabaseHandle, migrateToLatest, openDatabase } from "../src/database/database.js";
import { PREPARED, preparingPool } from "../src/database/prepared-statements.js";
import { createPostgresDatabase, type TestDatabase } from "./support/databases.js";
import { callEvent, cdr, pendingPush as push, storeAccepted, withNonce } from "./support/notifications.js";

const at = new Date("2026-06-01T10:00:00Z");
const later = (seconds: number) => new Date(at.getTime() + seconds * 1000);

/** A pool of one fake client that records what it is asked. */
function recordingPool() {
  const calls: unknown[][] = [];
  const client: PostgresPoolClient = {
    query: ((...args: unknown[]) => {
      calls.push(args);
      return Promise.resolve({ command: "SELECT", rowCount: 0, rows: [] });
    }) as unknown as PostgresPoolClient["query"],
    release: () => {},
  };
  const pool: PostgresPool = { connect: async () => client, end: async () => {} };
  return { calls, pool: preparingPool(pool) };
}

describe("preparingPool", () => {
  it("runs a marked statement as a named one, the same name for the same text on every connection", async () => {
    const { calls, pool } = recordingPool();
    const text = "/* prepared */ select $1::int4";
    await (await pool.connect()).query(text, [1]);
    await (await pool.connect()).query(text, [2]);
    expect(calls).toHaveLength(2);
    const [first, second] = calls.map((args) => args[0] as { name: string; text: string; values: unknown[] });
    expect(first).toMatchObject({ text, values: [1] });
    expect(first!.name).toMatch(/^privnum_[0-9a-f]{20}$/);
    expect(second).toMatchObject({ name: first!.name, values: [2] });
  });

  it("leaves unmarked statements and cursors as they are", async () => {
    const { calls, pool } = recordingPool();
    const client = await pool.connect();
    await client.query("select $1::int4", [1]);
    const cursor = { read: async () => [], close: async () => {} };
    client.query(cursor as never);
    expect(calls).toEqual([["select $1::int4", [1]], [cursor]]);
  });

  it("names at most 200 texts; the rest run unnamed", async () => {
    const { calls, pool } = recordingPool();
    const client = await pool.connect();
    for (let i = 0; i < 201; i++) await client.query(`/* prepared */ select ${i}`, []);
    expect(calls.slice(0, 200).every(([config]) => typeof config === "object")).toBe(true);
    expect(calls[200]).toEqual(["/* prepared */ select 200", []]);
  });

  it("names a statement Kysely runs with PREPARED first in it, and only such a statement", async () => {
    const { calls, pool } = recordingPool();
    const db = new Kysely<Record<string, never>>({ dialect: new PostgresDialect({ pool }) });
    await sql`${PREPARED}select ${1}::int4 as one`.execute(db);
    await sql`select ${2}::int4 as two`.execute(db);
    expect(calls[0]![0]).toMatchObject({ text: "/* prepared */ select $1::int4 as one", values: [1] });
    expect(calls[1]).toEqual(["select $1::int4 as two", [2]]);
    await db.destroy();
  });
});

// PostgreSQL only: PGlite has no prepared statements to check.
describe("the statements that run prepared, on PostgreSQL", () => {
  let database: TestDatabase;
  let handle: DatabaseHandle;
  beforeAll(async () => {
    database = await createPostgresDatabase();
    // One connection, so that what the statements left prepared is seen by the checks below.
    handle = await openDatabase(database.config, { poolSize: 1 });
    const migrated = await migrateToLatest(handle.db);
    if (!migrated.ok) throw migrated.error;
  });
  afterAll(async () => {
    await handle?.close();
    await database?.drop();
  });

  it("plan no scan of a table, even generic plans made on empty tables that were never analysed", async () => {
    // The worst case for a generic plan: every table empty and without statistics, as on a fresh database.
    for (let i = 0; i < 8; i++) {
      const call = `prepared-call-${i}`;
      // New calls, then known ones (with fold bases), one X number and subscriptionIds with no binding.
      await storeAccepted(
        handle.db,
        [
          withNonce(
            push(callEvent("callin", call, later(i), { subscriptionId: `sub-${i}` })),
            `n-${i}`,
            later(i),
          ),
          push(callEvent("collectInfo", call, later(i + 1), { digitInfo: "0007" })),
        ],
        later(i),
      );
      await storeAccepted(
        handle.db,
        [push(callEvent("alerting", call, later(i + 2), { subscriptionId: `sub-${i}` }))],
        later(i),
      );
    }

    // CDR pushes: new CDRs with and without a recording, an unknown X number, then the same push again.
    for (let i = 0; i < 8; i++) {
      const fee = {
        eventType: "fee",
        feeLst: [
          cdr(
            `prepared-icid-${i}`,
            `prepared-call-${i}`,
            later(i + 50),
            i % 2 === 1
              ? { recordFlag: 1, recordDomain: "sim.local", recordObjectName: `prepared-${i}.wav` }
              : {},
          ),
          cdr(`prepared-icid-${i}-b`, `prepared-cdr-call-${i}`, later(i + 50), {
            bindNum: `+86170000009${i}0`,
          }),
        ],
      };
      await storeAccepted(handle.db, [push(fee)], later(i + 90));
      await storeAccepted(handle.db, [push(fee)], later(i + 90));
    }

    const { rows: statements } = await sql<{
      name: string;
      statement: string;
      parameter_types: string;
      generic_plans: number;
    }>`select name, statement, parameter_types::text, generic_plans from pg_prepared_statements
        where name like 'privnum\\_%'`.execute(handle.db);
    const text = (fragment: string) => statements.find((s) => s.statement.includes(fragment));
    // Each kind of marked statement the pushes ran is there.
    for (const fragment of [
      "insert into received_notifications",
      "from keys as k",
      "insert into nonces",
      "lookup_index",
      // The last statement: the new events, the calls and the changes, at their stream positions.
      "insert into call_events",
      "insert into call_records",
    ]) {
      expect(text(fragment), fragment).toBeDefined();
    }
    // The lookups settled on their generic plan: they are no longer planned at every run.
    expect(text("from keys as k")!.generic_plans).toBeGreaterThan(0);
    expect(text("lookup_index")!.generic_plans).toBeGreaterThan(0);
    expect(text("insert into stream_changes")!.generic_plans).toBeGreaterThan(0);

    await sql`set plan_cache_mode = force_generic_plan`.execute(handle.db);
    try {
      for (const statement of statements) {
        const parameters = (statement.parameter_types.match(/,/g)?.length ?? 0) + 1;
        const { rows } = await sql<{ "QUERY PLAN": unknown }>`explain (format json) execute ${sql.raw(
          statement.name,
        )}(${sql.raw(Array(parameters).fill("null").join(", "))})`.execute(handle.db);
        const plan = JSON.stringify(rows[0]!["QUERY PLAN"]);
        const scanned = [...plan.matchAll(/"Node Type":"Seq Scan"[^}]*?"Relation Name":"([a-z_]+)"/g)].map(
          (m) => m[1],
        );
        expect(scanned, statement.statement.slice(0, 120)).toEqual([]);
      }
    } finally {
      await sql`reset plan_cache_mode`.execute(handle.db);
    }
  });
});
