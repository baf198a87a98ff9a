import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { upsertBinding } from "../src/bindings/binding.repository.js";
import type { DatabaseHandle } from "../src/database/database.js";
import { createNotificationWriter } from "../src/ingest/notification-writer.js";
import { bindingRow } from "./support/bindings.js";
import { ENGINES, openMigrated } from "./support/databases.js";
import { callEvent, cdr, pendingPush as push, storeAccepted } from "./support/notifications.js";

const X = "+8617000000001";
const A = "+8613800000021";
const at = new Date("2026-06-01T10:00:00Z");
const later = (seconds: number) => new Date(at.getTime() + seconds * 1000);

describe.each(ENGINES)("pushes stored together on $engine", ({ create }) => {
  let handle: DatabaseHandle;
  beforeAll(async () => {
    handle = await openMigrated(await create());
    await upsertBinding(
      handle.db,
      bindingRow({ subscription_id: "sub-batch", virtual_num: X, extend_num: "0007", bind_num: A }),
    );
  });
  afterAll(async () => {
    await handle?.close();
  });

  it("one result per push, in order; a call's later events use what its earlier ones in the batch established", async () => {
    const call = "batch-call-1";
    const results = await storeAccepted(
      handle.db,
      [
        push(callEvent("callin", call, at, { called: X })),
        // No subscriptionId: attributed through the extension keyed on the X the callin reached.
        push(callEvent("collectInfo", call, later(2), { digitInfo: "0007" })),
        push(callEvent("callout", call, later(3), { subscriptionId: "sub-batch", caller: X, called: A })),
        // A re-sent collectInfo in the same batch: stored once.
        push(callEvent("collectInfo", call, later(2), { digitInfo: "0007" })),
      ],
      later(10),
    );
    expect(results.map((r) => [r.verdict, r.events.map((e) => e.event_type)])).toEqual([
      ["accepted", ["callin"]],
      ["accepted", ["collectInfo"]],
      ["accepted", ["callout"]],
      ["duplicate", []],
    ]);
    expect(results[3]!.reason).toBe("event already stored");
    expect(results[1]!.events[0]).toMatchObject({
      subscription_id: "sub-batch",
      virtual_num: X,
      bind_num: A,
    });
    // Stream positions follow push order.
    const positions = results.flatMap((r) => r.events.map((e) => e.stream_seq!));
    expect(positions).toEqual([...positions].sort((a, b) => a - b));
    // The call's new state is reported once, with the last push that changed it.
    expect(results.map((r) => r.sessions.length)).toEqual([0, 0, 1, 0]);
    expect(results[2]!.sessions[0]).toMatchObject({
      session_id: call,
      subscription_id: "sub-batch",
      bind_num: A,
      event_count: 3,
    });
    const kept = await handle.db
      .selectFrom("received_notifications")
      .select(["id", "verdict", "reason", "item_count", "new_item_count"])
      .where(
        "id",
        "in",
        results.map((r) => r.receivedId),
      )
      .orderBy("id")
      .execute();
    expect(kept.map((k) => [k.verdict, k.item_count, k.new_item_count])).toEqual([
      ["accepted", 1, 1],
      ["accepted", 1, 1],
      ["accepted", 1, 1],
      ["duplicate", 1, 0],
    ]);
  });

  it("CDR pushes and a number status stored together each get their own counts", async () => {
    const results = await storeAccepted(
      handle.db,
      [
        push({
          eventType: "fee",
          feeLst: [cdr("icid-b1", "batch-call-2", at), cdr("icid-b2", "batch-call-3", at)],
        }),
        push({
          eventType: "fee",
          feeLst: [cdr("icid-b2", "batch-call-3", at), cdr("icid-b3", "batch-call-4", at)],
        }),
        push({ eventType: "numStatus", numInfo: [{ number: X, status: "5" }] }),
      ],
      later(60),
    );
    expect(results.map((r) => r.records.map((c) => c.icid))).toEqual([
      ["icid-b1", "icid-b2"],
      ["icid-b3"],
      [],
    ]);
    expect(results[1]!.reason).toBe("1 of 2 CDRs already stored");
    expect(results[2]!.numbers.map((n) => [n.number, n.status])).toEqual([[X, "5"]]);
  });

  it("the writer: a push the database refuses fails alone; the others in its batch are stored", async () => {
    await sql`create or replace function refuse_poison() returns trigger language plpgsql as $$
      begin
        if new.session_id = 'poison' then raise exception 'poisoned call'; end if;
        return new;
      end $$`.execute(handle.db);
    await sql`create trigger refuse_poison before insert on call_events
      for each row execute function refuse_poison()`.execute(handle.db);
    try {
      const writer = createNotificationWriter({
        db: handle.db,
        now: () => later(120),
        events: { concurrency: 1 },
      });
      const pushes = [
        push(callEvent("callin", "writer-1", at)),
        push(callEvent("callin", "writer-2", at)),
        push(callEvent("callin", "poison", at)),
        push(callEvent("callin", "writer-3", at)),
      ];
      // The first runs alone at once; the other three wait and are stored as one batch, which fails.
      const outcomes = await Promise.allSettled(
        pushes.map((p) => writer.write(p.notification, p.body, p.nonce)),
      );
      expect(outcomes.map((o) => o.status)).toEqual(["fulfilled", "fulfilled", "rejected", "fulfilled"]);
      expect(String((outcomes[2] as PromiseRejectedResult).reason)).toContain("poisoned call");
      const stored = await handle.db
        .selectFrom("call_events")
        .select("session_id")
        .where("session_id", "in", ["writer-1", "writer-2", "writer-3", "poison"])
        .orderBy("session_id")
        .execute();
      expect(stored.map((r) => r.session_id)).toEqual(["writer-1", "writer-2", "writer-3"]);
    } finally {
      await sql`drop trigger refuse_poison on call_events`.execute(handle.db);
    }
  });
});
