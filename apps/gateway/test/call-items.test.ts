import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { NewCallRecordRow } from "../src/calls/call-record.table.js";
import type { DatabaseHandle } from "../src/database/database.js";
import { insertCallItems } from "../src/ingest/call-items.repository.js";
import { insertReceivedNotification } from "../src/notifications/received-notification.repository.js";
import { ENGINES, openMigrated } from "./support/databases.js";

const at = new Date("2026-06-01T10:00:00Z");

function cdr(icid: string, virtualNum: string, recorded: boolean, pushId: number): NewCallRecordRow {
  return {
    icid,
    session_id: `s-${icid}`,
    subscription_id: null,
    virtual_num: virtualNum,
    bind_num: null,
    extend_num: null,
    direction: 0,
    caller_num: "+8613900000001",
    callee_num: virtualNum,
    call_in_time: at,
    fwd_answer_time: new Date(at.getTime() + 5000),
    call_end_time: new Date(at.getTime() + 65_000),
    outcome: "answered",
    record_flag: recorded,
    record_domain: recorded ? "sim.local" : null,
    record_object_name: recorded ? `${icid}.wav` : null,
    record_file_download_url: null,
    record: { icid, recorded },
    received_notification_id: pushId,
  };
}

describe.each(ENGINES)("storing a batch's call items in one statement, on $engine", ({ create }) => {
  let handle: DatabaseHandle;
  let pushId: number;
  beforeAll(async () => {
    handle = await openMigrated(await create());
    pushId = await insertReceivedNotification(handle.db, {
      path: "/notify",
      content_type: "application/json",
      app_key: null,
      kind: "fee",
      verdict: "accepted",
      reason: null,
      http_status: 200,
      body: new TextEncoder().encode("{}"),
      body_size: 2,
      item_count: 1,
      new_item_count: 1,
    });
  });
  afterAll(async () => {
    await handle?.close();
  });

  const queued = async () =>
    (
      await handle.db
        .selectFrom("recordings")
        .innerJoin("call_records", "call_records.id", "recordings.call_record_id")
        .select("call_records.icid")
        .orderBy("call_records.icid")
        .execute()
    ).map((r) => r.icid);
  const numbers = async () =>
    (await handle.db.selectFrom("virtual_numbers").select("number").orderBy("number").execute()).map(
      (r) => r.number,
    );

  it("inserts CDRs, queues the recordings of new CDRs and remembers the unknown numbers of new items", async () => {
    const before = handle.queryCount();
    const inserted = await insertCallItems(handle.db, {
      records: [
        cdr("i-1", "+8617000000002", true, pushId),
        cdr("i-2", "+8617000000003", false, pushId),
        cdr("i-1", "+8617000000002", true, pushId),
      ],
      // Named by the batch's new events, which the transaction's last statement inserts.
      eventNumbers: ["+8617000000001"],
      // +8617000000003 is known already (not a candidate); +8617000000009 is named by no item.
      unknownNumbers: ["+8617000000001", "+8617000000002", "+8617000000009"],
      now: at,
    });
    expect(handle.queryCount() - before).toBe(1);
    expect(inserted.map((r) => [r.icid, r.conflict])).toEqual([
      ["i-1", false],
      ["i-2", false],
    ]);
    expect(typeof inserted[0]!.id).toBe("number");
    expect(inserted[0]!.content_hash.byteLength).toBe(32);
    expect(await queued()).toEqual(["i-1"]);
    expect(await numbers()).toEqual(["+8617000000001", "+8617000000002"]);
  });

  it("stores nothing already stored: a retry queues and remembers nothing new", async () => {
    const inserted = await insertCallItems(handle.db, {
      records: [cdr("i-1", "+8617000000002", true, pushId), cdr("i-3", "+8617000000004", true, pushId)],
      eventNumbers: [],
      unknownNumbers: ["+8617000000005"],
      now: at,
    });
    expect(inserted.map((r) => r.icid)).toEqual(["i-3"]);
    expect(await queued()).toEqual(["i-1", "i-3"]);
    expect(await numbers()).toEqual(["+8617000000001", "+8617000000002"]);
  });

  it("remembers the unknown numbers of new events alone, and asks nothing for nothing", async () => {
    let before = handle.queryCount();
    expect(
      await insertCallItems(handle.db, {
        records: [],
        eventNumbers: ["+8617000000006", "+8617000000008"],
        // +8617000000008 is known: not remembered again.
        unknownNumbers: ["+8617000000006"],
        now: at,
      }),
    ).toEqual([]);
    expect(handle.queryCount() - before).toBe(1);
    expect(await numbers()).toContain("+8617000000006");
    expect(await numbers()).not.toContain("+8617000000008");
    const records = await insertCallItems(handle.db, {
      records: [cdr("i-4", "+8617000000007", false, pushId)],
      eventNumbers: [],
      unknownNumbers: ["+8617000000007"],
      now: at,
    });
    expect(records).toHaveLength(1);
    expect(await numbers()).toContain("+8617000000007");
    before = handle.queryCount();
    expect(
      await insertCallItems(handle.db, {
        records: [],
        eventNumbers: ["+8617000000006"],
        unknownNumbers: [],
        now: at,
      }),
    ).toEqual([]);
    expect(handle.queryCount() - before).toBe(0);
  });
});
