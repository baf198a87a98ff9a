import { setTimeout as sleep } from "node:timers/promises";
import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  bindingState,
  claimLapsedBindings,
  findActiveBindingByExtension,
  listBindings,
  markBindingDeleted,
  supersedeBindingsOnExtension,
  upsertBinding,
} from "../src/bindings/binding.repository.js";
import { lastStreamPosition, listCallEventsAfter } from "../src/calls/call-event.repository.js";
import type { CallEventRow, NewCallEventRow } from "../src/calls/call-event.table.js";
import { lockCallSessions } from "../src/calls/call-locks.js";
import { insertCallRecords } from "../src/calls/call-record.repository.js";
import { upsertCallSessions } from "../src/calls/call-session.repository.js";
import type { CallSessionRow } from "../src/calls/call-session.table.js";
import { lastChangePosition, listChangesAfter } from "../src/changes/stream-change.repository.js";
import { appendStreamEntries } from "../src/changes/stream-entries.repository.js";
import { type DatabaseHandle, type Executor, migrateToLatest } from "../src/database/database.js";
import { storeNotifications } from "../src/ingest/store-pushes.js";
import { ReplayedNonceError } from "../src/ingest/stored-push.js";
import { purgeExpiredNonces } from "../src/notifications/nonce.repository.js";
import { insertReceivedNotification } from "../src/notifications/received-notification.repository.js";
import {
  applyVirtualNumberStatus,
  listVirtualNumbers,
  rememberServedVirtualNumbers,
  rememberVirtualNumbers,
} from "../src/numbers/virtual-number.repository.js";
import { streamLock } from "../src/stream/stream-lock.js";
import { bindingRow as binding } from "./support/bindings.js";
import { ENGINES, openMigrated } from "./support/databases.js";
import { callEvent, cdr, pendingPush as push, storeAccepted, withNonce } from "./support/notifications.js";

function event(
  sessionId: string,
  eventType: string,
  timestamp: string,
  notificationId: number,
): NewCallEventRow {
  return {
    stream_seq: null,
    session_id: sessionId,
    event_type: eventType,
    event_timestamp: timestamp,
    occurred_at: new Date(`${timestamp.replace(" ", "T")}Z`),
    subscription_id: null,
    virtual_num: "+8617000000001",
    bind_num: null,
    caller: "+8613900000001",
    called: "+8617000000001",
    digit_info: null,
    state_code: null,
    state_desc: null,
    user_data: null,
    event: { eventType, sessionId, timestamp },
    received_notification_id: notificationId,
  };
}

/** `rows` as a storing transaction has them before its last statement: ids drawn, no position yet. */
async function newEvents(db: Executor, insertedAt: Date, rows: NewCallEventRow[]): Promise<CallEventRow[]> {
  const ids = await sql<{ id: string }>`select nextval('call_events_id_seq') as id
    from generate_series(1, ${rows.length}::int)`.execute(db);
  return rows.map((row, i) => ({
    ...(row as Omit<CallEventRow, "id" | "inserted_at">),
    id: Number(ids.rows[i]!.id),
    inserted_at: insertedAt,
  }));
}

async function keepBody(db: DatabaseHandle["db"]): Promise<number> {
  return insertReceivedNotification(db, {
    path: "/notify",
    content_type: "application/json",
    app_key: null,
    kind: "callEvent",
    verdict: "accepted",
    reason: null,
    http_status: 200,
    body: new TextEncoder().encode("{}"),
    body_size: 2,
    item_count: 1,
    new_item_count: 1,
  });
}

describe.each(ENGINES)("storage on $engine", ({ engine, create }) => {
  let handle: DatabaseHandle;
  beforeAll(async () => {
    handle = await openMigrated(await create());
  });
  afterAll(async () => {
    await handle?.close();
  });

  it("applies migrations once: a second run has nothing to do", async () => {
    const again = await migrateToLatest(handle.db);
    expect(again.ok).toBe(true);
    expect(again.results).toEqual([]);
    const tables = await handle.db.introspection.getTables();
    expect(tables.map((t) => t.name).sort()).toEqual(
      expect.arrayContaining([
        "bindings",
        "call_events",
        "call_records",
        "call_sessions",
        "nonces",
        "received_notifications",
        "virtual_numbers",
      ]),
    );
  });

  it("kept bodies are compressed with lz4 exactly when the server offers it", async () => {
    const { rows } = await sql<{ offered: boolean; method: string }>`
      select (select coalesce(bool_or('lz4' = any(enumvals)), false)
                from pg_settings where name = 'default_toast_compression') as offered,
             attcompression::text as method
        from pg_attribute
       where attrelid = 'received_notifications'::regclass and attname = 'body'`.execute(handle.db);
    expect(rows[0]!.method === "l").toBe(rows[0]!.offered);
    if (engine === "postgres") expect(rows[0]!.offered).toBe(true);
  });

  it("nonces: a push is stored once per Nonce; a replay, in a later batch or the same one, is refused and not kept; a lapsed Nonce serves again; purge removes lapsed ones", async () => {
    const t0 = new Date("2026-06-01T10:00:00Z");
    const kept = async () =>
      Number(
        (
          await handle.db
            .selectFrom("received_notifications")
            .select((eb) => eb.fn.countAll().as("n"))
            .executeTakeFirstOrThrow()
        ).n,
      );
    const pushed = (session: string, nonce: string | null, at = t0) => {
      const pending = push(callEvent("callin", `nonce-${session}`, at));
      return nonce === null ? pending : withNonce(pending, `app:${nonce}`, at);
    };
    const before = await kept();
    const [first] = await storeNotifications(handle.db, [pushed("a", "n-1")], t0);
    expect(first).not.toBeInstanceOf(Error);
    const [replay] = await storeNotifications(handle.db, [pushed("b", "n-1")], t0);
    expect(replay).toBeInstanceOf(ReplayedNonceError);
    expect(await kept()).toBe(before + 1);
    // In one batch: the first use wins, the later ones are replays; pushes without a Nonce all pass.
    const batch = await storeNotifications(
      handle.db,
      [pushed("c", "n-2"), pushed("d", "n-2"), pushed("e", null), pushed("f", null), pushed("g", "n-1")],
      t0,
    );
    expect(batch.map((outcome) => outcome instanceof ReplayedNonceError)).toEqual([
      false,
      true,
      false,
      false,
      true,
    ]);
    expect(await kept()).toBe(before + 4);
    const { rows: events } = await sql<{ session_id: string }>`select session_id from call_events
      where session_id like 'nonce-%' order by session_id`.execute(handle.db);
    expect(events.map((e) => e.session_id)).toEqual(["nonce-a", "nonce-c", "nonce-e", "nonce-f"]);

    // Once a Nonce's token can no longer be accepted (361 s), it may serve again; the others lapse.
    const later = new Date(t0.getTime() + 362_000);
    const [revived] = await storeNotifications(handle.db, [pushed("h", "n-1", later)], later);
    expect(revived).not.toBeInstanceOf(Error);
    expect(await purgeExpiredNonces(handle.db, later)).toBe(1); // n-2 lapsed; n-1 was renewed
    const [again] = await storeNotifications(handle.db, [pushed("i", "n-1", later)], later);
    expect(again).toBeInstanceOf(ReplayedNonceError);
  });

  it("nonces: of many transactions racing with one Nonce, exactly one stores its push", async () => {
    const at = new Date();
    const outcomes = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        storeNotifications(
          handle.db,
          [withNonce(push(callEvent("callin", `raced-${i}`, at)), "app:raced", at)],
          at,
        ),
      ),
    );
    const stored = outcomes.flat().filter((outcome) => !(outcome instanceof ReplayedNonceError));
    expect(stored).toHaveLength(1);
    const { rows } = await sql<{ n: string }>`select count(*) as n from call_events
      where session_id like 'raced-%'`.execute(handle.db);
    expect(Number(rows[0]!.n)).toBe(1);
  });

  it("call events: a duplicate (same session, type, timestamp) is stored once, in a later batch or the same one", async () => {
    const t = (second: number) => new Date(Date.UTC(2026, 5, 1, 10, 0, second));
    const first = await storeAccepted(
      handle.db,
      [push(callEvent("callin", "dup-s", t(0))), push(callEvent("collectInfo", "dup-s", t(2)))],
      t(2),
    );
    expect(first.map((r) => [r.verdict, r.events.length])).toEqual([
      ["accepted", 1],
      ["accepted", 1],
    ]);
    const second = await storeAccepted(
      handle.db,
      [
        push(callEvent("collectInfo", "dup-s", t(2))),
        push(callEvent("callout", "dup-s", t(3))),
        push(callEvent("callout", "dup-s", t(3))),
      ],
      t(3),
    );
    expect(second.map((r) => [r.verdict, r.events.map((e) => e.event_type)])).toEqual([
      ["duplicate", []],
      ["accepted", ["callout"]],
      ["duplicate", []],
    ]);
    const stored = await handle.db
      .selectFrom("call_events")
      .select(["id", "event_type", "stream_seq"])
      .where("session_id", "=", "dup-s")
      .orderBy("id")
      .execute();
    expect(stored.map((row) => row.event_type)).toEqual(["callin", "collectInfo", "callout"]);
    // Each written once, with its position: ids and positions in the same order.
    expect(stored.map((row) => Number(row.id))).toEqual(
      [...first, ...second].flatMap((r) => r.events.map((e) => e.id)),
    );
    expect(stored.map((row) => Number(row.stream_seq))).toEqual(
      [...first, ...second].flatMap((r) => r.events.map((e) => e.stream_seq)),
    );
    const session = await handle.db
      .selectFrom("call_sessions")
      .select("event_count")
      .where("session_id", "=", "dup-s")
      .executeTakeFirstOrThrow();
    expect(session.event_count).toBe(3);
  });

  it("call events: of many transactions racing with one event, exactly one stores it; every one succeeds", async () => {
    const at = new Date("2026-06-01T10:30:00Z");
    const outcomes = await Promise.all(
      Array.from({ length: 20 }, () =>
        storeAccepted(handle.db, [push(callEvent("answer", "raced-event", at))], at),
      ),
    );
    const verdicts = outcomes.flat().map((r) => r.verdict);
    expect(verdicts.filter((v) => v === "accepted")).toHaveLength(1);
    expect(verdicts.filter((v) => v === "duplicate")).toHaveLength(19);
    const stored = await handle.db
      .selectFrom("call_events")
      .select("stream_seq")
      .where("session_id", "=", "raced-event")
      .execute();
    expect(stored).toHaveLength(1);
    expect(stored[0]!.stream_seq).not.toBeNull();
  });

  it("call events: inserted at stream positions that follow the given order, and read back in order", async () => {
    const n = await keepBody(handle.db);
    const before = await lastStreamPosition(handle.db);
    const placeholder = new Date(0);
    const rows = await newEvents(handle.db, placeholder, [
      event("order-s", "callin", "2026-06-01 11:00:00", n),
      event("order-s", "collectInfo", "2026-06-01 11:00:01", n),
      event("order-s", "callout", "2026-06-01 11:00:02", n),
    ]);
    const positioned = await handle.db.transaction().execute(async (tx) => {
      return (await appendStreamEntries(tx, rows, [])).events;
    });
    expect(positioned.map((row) => row.event_type)).toEqual(["callin", "collectInfo", "callout"]);
    expect(positioned.map((row) => row.id)).toEqual(rows.map((row) => row.id));
    // inserted_at is the database's, not what was given.
    for (const row of positioned) expect(row.inserted_at.getTime()).toBeGreaterThan(placeholder.getTime());
    const seqs = positioned.map((row) => row.stream_seq!);
    expect(seqs[0]!).toBeGreaterThan(before);
    expect([...seqs].sort((a, b) => a - b)).toEqual(seqs);
    const read = await listCallEventsAfter(handle.db, before, { sessionId: "order-s" }, 10);
    expect(read).toEqual(positioned);
    const filtered = await listCallEventsAfter(handle.db, before, { eventTypes: ["callout"] }, 10);
    expect(filtered.map((row) => row.event_type)).toEqual(["callout"]);
  });

  it("call events: a key stored since it was found new fails the statement, which writes nothing", async () => {
    const n = await keepBody(handle.db);
    const [stored] = await newEvents(handle.db, new Date(), [
      event("again-s", "callin", "2026-06-01 11:00:00", n),
    ]);
    await handle.db.transaction().execute((tx) => appendStreamEntries(tx, [stored!], []));
    const before = await lastStreamPosition(handle.db);
    const [again, other] = await newEvents(handle.db, new Date(), [
      event("again-s", "callin", "2026-06-01 11:00:00", n),
      event("again-s", "answer", "2026-06-01 11:00:09", n),
    ]);
    await expect(
      handle.db.transaction().execute((tx) => appendStreamEntries(tx, [other!, again!], [])),
    ).rejects.toThrow(/call_events_dedupe_key/);
    expect(await lastStreamPosition(handle.db)).toBe(before);
    const rows = await handle.db
      .selectFrom("call_events")
      .select("event_type")
      .where("session_id", "=", "again-s")
      .execute();
    expect(rows.map((row) => row.event_type)).toEqual(["callin"]);
  });

  it("the change stream holds each call and CDR a push stored, as stored, each CDR by reference", async () => {
    const at = new Date("2026-06-01T13:00:00Z");
    const before = await lastStreamPosition(handle.db);
    const [events, fees] = await storeAccepted(
      handle.db,
      [
        push(callEvent("callin", "snap-a", at)),
        push({
          eventType: "fee",
          feeLst: [cdr("snap-icid-b", "snap-b", at), cdr("snap-icid-c", "snap-c", at)],
        }),
      ],
      at,
    );
    const changes = (await listChangesAfter(handle.db, before, 100)).map(({ topic, value }) => ({
      topic,
      value,
    }));
    const sessions = await handle.db
      .selectFrom("call_sessions")
      .selectAll()
      .where("session_id", "in", ["snap-a", "snap-b", "snap-c"])
      .execute();
    const records = await handle.db
      .selectFrom("call_records")
      .selectAll()
      .where("icid", "in", ["snap-icid-b", "snap-icid-c"])
      .execute();
    const bySession = new Map(sessions.map((row) => [row.session_id, row]));
    const byIcid = new Map(records.map((row) => [row.icid, { ...row, content_hash: new Uint8Array(0) }]));
    // In push order: the first push's call; the second's calls, then its CDRs.
    expect(changes).toEqual([
      { topic: "callSession", value: bySession.get("snap-a") },
      ...fees!.sessions.map((s) => ({ topic: "callSession", value: bySession.get(s.session_id) })),
      { topic: "callRecord", value: byIcid.get("snap-icid-b") },
      { topic: "callRecord", value: byIcid.get("snap-icid-c") },
    ]);
    expect(fees!.sessions.map((s) => s.session_id).sort()).toEqual(["snap-b", "snap-c"]);
    // What the writer hands on is what was stored.
    expect(events!.sessions).toEqual([bySession.get("snap-a")]);
    // Each call's change holds its snapshot; each CDR's refers to the CDR and holds no copy of it.
    const { rows } = await sql<{ topic: string; copied: boolean; call_record_id: string | number | null }>`
      select topic, payload is not null as copied, call_record_id from stream_changes
       where position > ${before} order by position`.execute(handle.db);
    expect(
      rows.map((row) => [row.topic, row.copied, row.call_record_id && Number(row.call_record_id)]),
    ).toEqual([
      ["callSession", true, null],
      ["callSession", true, null],
      ["callSession", true, null],
      ["callRecord", false, byIcid.get("snap-icid-b")!.id],
      ["callRecord", false, byIcid.get("snap-icid-c")!.id],
    ]);
  });

  it("a replay reads a CDR's change stored as a copy (before references) and leaves out one whose CDR is gone", async () => {
    const at = new Date("2026-06-01T14:00:00Z");
    const before = await lastChangePosition(handle.db);
    await storeAccepted(
      handle.db,
      [push({ eventType: "fee", feeLst: [cdr("ref-icid-a", "ref-a", at), cdr("ref-icid-b", "ref-b", at)] })],
      at,
    );
    const [kept, gone] = await handle.db
      .selectFrom("call_records")
      .selectAll()
      .where("icid", "in", ["ref-icid-a", "ref-icid-b"])
      .orderBy("icid")
      .execute();
    // As the migration found it: the CDR copied into its change, no reference.
    await sql`update stream_changes set payload = ${JSON.stringify({ ...kept!, content_hash: undefined })}::jsonb,
                call_record_id = null
              where call_record_id = ${kept!.id}`.execute(handle.db);
    await sql`delete from call_records where id = ${gone!.id}`.execute(handle.db);
    const changes = (await listChangesAfter(handle.db, before, 100)).filter((c) => c.topic === "callRecord");
    expect(changes.map((change) => change.value)).toEqual([{ ...kept!, content_hash: new Uint8Array(0) }]);
    // A change holds a copy or a reference, never both and never neither.
    await expect(
      sql`update stream_changes set payload = '{}'::jsonb where call_record_id is not null`.execute(
        handle.db,
      ),
    ).rejects.toThrow(/stream_changes_snapshot_or_record/);
  });

  it("call records: a push's CDRs go in one statement and a re-sent icid is skipped", async () => {
    const n = await keepBody(handle.db);
    const cdr = (icid: string) => ({
      icid,
      session_id: `s-${icid}`,
      subscription_id: null,
      virtual_num: "+8617000000001",
      bind_num: null,
      extend_num: "0001",
      direction: 0,
      caller_num: "+8613900000001",
      callee_num: "+8617000000001",
      call_in_time: null,
      fwd_answer_time: null,
      call_end_time: null,
      outcome: "failed" as const,
      record_flag: false,
      record_domain: null,
      record_object_name: null,
      record_file_download_url: null,
      record: { icid },
      received_notification_id: n,
    });
    const first = await insertCallRecords(handle.db, [cdr("i1"), cdr("i2")]);
    expect(first.map((row) => row.icid)).toEqual(["i1", "i2"]);
    const second = await insertCallRecords(handle.db, [cdr("i2"), cdr("i3")]);
    expect(second.map((row) => row.icid)).toEqual(["i3"]);
    expect(second[0]!.record).toEqual({ icid: "i3" });
  });

  it("call records: the rows a write returns are the rows stored, timestamps and flags included", async () => {
    const n = await keepBody(handle.db);
    const at = new Date("2026-06-01T10:00:00Z");
    const written = await insertCallRecords(handle.db, [
      {
        icid: "rt-1",
        session_id: "s-rt",
        subscription_id: "sub-rt",
        virtual_num: "+8617000000001",
        bind_num: "+8613800000021",
        extend_num: "0001",
        direction: 1,
        caller_num: "+8613800000021",
        callee_num: "+8617000000001",
        call_in_time: at,
        fwd_answer_time: new Date(at.getTime() + 5000),
        call_end_time: new Date(at.getTime() + 65_000),
        outcome: "answered",
        record_flag: true,
        record_domain: "record.test",
        record_object_name: "rt-1.wav",
        record_file_download_url: null,
        record: { icid: "rt-1", nested: { quote: 'a "b" \\ c', list: [1, null] } },
        received_notification_id: n,
      },
    ]);
    const stored = await handle.db
      .selectFrom("call_records")
      .selectAll()
      .where("icid", "=", "rt-1")
      .execute();
    expect(written).toEqual(stored);
  });

  it("call sessions: an upsert returns the rows stored and keeps the first created_at", async () => {
    const first = new Date("2026-06-01T10:00:00Z");
    const later = new Date("2026-06-01T10:05:00Z");
    const session = (status: string, at: Date) => ({
      session_id: "s-upsert",
      subscription_id: null,
      virtual_num: "+8617000000001",
      bind_num: null,
      status,
      started_at: first,
      ended_at: status === "ended" ? later : null,
      session: { sessionId: "s-upsert", state: status },
      event_count: status === "ended" ? 2 : 1,
      record_count: 0,
      created_at: at,
      updated_at: at,
    });
    const inserted = await upsertCallSessions(handle.db, [session("ringing", first)]);
    const updated = await upsertCallSessions(handle.db, [session("ended", later)]);
    const stored = await handle.db
      .selectFrom("call_sessions")
      .selectAll()
      .where("session_id", "=", "s-upsert")
      .execute();
    expect(updated).toEqual(stored);
    expect(updated[0]).toMatchObject({
      id: inserted[0]!.id,
      created_at: first,
      updated_at: later,
      status: "ended",
    });
  });

  it("bindings: states follow deletion and expiry at the instant asked", async () => {
    const created = new Date("2026-06-01T10:00:00Z");
    const expiresAt = new Date("2026-06-01T11:00:00Z");
    await upsertBinding(
      handle.db,
      binding({ subscription_id: "b-exp", extend_num: "0101", expires_at: expiresAt }),
    );
    await upsertBinding(handle.db, binding({ subscription_id: "b-del", extend_num: "0102" }));
    const deleted = await markBindingDeleted(handle.db, "b-del", new Date("2026-06-01T10:30:00Z"));
    expect(deleted && bindingState(deleted, created)).toBe("deleted");
    expect(await markBindingDeleted(handle.db, "b-del", new Date())).toBeUndefined();

    const early = new Date("2026-06-01T10:59:59Z");
    const late = new Date("2026-06-01T11:00:00Z");
    const ids = async (at: Date, states?: ("active" | "expired" | "deleted")[]) =>
      (await listBindings(handle.db, { virtualNum: "+8617000000001", states }, { limit: 50 }, at))
        .map((row) => row.subscription_id)
        .filter((id) => id.startsWith("b-"));
    expect(await ids(early)).toEqual(["b-exp"]);
    expect(await ids(late)).toEqual([]);
    expect(await ids(late, ["expired"])).toEqual(["b-exp"]);
    expect(await ids(late, ["deleted"])).toEqual(["b-del"]);
    expect(await findActiveBindingByExtension(handle.db, "+8617000000001", "0101", early)).toBeDefined();
    expect(await findActiveBindingByExtension(handle.db, "+8617000000001", "0101", late)).toBeUndefined();

    // The expiry is announced once, however often the sweeper runs.
    const claimed = await claimLapsedBindings(handle.db, late, 10);
    expect(claimed.map((row) => row.subscription_id)).toContain("b-exp");
    expect((await claimLapsedBindings(handle.db, late, 10)).map((row) => row.subscription_id)).not.toContain(
      "b-exp",
    );

    // A new binding given the same extension closes the stale mirror row.
    await upsertBinding(
      handle.db,
      binding({ subscription_id: "b-new", extend_num: "0101", created_at: late }),
    );
    const superseded = await supersedeBindingsOnExtension(handle.db, "+8617000000001", "0101", "b-new", late);
    expect(superseded.map((row) => row.subscription_id)).toEqual(["b-exp"]);
    expect(bindingState(superseded[0]!, late)).toBe("expired");
  });

  it("bindings: keyset pages cover every row exactly once, newest first", async () => {
    for (let i = 0; i < 7; i++) {
      await upsertBinding(
        handle.db,
        binding({ subscription_id: `page-${i}`, virtual_num: "+8617000000009", extend_num: `${i}` }),
      );
    }
    const seen: string[] = [];
    let after: number | undefined;
    for (;;) {
      const rows = await listBindings(
        handle.db,
        { virtualNum: "+8617000000009" },
        { after, limit: 3 },
        new Date(),
      );
      if (rows.length === 0) break;
      seen.push(...rows.map((row) => row.subscription_id));
      after = rows.at(-1)!.id;
    }
    expect(seen).toEqual(["page-6", "page-5", "page-4", "page-3", "page-2", "page-1", "page-0"]);
  });

  it("virtual numbers: a status change is returned once; a repeated report changes nothing", async () => {
    const at = new Date("2026-06-01T10:00:00Z");
    await rememberVirtualNumbers(handle.db, ["+8617000000001", "+8617000000002"], at);
    const changed = await applyVirtualNumberStatus(
      handle.db,
      [{ number: "+8617000000001", status: "10", cause: "2" }],
      at,
    );
    expect(changed.map((row) => [row.number, row.status, row.cause])).toEqual([
      ["+8617000000001", "10", "2"],
    ]);
    expect(
      await applyVirtualNumberStatus(handle.db, [{ number: "+8617000000001", status: "10", cause: "2" }], at),
    ).toEqual([]);
    const all = await listVirtualNumbers(handle.db, 100);
    expect(all.find((row) => row.number === "+8617000000002")?.status).toBeNull();
  });

  it("served virtual numbers: listed at start; the platform's status replaces, a bare configured number does not", async () => {
    const at = new Date("2026-06-02T10:00:00Z");
    const later = new Date("2026-06-02T11:00:00Z");
    const [configured, reported, platform] = ["+8617100000011", "+8617100000012", "+8617100000013"];
    await applyVirtualNumberStatus(handle.db, [{ number: reported, status: "10", cause: "2" }], at);
    await rememberServedVirtualNumbers(
      handle.db,
      [
        { number: configured, status: null, cause: null },
        { number: reported, status: null, cause: null },
        { number: platform, status: "9", cause: null },
      ],
      at,
    );
    const status = async () =>
      Object.fromEntries(
        (await listVirtualNumbers(handle.db, 1000))
          .filter((row) => [configured, reported, platform].includes(row.number))
          .map((row) => [row.number, [row.status, row.cause, row.status_changed_at?.toISOString() ?? null]]),
      );
    expect(await status()).toEqual({
      [configured]: [null, null, null],
      [reported]: ["10", "2", at.toISOString()],
      [platform]: ["9", null, at.toISOString()],
    });
    // At the next start the platform reports other statuses: they replace the stored ones; an unchanged one keeps
    // its time.
    await rememberServedVirtualNumbers(
      handle.db,
      [
        { number: configured, status: "5", cause: null },
        { number: reported, status: "10", cause: "2" },
        { number: platform, status: "5", cause: null },
      ],
      later,
    );
    expect(await status()).toEqual({
      [configured]: ["5", null, later.toISOString()],
      [reported]: ["10", "2", at.toISOString()],
      [platform]: ["5", null, later.toISOString()],
    });
  });

  const sessionRow = (sessionId: string, id: number, status: string, at: Date): CallSessionRow => ({
    id,
    session_id: sessionId,
    subscription_id: null,
    virtual_num: "+8617000000001",
    bind_num: null,
    status,
    started_at: at,
    ended_at: null,
    outcome: null,
    hangup_code: null,
    session: { sessionId, state: status },
    event_count: 1,
    record_count: 0,
    created_at: at,
    updated_at: at,
  });

  it("the stream-positions statement stores the calls given with it, in one statement", async () => {
    const at = new Date("2026-06-01T12:00:00Z");
    const { id } = await sql<{ id: string }>`select nextval('call_sessions_id_seq') as id`
      .execute(handle.db)
      .then((r) => r.rows[0]!);
    const row = sessionRow("s-with-stream", Number(id), "ringing", at);
    const before = handle.queryCount();
    const appended = await handle.db.transaction().execute(async (tx) => {
      await lockCallSessions(tx, [row.session_id]);
      return appendStreamEntries(tx, [], [{ topic: "callSession", value: row }], {
        rows: [row],
        bases: new Map([[row.session_id, { events: [], records: [] }]]),
      });
    });
    // begin, the lock, the statement, commit
    expect(handle.queryCount() - before).toBe(4);
    expect(appended.changes).toHaveLength(1);
    const stored = await handle.db
      .selectFrom("call_sessions")
      .selectAll()
      .where("session_id", "=", row.session_id)
      .executeTakeFirstOrThrow();
    expect(stored).toEqual(row);
    const basis = await handle.db
      .selectFrom("call_fold_bases")
      .select("basis")
      .where("session_id", "=", row.session_id)
      .executeTakeFirstOrThrow();
    expect(basis.basis).toEqual({ events: [], records: [] });

    // Stored again, it keeps its id and created_at.
    const later = new Date("2026-06-01T12:01:00Z");
    await handle.db.transaction().execute(async (tx) => {
      await appendStreamEntries(tx, [], [], {
        rows: [{ ...sessionRow(row.session_id, Number(id) + 1000, "ended", later), created_at: later }],
        bases: new Map(),
      });
    });
    const updated = await handle.db
      .selectFrom("call_sessions")
      .selectAll()
      .where("session_id", "=", row.session_id)
      .executeTakeFirstOrThrow();
    expect(updated).toMatchObject({ id: row.id, created_at: at, updated_at: later, status: "ended" });
  });

  it.runIf(engine === "postgres")(
    "the stream-positions statement stores its calls before it waits for the stream lock",
    async () => {
      const at = new Date("2026-06-01T12:00:00Z");
      const [existing] = await upsertCallSessions(handle.db, [
        { ...sessionRow("s-before-lock", 0, "ringing", at), id: undefined },
      ]);
      let release!: () => void;
      const released = new Promise<void>((resolve) => {
        release = resolve;
      });
      let locked!: () => void;
      const lockHeld = new Promise<void>((resolve) => {
        locked = resolve;
      });
      const holder = handle.db.transaction().execute(async (tx) => {
        await sql`select ${streamLock()}`.execute(tx);
        locked();
        await released;
      });
      await lockHeld;
      const writer = handle.db.transaction().execute(async (tx) => {
        const row = sessionRow("s-before-lock", existing!.id, "ended", at);
        await appendStreamEntries(tx, [], [{ topic: "callSession", value: row }], {
          rows: [row],
          bases: new Map(),
        });
      });
      // While the writer waits for the stream lock, the call's row is already locked by its upsert.
      const rowLocked = async () => {
        try {
          await handle.db.transaction().execute(async (tx) => {
            await sql`select 1 from call_sessions where session_id = 's-before-lock' for update nowait`.execute(
              tx,
            );
          });
          return false;
        } catch (error) {
          return (error as { code?: string }).code === "55P03";
        }
      };
      let seen = false;
      for (let attempt = 0; attempt < 100 && !seen; attempt++) {
        seen = await rowLocked();
        if (!seen) await sleep(20);
      }
      release();
      await Promise.all([holder, writer]);
      expect(seen).toBe(true);
      expect(await rowLocked()).toBe(false);
    },
  );

  it.runIf(engine === "postgres")(
    "stream positions become visible in order even when transactions commit slowly and concurrently",
    async () => {
      const n = await keepBody(handle.db);
      const start = await lastStreamPosition(handle.db);
      const writers = 24;
      let done = false;
      const observations: Set<number>[] = [];
      const reader = (async () => {
        while (!done) {
          const rows = await listCallEventsAfter(handle.db, start, {}, 1000);
          observations.push(new Set(rows.map((row) => row.stream_seq!)));
          await sleep(1);
        }
      })();
      await Promise.all(
        Array.from({ length: writers }, (_, i) =>
          handle.db.transaction().execute(async (tx) => {
            await lockCallSessions(tx, [`race-${i}`]);
            const rows = await newEvents(tx, new Date(), [
              event(`race-${i}`, "callin", "2026-06-01 12:00:00", n),
            ]);
            await sleep(Math.random() * 15);
            await appendStreamEntries(tx, rows, []);
            // A slow commit after taking a position: without the stream lock, later positions would
            // commit first and a reader would see a gap that fills in afterwards.
            await sleep(Math.random() * 15);
          }),
        ),
      );
      done = true;
      await reader;
      const final = (await listCallEventsAfter(handle.db, start, {}, 1000)).map((row) => row.stream_seq!);
      expect(final).toHaveLength(writers);
      expect(observations.length).toBeGreaterThan(3);
      // Every snapshot a reader took must be a prefix of the final stream: a position below the highest
      // one it saw must never show up only later (that is what would make a resume skip an event).
      for (const seen of observations) {
        const highest = Math.max(start, ...seen);
        const late = final.filter((seq) => seq < highest && !seen.has(seq));
        expect(late, "positions that became visible after a higher one").toEqual([]);
      }
    },
  );
});
