import type { DatabaseConfig } from "../shared/config.js";
import { MigrationError } from "../shared/errors.js";
import type { Logger } from "../shared/logger.js";
import {
  type DatabaseHandle,
  type MigrationOutcome,
  migrateToLatest,
  type OpenDatabaseOptions,
  openDatabase,
} from "./database.js";

// Migrations may rewrite a large table, and an instance starting next to one that is migrating waits for
// its migration lock: neither may be cut short by the serving pool's statement, lock and query timeouts.
// "0" turns each off; connecting and idling in a transaction stay bounded.
const MIGRATION_OPTIONS: OpenDatabaseOptions = {
  poolSize: 1,
  statementTimeoutMillis: 0,
  lockTimeoutMillis: 0,
  queryTimeoutMillis: 0,
};

/** Apply every pending migration: on PostgreSQL over a connection of its own, without statement timeouts. */
async function migrate(
  config: DatabaseConfig,
  handle: DatabaseHandle,
  options: OpenDatabaseOptions,
): Promise<MigrationOutcome> {
  // PGlite is one database in this process: it cannot be opened twice, and has no timeouts to lift.
  if (config.kind !== "postgres") return migrateToLatest(handle.db);
  const migrating = await openDatabase(config, { ...options, ...MIGRATION_OPTIONS });
  try {
    return await migrateToLatest(migrating.db);
  } finally {
    await migrating.close();
  }
}

/** Open the configured database and apply every pending migration, logging each; closes it again on failure. */
export async function openMigratedDatabase(
  config: DatabaseConfig,
  logger: Logger,
  options: OpenDatabaseOptions = {},
): Promise<DatabaseHandle> {
  const handle = await openDatabase(config, options);
  let migrated: MigrationOutcome;
  try {
    migrated = await migrate(config, handle, options);
  } catch (error) {
    await handle.close();
    throw error;
  }
  if (!migrated.ok) {
    await handle.close();
    throw new MigrationError(migrated.error);
  }
  for (const result of migrated.results ?? []) {
    logger.info({ migration: result.migrationName, status: result.status }, "migration");
  }
  return handle;
}
