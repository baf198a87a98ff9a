// The PostgreSQL pool's timeouts, through a TCP proxy that can stall the link to the machine's PostgreSQL:
// a statement on a silent link is abandoned with its connection, and a session whose client gave up is ended
// by the server, releasing its locks.
import { type Kysely, sql } from "kysely";
import pg from "pg";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { type Database, type DatabaseHandle, openDatabase } from "../src/database/database.js";
import { isDatabaseUnavailable } from "../src/database/database-errors.js";
import { openMigratedDatabase } from "../src/database/open-migrated-database.js";
import { createLogger } from "../src/shared/logger.js";
import { streamLock } from "../src/stream/stream-lock.js";
import { createProxiedPostgresDatabase, type ProxiedPostgres } from "./support/databases.js";
import { until } from "./support/gateway.js";
import type { TcpProxy } from "./support/tcp-proxy.js";

// Short timeouts, so that each case takes seconds; the gateway test (database-stall.test.ts) runs the defaults.
const TIMEOUTS = {
  connectionTimeoutMillis: 1000,
  statementTimeoutMillis: 1500,
  lockTimeoutMillis: 500,
  idleInTransactionTimeoutMillis: 1500,
  queryTimeoutMillis: 1000,
  closeTimeoutMillis: 1000,
};

const STREAM_LOCK = { classId: 0x7072_0002, objectId: 0 };

let postgres: ProxiedPostgres;
let proxy: TcpProxy;
let admin: pg.Client;
const handles: DatabaseHandle[] = [];

const viaProxy = () => postgres.url;
/** The database's own URL, not through the proxy. */
const directUrl = () => (postgres.database.config as { url: string }).url;

async function open(options: Parameters<typeof openDatabase>[1] = {}): Promise<DatabaseHandle> {
  const handle = await openDatabase({ kind: "postgres", url: viaProxy() }, { ...TIMEOUTS, ...options });
  handles.push(handle);
  return handle;
}

const backendPid = async (db: Kysely<Database>) =>
  (await sql<{ pid: number }>`select pg_backend_pid() as pid`.execute(db)).rows[0]!.pid;

async function sessionAlive(pid: number): Promise<boolean> {
  const { rows } = await admin.query("select 1 from pg_stat_activity where pid = $1", [pid]);
  return rows.length > 0;
}

beforeAll(async () => {
  postgres = await createProxiedPostgresDatabase();
  proxy = postgres.proxy;
  admin = new pg.Client(directUrl());
  await admin.connect();
});

afterEach(async () => {
  proxy.resume();
  for (const handle of handles.splice(0)) await handle.close();
});

afterAll(async () => {
  await admin?.end();
  await postgres?.close();
});

describe("a PostgreSQL connection", () => {
  it("carries the server-side timeouts from its first statement", async () => {
    const { db } = await open();
    const { rows } = await sql<{ name: string; setting: string }>`
      select name, setting from pg_settings
       where name in ('statement_timeout', 'lock_timeout', 'idle_in_transaction_session_timeout')
       order by name`.execute(db);
    expect(rows).toEqual([
      { name: "idle_in_transaction_session_timeout", setting: "1500" },
      { name: "lock_timeout", setting: "500" },
      { name: "statement_timeout", setting: "1500" },
    ]);
  });

  it("is abandoned and destroyed when its statement gets no answer over a silent link, never lent again", async () => {
    const { db } = await open({ poolSize: 1 });
    const before = await backendPid(db);

    proxy.stall();
    const stalled = await sql`select 1`.execute(db).catch((error: unknown) => error);
    expect(stalled).toBeInstanceOf(Error);
    expect((stalled as Error).message).toBe("Query read timeout");
    expect(isDatabaseUnavailable(stalled)).toBe(true);
    proxy.resume();

    // The only connection of the pool was destroyed: the next statement runs on a new session, at once.
    const after = await backendPid(db);
    expect(after).not.toBe(before);
    await until(async () => !(await sessionAlive(before)), "the abandoned session to end", 15_000);
  });

  it("fails a transaction stuck on a silent link with its statement's timeout, and the next one runs on a new session", async () => {
    const { db } = await open({ poolSize: 1 });
    let pid = 0;
    const stuck = db
      .transaction()
      .execute(async (tx) => {
        pid = await backendPid(tx);
        proxy.stall();
        await sql`select 1`.execute(tx);
      })
      .catch((error: unknown) => error);
    const error = await stuck;
    // The statement's timeout, not "not queryable" from the ROLLBACK after it.
    expect((error as Error).message).toBe("Query read timeout");
    proxy.resume();
    const next = await db.transaction().execute((tx) => backendPid(tx));
    expect(next).not.toBe(pid);
  });

  it("is ended by the server when its client gives up mid-transaction, and the stream lock it held is free again", async () => {
    const zombie = await open({ poolSize: 1, queryTimeoutMillis: 60_000 });
    let pid = 0;
    let holding!: () => void;
    const held = new Promise<void>((resolve) => {
      holding = resolve;
    });
    // The client takes the stream lock as ingest does, then the link goes silent and the client gives up.
    const transaction = zombie.db
      .transaction()
      .execute(async (tx) => {
        pid = await backendPid(tx);
        await sql`select ${streamLock()}`.execute(tx);
        holding();
        await new Promise(() => {}); // never commits
      })
      .catch(() => {});
    await held;
    proxy.stall();

    // Another session wanting the lock meanwhile is refused after lock_timeout, as "retry later".
    const other = new pg.Client({
      connectionString: directUrl(),
      lock_timeout: TIMEOUTS.lockTimeoutMillis,
    });
    await other.connect();
    try {
      const refused = await other
        .query("select pg_advisory_lock($1::int4, $2::int4)", [STREAM_LOCK.classId, STREAM_LOCK.objectId])
        .catch((error: unknown) => error);
      expect((refused as { code?: string }).code).toBe("55P03");
      expect(isDatabaseUnavailable(refused)).toBe(true);

      // idle_in_transaction_session_timeout ends the zombie although its socket is still open.
      await until(async () => !(await sessionAlive(pid)), "the server to end the idle transaction", 15_000);
      expect(proxy.connections).toBeGreaterThan(0);
      const { rows } = await other.query("select pg_try_advisory_lock($1::int4, $2::int4) as locked", [
        STREAM_LOCK.classId,
        STREAM_LOCK.objectId,
      ]);
      expect(rows[0].locked).toBe(true);
    } finally {
      await other.end();
    }
    void transaction;
  });

  it("closes within its bound while a statement is stuck on a silent link", async () => {
    const handle = await open({ queryTimeoutMillis: 60_000 });
    await backendPid(handle.db);
    proxy.stall();
    const stuck = sql`select 1`.execute(handle.db).catch((error: unknown) => error);
    await new Promise((resolve) => setTimeout(resolve, 100));
    await handle.close();
    // The statement was abandoned with its connection, not left waiting for the link.
    expect(isDatabaseUnavailable(await stuck)).toBe(true);
  });

  it("does not cut migrations short: they wait out another instance's migration lock beyond the statement timeouts", async () => {
    // Kysely's migration lock, held by "another instance" for longer than every statement timeout below.
    const migrationLock = "3853314791062309107";
    await admin.query("select pg_advisory_lock($1::bigint)", [migrationLock]);
    const unlock = setTimeout(() => {
      void admin.query("select pg_advisory_unlock($1::bigint)", [migrationLock]);
    }, 2500);
    try {
      const handle = await openMigratedDatabase(
        { kind: "postgres", url: viaProxy() },
        createLogger({ level: "silent" }),
        { ...TIMEOUTS, statementTimeoutMillis: 500, lockTimeoutMillis: 300, queryTimeoutMillis: 800 },
      );
      handles.push(handle);
      // Migrated, and the serving pool keeps its timeouts.
      const tables = await sql<{ n: number }>`
        select count(*)::int as n from information_schema.tables where table_name = 'call_events'`.execute(
        handle.db,
      );
      expect(tables.rows[0]!.n).toBe(1);
      const timeout = await sql<{
        setting: string;
      }>`select current_setting('statement_timeout') as setting`.execute(handle.db);
      expect(timeout.rows[0]!.setting).toBe("500ms");
    } finally {
      clearTimeout(unlock);
      await admin.query("select pg_advisory_unlock_all()");
    }
  });
});
