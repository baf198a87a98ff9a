// Fresh databases on the machine's PostgreSQL for one bench run, dropped at the end whatever happens.
import { randomBytes } from "node:crypto";
import { migrateToLatest, openDatabase } from "@privnum/gateway";
import { sql } from "kysely";
import pg from "pg";
import { benchBindingRows } from "./push-bodies.js";

/** The PostgreSQL the run creates its databases on: `PRIVNUM_BENCH_POSTGRES_URL`, by default the machine's (trust auth). */
export const POSTGRES_ADMIN_URL =
  process.env.PRIVNUM_BENCH_POSTGRES_URL || "postgres://postgres@127.0.0.1:5432/postgres";

/** A database created for this run. */
export interface BenchDatabase {
  name: string;
  url: string;
  drop(): Promise<void>;
}

const created = new Set<BenchDatabase>();

async function admin<T>(run: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client(POSTGRES_ADMIN_URL);
  await client.connect();
  try {
    return await run(client);
  } finally {
    await client.end();
  }
}

/** Create an empty, uniquely named database. */
export async function createBenchDatabase(label: string): Promise<BenchDatabase> {
  const name = `privnum_bench_${label}_${Date.now().toString(36)}_${randomBytes(3).toString("hex")}`;
  await admin((client) => client.query(`create database "${name}"`));
  const url = new URL(POSTGRES_ADMIN_URL);
  url.pathname = `/${name}`;
  let dropped = false;
  const database: BenchDatabase = {
    name,
    url: url.toString(),
    async drop() {
      if (dropped) return;
      dropped = true;
      created.delete(database);
      await admin((client) => client.query(`drop database if exists "${name}" with (force)`));
    },
  };
  created.add(database);
  return database;
}

/** Drop every database this run created and has not dropped yet. */
export async function dropAllBenchDatabases(): Promise<void> {
  await Promise.all([...created].map((database) => database.drop()));
}

/**
 * Give the raw baselines the gateway's tables (by its own migrations, so the shape is the same) and the
 * one `received_notifications` row their rows refer to.
 */
export async function prepareBaselineDatabase(
  database: BenchDatabase,
): Promise<{ receivedNotificationId: number }> {
  const handle = await openDatabase({ kind: "postgres", url: database.url });
  try {
    const migrated = await migrateToLatest(handle.db);
    if (!migrated.ok) throw migrated.error;
    const { id } = await handle.db
      .insertInto("received_notifications")
      .values({
        path: "/bench",
        content_type: "application/json",
        app_key: null,
        kind: "fee",
        verdict: "accepted",
        reason: null,
        http_status: 200,
        body: null,
        body_size: 0,
        item_count: 0,
        new_item_count: 0,
      })
      .returning("id")
      .executeTakeFirstOrThrow();
    return { receivedNotificationId: id };
  } finally {
    await handle.close();
  }
}

/** Store the bench bindings' mirror rows in the gateway's (migrated) database. */
export async function seedBindings(database: BenchDatabase): Promise<number> {
  const handle = await openDatabase({ kind: "postgres", url: database.url });
  try {
    const rows = benchBindingRows(new Date());
    for (let i = 0; i < rows.length; i += 500) {
      await handle.db
        .insertInto("bindings")
        .values(rows.slice(i, i + 500))
        .execute();
    }
    // Planner statistics, as autovacuum gathers them on a database in service (this machine's PostgreSQL runs
    // with autovacuum off): the pushes' attribution lookups read these rows.
    await sql`analyze bindings`.execute(handle.db);
    return rows.length;
  } finally {
    await handle.close();
  }
}

/** A small query helper for counts and ids between phases. */
export async function queryValue(databaseUrl: string, sql: string): Promise<number> {
  const client = new pg.Client(databaseUrl);
  await client.connect();
  try {
    const result = await client.query<{ value: string | number | null }>(sql);
    return Number(result.rows[0]?.value ?? 0);
  } finally {
    await client.end();
  }
}
