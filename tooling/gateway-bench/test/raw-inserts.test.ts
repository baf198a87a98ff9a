// The raw baselines of P1 and P2 write to tables migrated by the gateway's own migrations: their statements
// must fit the gateway's columns and unique keys, or the baseline figures measure failing inserts.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openBodyPool, storeBodies } from "../src/lib/bare-notify-store.js";
import {
  type BenchDatabase,
  createBenchDatabase,
  dropAllBenchDatabases,
  prepareBaselineDatabase,
  queryValue,
} from "../src/lib/bench-database.js";
import { closeRawPools, createRawCdrInserter } from "../src/lib/raw-inserts.js";

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

  it("stores a batch of pushed bodies in one insert, byte for byte (P2's bare baseline)", async () => {
    const pool = openBodyPool(database.url);
    try {
      const bodies = ['{"eventType":"callin"}', '{"eventType":"disconnect","x":"\\u00e9"}'].map((text) => ({
        body: Buffer.from(text, "utf8"),
        contentType: "application/json",
      }));
      await storeBodies(pool, bodies);
      const { rows } = await pool.query<{ body: Buffer; body_size: number; verdict: string }>(
        "select body, body_size, verdict from received_notifications where path = '/notify' order by id",
      );
      expect(rows.map((r) => r.body.toString("utf8"))).toEqual(bodies.map((b) => b.body.toString("utf8")));
      expect(rows.map((r) => r.body_size)).toEqual(bodies.map((b) => b.body.length));
      expect(rows.every((r) => r.verdict === "accepted")).toBe(true);
    } finally {
      await pool.end();
    }
  });
});
