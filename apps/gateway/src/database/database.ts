import { mkdir } from "node:fs/promises";
import { PGlite } from "@electric-sql/pglite";
import { Kysely, type MigrationResultSet, Migrator, PostgresDialect, type Transaction } from "kysely";
import { PGliteDialect } from "kysely-pglite-dialect";
import pg from "pg";
import type { BindingTable } from "../bindings/binding.table.js";
import type { CallEventTable } from "../calls/call-event.table.js";
import type { CallFoldBasisTable } from "../calls/call-fold-basis.table.js";
import type { CallRecordTable } from "../calls/call-record.table.js";
import type { CallSessionTable } from "../calls/call-session.table.js";
import type { StreamChangeTable } from "../changes/stream-change.table.js";
import type { GatewaySecretTable } from "../database/gateway-secret.table.js";
import type { NonceTable } from "../notifications/nonce.table.js";
import type { ReceivedNotificationTable } from "../notifications/received-notification.table.js";
import type { VirtualNumberTable } from "../numbers/virtual-number.table.js";
import type { RecordingTable } from "../recordings/recording.table.js";
import type { DatabaseConfig } from "../shared/config.js";
import { abandoningPool } from "./abandoning-pool.js";
import { migrationProvider } from "./migration-provider.js";
import { pipeliningPool } from "./pipelined-transactions.js";
import { preparingPool } from "./prepared-statements.js";

/** Every table of the gateway, as Kysely sees them. */
export interface Database {
  bindings: BindingTable;
  call_events: CallEventTable;
  call_records: CallRecordTable;
  call_sessions: CallSessionTable;
  call_fold_bases: CallFoldBasisTable;
  virtual_numbers: VirtualNumberTable;
  received_notifications: ReceivedNotificationTable;
  nonces: NonceTable;
  stream_changes: StreamChangeTable;
  recordings: RecordingTable;
  gateway_secrets: GatewaySecretTable;
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
  /**
   * Close the pool (or PGlite). Idempotent. Bounded for Postgres: connections still in use after
   * `closeTimeoutMillis` are destroyed.
   */
  close(): Promise<void>;
}

const INT8_OID = 20;

/**
 * How long the gateway waits on PostgreSQL, in ms. Each guards against one way a database or its link can
 * hang: a connection that cannot be made, a statement or lock that takes too long (ended by the server), a
 * session left in a transaction by a client that gave up (ended by the server, releasing its locks), and a
 * link that goes silent (the client abandons the statement and destroys the connection). For the
 * connection, statement, lock, idle-in-transaction and query timeouts, 0 means none.
 */
export interface DatabaseTimeouts {
  /** Wait for a connection (new, or free in a full pool) before failing. */
  connectionTimeoutMillis: number;
  /** Server side, `statement_timeout`: a statement running longer is cancelled (SQLSTATE 57014). */
  statementTimeoutMillis: number;
  /** Server side, `lock_timeout`: a lock not granted within it fails the statement (SQLSTATE 55P03). */
  lockTimeoutMillis: number;
  /**
   * Server side, `idle_in_transaction_session_timeout`: a session idle inside a transaction longer than
   * this (its client gone quiet) is ended, and its locks with it.
   */
  idleInTransactionTimeoutMillis: number;
  /**
   * Client side, pg's `query_timeout`: a statement without an answer within it is abandoned and its
   * connection destroyed. Longer than `statementTimeoutMillis`, so that only a silent link reaches it.
   */
  queryTimeoutMillis: number;
  /** Close a connection idle in the pool this long. */
  idleTimeoutMillis: number;
  /** TCP keepalive: first probe after the connection has been quiet this long. */
  keepAliveInitialDelayMillis: number;
  /** `close` waits this long for connections still in use, then destroys them. */
  closeTimeoutMillis: number;
}

/** The timeouts of a PostgreSQL pool unless {@link OpenDatabaseOptions} says otherwise. */
export const DEFAULT_DATABASE_TIMEOUTS: Readonly<DatabaseTimeouts> = Object.freeze({
  connectionTimeoutMillis: 5000,
  statementTimeoutMillis: 15_000,
  lockTimeoutMillis: 5000,
  idleInTransactionTimeoutMillis: 10_000,
  queryTimeoutMillis: 20_000,
  idleTimeoutMillis: 10_000,
  keepAliveInitialDelayMillis: 10_000,
  closeTimeoutMillis: 3000,
});

/** Options for {@link openDatabase}. */
export interface OpenDatabaseOptions extends Partial<DatabaseTimeouts> {
  /** Maximum pooled connections (Postgres only). @default 10 */
  poolSize?: number;
  /** `application_name` of every connection (Postgres only): who is connected, in `pg_stat_activity`. */
  applicationName?: string;
}

/**
 * Open Postgres (via `pg`, with {@link DatabaseTimeouts} on the pool and on every connection) or an embedded
 * PGlite, as configured. Does not migrate.
 */
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
    const timeouts = { ...DEFAULT_DATABASE_TIMEOUTS, ...definedOf(options) };
    const pool = new pg.Pool({
      connectionString: config.url,
      max: options.poolSize ?? 10,
      connectionTimeoutMillis: timeouts.connectionTimeoutMillis,
      idleTimeoutMillis: timeouts.idleTimeoutMillis,
      keepAlive: true,
      keepAliveInitialDelayMillis: timeouts.keepAliveInitialDelayMillis,
      query_timeout: timeouts.queryTimeoutMillis,
      ...(options.applicationName !== undefined ? { application_name: options.applicationName } : {}),
      // Sent in the startup message, so they hold for every statement of every connection, from the first.
      statement_timeout: timeouts.statementTimeoutMillis,
      lock_timeout: timeouts.lockTimeoutMillis,
      idle_in_transaction_session_timeout: timeouts.idleInTransactionTimeoutMillis,
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
    const guarded = abandoningPool(pool, { endTimeoutMillis: timeouts.closeTimeoutMillis });
    const db = new Kysely<Database>({
      dialect: new PostgresDialect({ pool: preparingPool(pipeliningPool(guarded)) }),
      log,
    });
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
  // PGlite is one connection in this process: nothing to time out or abandon. Its users queue (Kysely's
  // PGlite dialect lends the one connection to one at a time), and each queue bounds its own wait.
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

/** The options that are set (an `undefined` must not override a default). */
function definedOf(options: OpenDatabaseOptions): Partial<DatabaseTimeouts> {
  return Object.fromEntries(Object.entries(options).filter(([, value]) => value !== undefined));
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
