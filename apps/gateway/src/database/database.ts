import { mkdir } from "node:fs/promises";
import { PGlite } from "@electric-sql/pglite";
import { Kysely, type MigrationResultSet, Migrator, PostgresDialect, type Transaction } from "kysely";
import { PGliteDialect } from "kysely-pglite-dialect";
import pg from "pg";
import type { BindingTable } from "../bindings/binding.table.js";
import type { CallEventTable } from "../calls/call-event.table.js";
import type { CallRecordTable } from "../calls/call-record.table.js";
import type { CallSessionTable } from "../calls/call-session.table.js";
import type { NonceTable } from "../ingest/nonce.table.js";
import type { ReceivedNotificationTable } from "../notifications/received-notification.table.js";
import type { VirtualNumberTable } from "../numbers/virtual-number.table.js";
import type { DatabaseConfig } from "../shared/config.js";
import { migrationProvider } from "./migration-provider.js";

/** Every table of the gateway, as Kysely sees them. */
export interface Database {
  bindings: BindingTable;
  call_events: CallEventTable;
  call_records: CallRecordTable;
  call_sessions: CallSessionTable;
  virtual_numbers: VirtualNumberTable;
  received_notifications: ReceivedNotificationTable;
  nonces: NonceTable;
}

/** What repositories take as their first argument: the database or an open transaction. */
export type Executor = Kysely<Database> | Transaction<Database>;

/** An open database handle. */
export interface DatabaseHandle {
  db: Kysely<Database>;
  kind: DatabaseConfig["kind"];
  /** Statements run so far (each query Kysely sent, whether it succeeded or failed). */
  queryCount(): number;
  /** Connections of the pool (Postgres); undefined for PGlite, which has one connection and no pool. */
  poolStats(): { total: number; idle: number; waiting: number } | undefined;
  /** Close the pool (or PGlite). Idempotent. */
  close(): Promise<void>;
}

const INT8_OID = 20;

/** Options for {@link openDatabase}. */
export interface OpenDatabaseOptions {
  /** Maximum pooled connections (Postgres only). @default 10 */
  poolSize?: number;
  /** How long to wait for a connection before failing (Postgres only), in ms. @default 5000 */
  connectionTimeoutMillis?: number;
}

/** Open Postgres (via `pg`) or an embedded PGlite, as configured. Does not migrate. */
export async function openDatabase(
  config: DatabaseConfig,
  options: OpenDatabaseOptions = {},
): Promise<DatabaseHandle> {
  let closed = false;
  let queries = 0;
  // Kysely calls `log` once per statement, after it ran: the count tests and metrics read.
  const log = () => {
    queries += 1;
  };
  const queryCount = () => queries;
  if (config.kind === "postgres") {
    const pool = new pg.Pool({
      connectionString: config.url,
      max: options.poolSize ?? 10,
      connectionTimeoutMillis: options.connectionTimeoutMillis ?? 5000,
      // bigint columns (ids, stream positions) stay far below 2^53; read them as numbers, as PGlite does,
      // and do it per pool rather than through pg's global type registry. Timestamps are read by the
      // driver's own parser: a faster one of ours saved no CPU a whole request shows
      // (docs/performance-notes.md).
      types: {
        getTypeParser: ((oid: number, format?: "text" | "binary") => {
          if (format === "binary") return pg.types.getTypeParser(oid, format);
          if (oid === INT8_OID) return (value: string) => Number(value);
          return pg.types.getTypeParser(oid, format);
        }) as typeof pg.types.getTypeParser,
      },
    });
    // A connection dropping (database restart, network cut) must not crash the process: pg reports it
    // as an 'error' event on the pool (idle client) or on the client itself (checked-out client), and an
    // unheard 'error' event throws. The query in flight, if any, still fails; the pool reconnects later.
    pool.on("error", () => {});
    pool.on("connect", (client) => client.on("error", () => {}));
    const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }), log });
    return {
      db,
      kind: "postgres",
      queryCount,
      poolStats: () => ({ total: pool.totalCount, idle: pool.idleCount, waiting: pool.waitingCount }),
      close: async () => {
        if (closed) return;
        closed = true;
        await db.destroy();
      },
    };
  }
  const inMemory = config.dataDir.startsWith("memory://");
  if (!inMemory) await mkdir(config.dataDir, { recursive: true });
  const pglite = await PGlite.create(inMemory ? undefined : config.dataDir);
  const db = new Kysely<Database>({ dialect: new PGliteDialect(pglite), log });
  return {
    db,
    kind: "pglite",
    queryCount,
    poolStats: () => undefined,
    close: async () => {
      if (closed) return;
      closed = true;
      await db.destroy();
    },
  };
}

/** Outcome of {@link migrateToLatest}, as Kysely's Migrator reports it. */
export type MigrationOutcome =
  | { ok: true; results: MigrationResultSet["results"] }
  | {
      ok: false;
      error: unknown;
      results: MigrationResultSet["results"];
    };

/** Apply every pending migration with Kysely's Migrator. */
export async function migrateToLatest(db: Kysely<Database>): Promise<MigrationOutcome> {
  const migrator = new Migrator({ db, provider: migrationProvider });
  const { error, results } = await migrator.migrateToLatest();
  return error === undefined ? { ok: true, results } : { ok: false, error, results };
}
