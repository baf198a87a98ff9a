import type { DatabaseConfig } from "../shared/config.js";
import { MigrationError } from "../shared/errors.js";
import type { Logger } from "../shared/logger.js";
import { type DatabaseHandle, migrateToLatest, type OpenDatabaseOptions, openDatabase } from "./database.js";

/** Open the configured database and apply every pending migration, logging each; closes it again on failure. */
export async function openMigratedDatabase(
  config: DatabaseConfig,
  logger: Logger,
  options: OpenDatabaseOptions = {},
): Promise<DatabaseHandle> {
  const handle = await openDatabase(config, options);
  const migrated = await migrateToLatest(handle.db);
  if (!migrated.ok) {
    await handle.close();
    throw new MigrationError(migrated.error);
  }
  for (const result of migrated.results ?? []) {
    logger.info({ migration: result.migrationName, status: result.status }, "migration");
  }
  return handle;
}
