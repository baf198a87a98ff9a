import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { DatabaseHandle } from "../src/database/database.js";
import {
  claimDueRecordings,
  markArchived,
  markFailed,
  queueRecordings,
  releaseClaims,
  retryRecording,
} from "../src/recordings/recording.repository.js";
import { ENGINES, openMigrated } from "./support/databases.js";

/** Store `count` CDRs that have recordings (and the push they came in), returning their rows. */
async function storeRecordedCdrs(database: DatabaseHandle, count: number, tag: string) {
  const { db } = database;
  const pushed = await sql<{ id: number }>`insert into received_notifications
      (path, body, body_size, verdict, http_status, item_count, new_item_count, kind)
    values ('/notify', convert_to('{}', 'UTF8'), 2, 'accepted', 200, ${count}, ${count}, 'fee')
    returning id`.execute(db);
  const pushId = Number(pushed.rows[0]!.id);
  const rows = await sql<{ id: number | string }>`
    insert into call_records (icid, session_id, record_flag, record_domain, record_object_name,
      fwd_answer_time, call_end_time, record, received_notification_id, content_hash, outcome)
    select ${tag} || '-' || n, 'session-' || ${tag} || '-' || n, true, 'sim.local', ${tag} || '-' || n || '.wav',
      now() - interval '60 seconds', now(), '{}'::jsonb, ${pushId}, sha256(convert_to(${tag} || n, 'UTF8')), 'answered'
    from generate_series(1, ${count}) as n
    returning id`.execute(db);
  return rows.rows.map((r) => ({
    id: Number(r.id),
    record_domain: "sim.local",
    record_object_name: "x.wav",
    record_file_download_url: null,
    fwd_answer_time: new Date(Date.now() - 60_000),
    call_end_time: new Date(),
  }));
}

describe.each(ENGINES)("the recordings queue on $engine", ({ create }) => {
  let database: DatabaseHandle;

  beforeAll(async () => {
    database = await openMigrated(await create());
  });
  afterAll(async () => {
    await database?.close();
  });

  it("workers claiming at once never get the same job, and together get every due one", async () => {
    const cdrs = await storeRecordedCdrs(database, 60, "concurrent");
    expect(await queueRecordings(database.db, cdrs as never)).toBe(60);
    const workers = ["privnum-gateway:a", "privnum-gateway:b", "privnum-gateway:c"];
    const claims = await Promise.all(
      workers.flatMap((worker) =>
        Array.from({ length: 5 }, () => claimDueRecordings(database.db, worker, 4, 60_000)),
      ),
    );
    const claimed = claims.flat().map((job) => job.callRecordId);
    expect(new Set(claimed).size).toBe(claimed.length);
    expect(claimed.length).toBe(60);
    // Each claim counted an attempt, and nothing is due while the claims hold.
    expect(await claimDueRecordings(database.db, "privnum-gateway:d", 100, 60_000)).toEqual([]);
    const attempts = await database.db.selectFrom("recordings").select("attempts").execute();
    expect(attempts.every((row) => row.attempts === 1)).toBe(true);
    for (const worker of workers) await releaseClaims(database.db, worker);
    await sql`delete from recordings`.execute(database.db);
  });

  it("an outcome counts only from the worker holding the claim; a lapsed claim goes to another worker", async () => {
    const [cdr] = await storeRecordedCdrs(database, 1, "lapse");
    await queueRecordings(database.db, [cdr!] as never);
    const [first] = await claimDueRecordings(database.db, "privnum-gateway:slow", 1, 1);
    expect(first?.callRecordId).toBe(cdr!.id);
    await new Promise((resolve) => setTimeout(resolve, 20));
    const [second] = await claimDueRecordings(database.db, "privnum-gateway:next", 1, 60_000);
    expect(second).toMatchObject({ callRecordId: cdr!.id, attempts: 2 });
    // The slow worker's late outcome changes nothing; the holder's does.
    const file = { storageKey: "k.wav", sizeBytes: 10, contentType: "audio/wav", sha256: new Uint8Array(32) };
    expect(await markArchived(database.db, "privnum-gateway:slow", cdr!.id, file)).toBe(false);
    expect(
      await markFailed(database.db, "privnum-gateway:next", cdr!.id, "the download broke off", null),
    ).toBe(true);
    const row = await database.db
      .selectFrom("recordings")
      .selectAll()
      .where("call_record_id", "=", cdr!.id)
      .executeTakeFirstOrThrow();
    expect(row).toMatchObject({
      state: "FAILED",
      next_attempt_at: null,
      claimed_by: null,
      claimed_until: null,
    });
    // Queued again by an operator: due now, attempts from zero.
    expect(await retryRecording(database.db, cdr!.id)).toBe(true);
    const [again] = await claimDueRecordings(database.db, "privnum-gateway:next", 1, 60_000);
    expect(again).toMatchObject({ callRecordId: cdr!.id, attempts: 1 });
    expect(await releaseClaims(database.db, "privnum-gateway:next")).toBe(1);
    const released = await database.db
      .selectFrom("recordings")
      .select(["attempts", "claimed_by"])
      .where("call_record_id", "=", cdr!.id)
      .executeTakeFirstOrThrow();
    expect(released).toEqual({ attempts: 0, claimed_by: null });
  });

  it("queues only CDRs with a recording: none for unanswered calls and calls under 3 s", async () => {
    const base = { record_domain: "d", record_object_name: "f.wav", record_file_download_url: null };
    const at = new Date("2026-12-01T00:00:00Z");
    const later = (s: number) => new Date(at.getTime() + s * 1000);
    const rows = [
      { id: -1, ...base, fwd_answer_time: at, call_end_time: later(2.9) },
      { id: -2, ...base, fwd_answer_time: null, call_end_time: later(20) },
      { id: -3, ...base, record_domain: null, fwd_answer_time: at, call_end_time: later(20) },
    ];
    expect(await queueRecordings(database.db, rows as never)).toBe(0);
  });
});
