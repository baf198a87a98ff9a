import { randomBytes } from "node:crypto";
import pg from "pg";
import { type DatabaseHandle, migrateToLatest, openDatabase } from "../../src/database/database.js";
import type { DatabaseConfig } from "../../src/shared/config.js";
import { startTcpProxy, type TcpProxy } from "./tcp-proxy.js";

/**
 * The PostgreSQL server tests create throwaway databases on: `PRIVNUM_TEST_POSTGRES_URL`, by default the
 * machine's own (trust auth).
 */
export const POSTGRES_ADMIN_URL =
  process.env.PRIVNUM_TEST_POSTGRES_URL || "postgres://postgres@127.0.0.1:5432/postgres";

/** A database created for one test file and dropped after it. */
export interface TestDatabase {
  config: DatabaseConfig;
  drop(): Promise<void>;
}

/** Create a fresh, uniquely named PostgreSQL database. */
export async function createPostgresDatabase(): Promise<TestDatabase> {
  const name = `privnum_gateway_test_${Date.now().toString(36)}_${randomBytes(4).toString("hex")}`;
  const admin = new pg.Client(POSTGRES_ADMIN_URL);
  await admin.connect();
  try {
    await admin.query(`create database "${name}"`);
  } finally {
    await admin.end();
  }
  const url = new URL(POSTGRES_ADMIN_URL);
  url.pathname = `/${name}`;
  return {
    config: { kind: "postgres", url: url.toString() },
    drop: async () => {
      const client = new pg.Client(POSTGRES_ADMIN_URL);
      await client.connect();
      try {
        await client.query(`drop database if exists "${name}" with (force)`);
      } finally {
        await client.end();
      }
    },
  };
}

/** An in-memory PGlite database (nothing to drop). */
export function createPgliteDatabase(): TestDatabase {
  return { config: { kind: "pglite", dataDir: "memory://" }, drop: async () => {} };
}

/** Both engines the gateway supports, for `describe.each`. */
export const ENGINES = [
  { engine: "postgres", create: createPostgresDatabase },
  { engine: "pglite", create: async () => createPgliteDatabase() },
] as const;

/** Open and migrate a test database; the returned `close` also drops it. */
export async function openMigrated(test: TestDatabase): Promise<DatabaseHandle> {
  const handle = await openDatabase(test.config);
  const outcome = await migrateToLatest(handle.db);
  if (!outcome.ok) throw outcome.error;
  return {
    ...handle,
    close: async () => {
      await handle.close();
      await test.drop();
    },
  };
}

/** A fresh PostgreSQL database that the gateway reaches through a TCP proxy the test can cut, stall or reset. */
export interface ProxiedPostgres {
  database: TestDatabase;
  proxy: TcpProxy;
  /** The database's URL through the proxy. */
  url: string;
  /** The configuration of a gateway that reaches it through the proxy. */
  config: DatabaseConfig;
  /** Close the proxy and drop the database. */
  close(): Promise<void>;
}

/** {@link createPostgresDatabase}, behind {@link startTcpProxy} to the server of `PRIVNUM_TEST_POSTGRES_URL`. */
export async function createProxiedPostgresDatabase(): Promise<ProxiedPostgres> {
  const database = await createPostgresDatabase();
  if (database.config.kind !== "postgres") throw new Error("expected PostgreSQL");
  const direct = new URL(database.config.url);
  const proxy = await startTcpProxy(Number(direct.port || 5432), direct.hostname);
  const url = new URL(direct);
  url.hostname = "127.0.0.1";
  url.port = String(proxy.port);
  return {
    database,
    proxy,
    url: url.toString(),
    config: { kind: "postgres", url: url.toString() },
    close: async () => {
      await proxy.close();
      await database.drop();
    },
  };
}
