// The gateway's public entry (`@privnum/gateway`), for programs that embed it rather than run `pnpm start`: the
// benchmarks start it in their own processes and prepare its databases. It is kept small on purpose: all else
// in src/ may change without notice, and a name added here is a promise to the packages that import it.

/**
 * Build a gateway from a {@link GatewayConfig}; nothing runs until `start()`, which binds the ports, opens and
 * migrates the database, starts the platform link and serves. `stop()` undoes whatever `start()` did.
 */
export { type BuildAppOptions, buildApp, type GatewayApp, type RunningGateway } from "./app.js";
/** A row of the `bindings` table as read (`BindingRow`) and as inserted (`NewBindingRow`), e.g. to seed it. */
export type { BindingRow, NewBindingRow } from "./bindings/binding.table.js";
/** The mirror row the gateway stores for a platform binding: seed the table with the rows the gateway writes. */
export { bindingRowFromPlatform, type MirrorTimes } from "./bindings/binding-row.js";
/**
 * Open the gateway's database (PostgreSQL or PGlite) without migrating it, and apply its migrations, as
 * `start()` does: a program that writes rows the gateway reads gets the same tables and column parsers.
 * `Database` is every table the migrations create, as Kysely sees them.
 */
export {
  type Database,
  type DatabaseHandle,
  type MigrationOutcome,
  migrateToLatest,
  type OpenDatabaseOptions,
  openDatabase,
} from "./database/database.js";
/**
 * The gateway's configuration: `parseConfig` validates an environment map and never throws,
 * `loadConfigFromEnv` reads `process.env`, `testConfig` gives in-memory PGlite, the embedded simulator and
 * free ports.
 */
export {
  type ConfigIssue,
  type ConfigResult,
  type DatabaseConfig,
  type GatewayConfig,
  loadConfigFromEnv,
  parseConfig,
  testConfig,
} from "./shared/config.js";
