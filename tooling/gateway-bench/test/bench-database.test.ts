// The bench's databases on the machine's PostgreSQL, created and migrated through the gateway's public entry
// (`@privnum/gateway`): the tables the raw baselines write to are the gateway's own.
import { afterAll, describe, expect, it } from "vitest";
import {
  createBenchDatabase,
  dropAllBenchDatabases,
  POSTGRES_ADMIN_URL,
  prepareBaselineDatabase,
  queryValue,
  seedBindings,
} from "../src/lib/bench-database.js";
import { BENCH_BINDING_COUNT } from "../src/lib/push-bodies.js";

const databaseExists = (name: string) =>
  queryValue(POSTGRES_ADMIN_URL, `select count(*) as value from pg_database where datname = '${name}'`);

afterAll(() => dropAllBenchDatabases());

describe("bench databases", () => {
  it("migrates a fresh database with the gateway's migrations and stores the baselines' notification row", async () => {
    const database = await createBenchDatabase("test");
    const { receivedNotificationId } = await prepareBaselineDatabase(database);
    expect(
      await queryValue(
        database.url,
        `select count(*) as value from received_notifications where id = ${receivedNotificationId}`,
      ),
    ).toBe(1);
    // The gateway's tables are there, empty.
    expect(await queryValue(database.url, "select count(*) as value from call_records")).toBe(0);
    await database.drop();
    expect(await databaseExists(database.name)).toBe(0);
  });

  it("seeds every bench binding into a migrated database", async () => {
    const database = await createBenchDatabase("test");
    await prepareBaselineDatabase(database);
    expect(await seedBindings(database)).toBe(BENCH_BINDING_COUNT);
    expect(
      await queryValue(database.url, "select count(distinct subscription_id) as value from bindings"),
    ).toBe(BENCH_BINDING_COUNT);
  });

  it("drops every database it created and has not dropped yet, once", async () => {
    const first = await createBenchDatabase("test");
    const second = await createBenchDatabase("test");
    await first.drop();
    await dropAllBenchDatabases();
    expect(await databaseExists(first.name)).toBe(0);
    expect(await databaseExists(second.name)).toBe(0);
    // A second drop of an already dropped database is a no-op, not an error.
    await expect(second.drop()).resolves.toBeUndefined();
  });

  it("refuses to prepare a database that does not exist", async () => {
    const database = await createBenchDatabase("test");
    await database.drop();
    await expect(prepareBaselineDatabase(database)).rejects.toThrow(/does not exist/);
  });
});
