import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createDirectoryStorage } from "../src/recordings/directory-storage.js";
import { DEFAULT_RECORDINGS } from "../src/shared/config.js";
import { captureLog } from "./support/captured-log.js";
import { startGateway, type TestGateway, until } from "./support/gateway.js";

const X = "+8617000000001";
const A = "+8613800000501";

describe("RECORDINGS_RETENTION_DAYS", () => {
  let gw: TestGateway;
  let storageDir: string;
  const log = captureLog();

  beforeAll(async () => {
    storageDir = mkdtempSync(join(tmpdir(), "privnum-retention-"));
    gw = await startGateway(
      { recordings: { ...DEFAULT_RECORDINGS, archive: true, retentionDays: 30 } },
      {
        logger: log.logger,
        recordingStorage: createDirectoryStorage(storageDir),
        recordingArchive: { pollIntervalMs: 50 },
        recordingRetention: { intervalMs: 100, firstRunAfterMs: 50 },
      },
    );
  });
  afterAll(async () => {
    await gw?.stop();
    rmSync(storageDir, { recursive: true, force: true });
  });

  it("deletes archived files whose CDR is older than the retention, marks them DELETED and logs it; younger ones stay", async () => {
    const created = await gw.gql<{ createBinding: { binding: { extendNum: string } } }>(
      `mutation { createBinding(input: { bindNum: "${A}", virtualNum: "${X}", recordFlag: true }) {
        ... on CreateBindingPayload { binding { extendNum } } } }`,
    );
    const sim = gw.gateway.simulator!;
    for (let i = 0; i < 2; i++) {
      await sim.simulateCall({
        caller: `+861390000050${i}`,
        virtualNum: X,
        digits: created.data!.createBinding.binding.extendNum,
        talkSeconds: 10,
      });
      await sim.clock.advance(120_000);
    }
    const { db } = gw.gateway.services;
    await until(
      async () =>
        (await db.selectFrom("recordings").where("state", "=", "ARCHIVED").select("call_record_id").execute())
          .length === 2,
      "two archived recordings",
    );
    const rows = await db
      .selectFrom("recordings")
      .select(["call_record_id", "storage_key"])
      .orderBy("call_record_id")
      .execute();
    const [old, young] = rows;
    const storage = gw.gateway.services.recordingStorage;
    expect(await storage.stat(old!.storage_key!)).toBeDefined();

    await sql`update call_records set inserted_at = now() - interval '31 days' where id = ${old!.call_record_id}`.execute(
      db,
    );
    await until(
      async () =>
        (
          await db
            .selectFrom("recordings")
            .select("state")
            .where("call_record_id", "=", old!.call_record_id)
            .executeTakeFirst()
        )?.state === "DELETED",
      "the old recording deleted",
    );
    const deleted = await db
      .selectFrom("recordings")
      .selectAll()
      .where("call_record_id", "=", old!.call_record_id)
      .executeTakeFirstOrThrow();
    expect(deleted).toMatchObject({ state: "DELETED", storage_key: null });
    expect(deleted.deleted_at).toBeInstanceOf(Date);
    expect(await storage.stat(old!.storage_key!)).toBeUndefined();
    // The younger one is untouched.
    expect(await storage.stat(young!.storage_key!)).toBeDefined();
    const kept = await db
      .selectFrom("recordings")
      .select("state")
      .where("call_record_id", "=", young!.call_record_id)
      .executeTakeFirstOrThrow();
    expect(kept.state).toBe("ARCHIVED");

    const line = log.lines.find((l) =>
      String(l.msg).startsWith("recording retention: deleted 1 archived recording"),
    );
    expect(line).toMatchObject({ deleted: 1, missing: 0, retentionDays: 30 });
    // GraphQL shows the deletion; no link is handed out for it.
    const shown = await gw.gql<{
      callRecords: {
        edges: { node: { recording: { state: string; deletedAt: string | null; url: unknown } } }[];
      };
    }>(`{ callRecords(first: 10) { edges { node { recording { state deletedAt url { url } } } } } }`);
    const states = shown.data!.callRecords.edges.map((e) => e.node.recording);
    expect(states.filter((r) => r.state === "DELETED")).toEqual([
      { state: "DELETED", deletedAt: expect.any(String), url: null },
    ]);
    expect(log.raw.join("")).not.toContain(A);
  });
});
