// The raw baselines of P1 and P2 write to tables migrated by the gateway's own migrations: their statements
// must fit the gateway's columns and unique keys, or the baseline figures measure failing inserts.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  type BenchDatabase,
  createBenchDatabase,
  dropAllBenchDatabases,
  prepareBaselineDatabase,
  queryValue,
} from "../src/lib/bench-database.js";
import { closeRawPools, createRawCdrInserter, createRawEventInserter } from "../src/lib/raw-inserts.js";

let database: BenchDatabase;
let receivedNotificationId: number;

beforeAll(async () => {
  database = await createBenchDatabase("test");
  ({ receivedNotificationId } = await prepareBaselineDatabase(database));
});

afterAll(async () => {
  await closeRawPools();
  await dropAllBenchDatabases();
});

describe("raw baselines", () => {
  it("stores each CDR push once, with its content hash, however often it is sent (P1)", async () => {
    const cdrs = await createRawCdrInserter({
      databaseUrl: database.url,
      poolSize: 2,
      recordsPerPush: 50,
      series: 1,
      appKey: "bench-app",
      receivedNotificationId,
    });
    await cdrs.send(0);
    await cdrs.send(1);
    await cdrs.send(0);
    expect(await queryValue(database.url, "select count(*) as value from call_records")).toBe(100);
    expect(
      await queryValue(database.url, "select count(*) as value from call_records where content_hash is null"),
    ).toBe(0);
  });

  it("stores each call event once, however often it is sent (P2)", async () => {
    const events = await createRawEventInserter({
      databaseUrl: database.url,
      poolSize: 2,
      series: 2,
      receivedNotificationId,
    });
    for (const i of [0, 1, 2, 0]) await events.send(i);
    expect(await queryValue(database.url, "select count(*) as value from call_events")).toBe(3);
  });
});
