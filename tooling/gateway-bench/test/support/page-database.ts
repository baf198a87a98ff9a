// The database P6's servers page through in tests: migrated by the gateway's migrations, with the bench's 1,000
// bindings and 100 CDRs (two raw pushes of 50, ids 1–100).
import pg from "pg";
import {
  type BenchDatabase,
  createBenchDatabase,
  prepareBaselineDatabase,
  seedBindings,
} from "../../src/lib/bench-database.js";
import { createRawCdrInserter } from "../../src/lib/raw-inserts.js";

/** Create and fill the database (drop it with `dropAllBenchDatabases`, and end `closeRawPools`). */
export async function createPageDatabase(): Promise<BenchDatabase> {
  const database = await createBenchDatabase("test");
  const { receivedNotificationId } = await prepareBaselineDatabase(database);
  await seedBindings(database);
  const cdrs = await createRawCdrInserter({
    databaseUrl: database.url,
    poolSize: 1,
    recordsPerPush: 50,
    series: 1,
    appKey: "bench-app",
    receivedNotificationId,
  });
  await cdrs.send(0);
  await cdrs.send(1);
  return database;
}

/** Run `statement` (one or more, `;`-separated) on `database` over a connection of its own. */
export async function execute(database: BenchDatabase, statement: string): Promise<void> {
  const client = new pg.Client(database.url);
  await client.connect();
  try {
    await client.query(statement);
  } finally {
    await client.end();
  }
}
