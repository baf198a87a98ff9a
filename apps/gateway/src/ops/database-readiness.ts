import { DEFAULT_MIGRATION_TABLE, type Kysely, sql } from "kysely";
import type { Database } from "../database/database.js";
import { migrationProvider } from "../database/migration-provider.js";
import type { ReadinessCheck } from "./readiness.js";

const UNDEFINED_TABLE = "42P01";

/**
 * The database check of `/readyz`: one statement that both reaches the database and lists the migrations
 * applied to it. Unready when the database does not answer (the readiness timeout bounds the wait) or when a
 * migration of this gateway is not applied; the detail says which of the two, never an address or a message
 * of the driver.
 */
export function databaseReadiness(db: Kysely<Database>): ReadinessCheck {
  return {
    name: "database",
    severity: "critical",
    async run() {
      let applied: Set<string>;
      try {
        const { rows } = await sql<{
          name: string;
        }>`select name from ${sql.table(DEFAULT_MIGRATION_TABLE)}`.execute(db);
        applied = new Set(rows.map((row) => row.name));
      } catch (error) {
        if ((error as { code?: unknown } | null)?.code !== UNDEFINED_TABLE) {
          return { state: "unready", detail: "unreachable" };
        }
        applied = new Set();
      }
      const expected = Object.keys(await migrationProvider.getMigrations());
      const pending = expected.filter((name) => !applied.has(name)).length;
      if (pending > 0) {
        return { state: "unready", detail: `${pending} migration${pending === 1 ? "" : "s"} pending` };
      }
      return { state: "ok" };
    },
  };
}
