// Migration 20261209T000000-change-record-references: a CDR's change refers to the CDR instead of holding a
// copy. Rolled back, each reference becomes the copy a replay read through it; changes stored as copies read
// the same after it as before.
import { Migrator, sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { decodeChange } from "../src/changes/change-topics.js";
import { listChangesAfter } from "../src/changes/stream-change.repository.js";
import { type DatabaseHandle, migrateToLatest, openDatabase } from "../src/database/database.js";
import { migrationProvider } from "../src/database/migration-provider.js";
import { ENGINES, type TestDatabase } from "./support/databases.js";
import { callEvent, cdr, pendingPush as push, storeAccepted } from "./support/notifications.js";

describe.each(ENGINES)("migration 20261209T000000-change-record-references ($engine)", ({ create }) => {
  let test: TestDatabase;
  let handle: DatabaseHandle;

  beforeAll(async () => {
    test = await create();
    handle = await openDatabase(test.config);
  });
  afterAll(async () => {
    await handle?.close();
    await test?.drop();
  });

  it("stores references from then on, and rolls each back into the copy a replay read through it", async () => {
    const migrator = new Migrator({ db: handle.db, provider: migrationProvider });
    expect((await migrator.migrateTo("20261208T000000-call-fold-bases")).error).toBeUndefined();
    expect((await migrateToLatest(handle.db)).ok).toBe(true);
    const at = new Date("2026-06-01T13:00:00Z");
    await storeAccepted(
      handle.db,
      [
        push(callEvent("callin", "mig-a", at)),
        push({ eventType: "fee", feeLst: [cdr("mig-icid-b", "mig-b", at), cdr("mig-icid-c", "mig-c", at)] }),
      ],
      at,
    );
    const replayed = await listChangesAfter(handle.db, 0, 100);
    expect(replayed.map((change) => change.topic)).toEqual([
      "callSession",
      "callSession",
      "callSession",
      "callRecord",
      "callRecord",
    ]);
    const references = await sql<{ n: number | string }>`select count(*) as n from stream_changes
      where call_record_id is not null and payload is null`.execute(handle.db);
    expect(Number(references.rows[0]!.n)).toBe(2);

    // Rolled back: every change holds a copy again, and decodes to what the replay read.
    expect((await migrator.migrateDown()).error).toBeUndefined();
    const columns = await sql<{ column_name: string }>`select column_name from information_schema.columns
      where table_name = 'stream_changes'`.execute(handle.db);
    expect(columns.rows.map((row) => row.column_name)).not.toContain("call_record_id");
    const copies = await sql<{ position: number | string; topic: string; payload: unknown }>`
      select position, topic, payload from stream_changes order by position`.execute(handle.db);
    expect(
      copies.rows.map((row) => ({
        position: Number(row.position),
        topic: row.topic,
        value: decodeChange(row.topic as never, row.payload),
      })),
    ).toEqual(replayed);

    // Up again: the copies stay copies, and a replay reads them as before.
    expect((await migrateToLatest(handle.db)).ok).toBe(true);
    expect(await listChangesAfter(handle.db, 0, 100)).toEqual(replayed);
  });
});
