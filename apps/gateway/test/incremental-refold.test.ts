import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { upsertBinding } from "../src/bindings/binding.repository.js";
import type { DatabaseHandle } from "../src/database/database.js";
import type { PendingPush } from "../src/ingest/stored-push.js";
import { bindingRow } from "./support/bindings.js";
import { ENGINES, openMigrated } from "./support/databases.js";
import { callEvent, cdr, pendingPush as push, storeAccepted } from "./support/notifications.js";

const X = "+8617000000001";
const A = "+8613800000021";
const at = new Date("2026-06-01T10:00:00Z");
const later = (seconds: number) => new Date(at.getTime() + seconds * 1000);

/** The bodies of one whole call (callee scenario, attributed through the extension), in the order it happened. */
function callBodies(call: string): Record<string, unknown>[] {
  return [
    callEvent("callin", call, at, { called: X }),
    callEvent("collectInfo", call, later(2), { digitInfo: "0007" }),
    callEvent("callout", call, later(3), { subscriptionId: "sub-incremental", caller: X, called: A }),
    callEvent("alerting", call, later(4), { subscriptionId: "sub-incremental", caller: X, called: A }),
    callEvent("answer", call, later(6), { subscriptionId: "sub-incremental", caller: X, called: A }),
    callEvent("disconnect", call, later(40), { subscriptionId: "sub-incremental" }),
    { eventType: "fee", feeLst: [cdr(`${call}-icid`, call, at, { subscriptionId: "sub-incremental" })] },
  ];
}

describe.each(ENGINES)("refolding a call from its fold basis on $engine", ({ create }) => {
  let handle: DatabaseHandle;
  let calls = 0;
  beforeAll(async () => {
    handle = await openMigrated(await create());
    await upsertBinding(
      handle.db,
      bindingRow({ subscription_id: "sub-incremental", virtual_num: X, extend_num: "0007", bind_num: A }),
    );
  });
  afterAll(async () => {
    await handle?.close();
  });

  /** Store the pushes one transaction each, in this order, and return the call's row (without what differs per call). */
  async function storeCall(order: readonly number[], cut: (i: number) => boolean = () => true) {
    const call = `incremental-${++calls}`;
    const bodies = callBodies(call);
    let batch: PendingPush[] = [];
    for (const [i, index] of order.entries()) {
      batch.push(push(bodies[index]!));
      if (cut(i) || i === order.length - 1) {
        await storeAccepted(handle.db, batch, later(100 + i));
        batch = [];
      }
    }
    return { call, row: await sessionRow(call) };
  }

  async function sessionRow(call: string) {
    const row = await handle.db
      .selectFrom("call_sessions")
      .selectAll()
      .where("session_id", "=", call)
      .executeTakeFirstOrThrow();
    const { id: _id, created_at: _c, updated_at: _u, session_id: _s, session, ...rest } = row;
    return { ...rest, session: { ...(session as object), sessionId: "(call)" } };
  }

  it("storing a call's items in shuffled pushes gives the same call_sessions row as storing them in order", async () => {
    const inOrder = await storeCall([0, 1, 2, 3, 4, 5, 6]);
    expect(inOrder.row).toMatchObject({
      status: "billed",
      subscription_id: "sub-incremental",
      virtual_num: X,
      bind_num: A,
      outcome: "answered",
      event_count: 6,
      record_count: 1,
    });
    await fc.assert(
      fc.asyncProperty(
        fc.shuffledSubarray([0, 1, 2, 3, 4, 5, 6], { minLength: 7, maxLength: 7 }),
        fc.array(fc.boolean(), { minLength: 7, maxLength: 7 }),
        async (order, cuts) => {
          const shuffled = await storeCall(order, (i) => cuts[i]!);
          expect(shuffled.row).toEqual(inOrder.row);
        },
      ),
      { numRuns: 8 },
    );
  });

  it("pushes of one call stored concurrently, each in its own transaction, fold to the same row as in order", async () => {
    const reference = await storeCall([0, 1, 2, 3, 4, 5, 6]);
    const call = `incremental-${++calls}`;
    await Promise.all(
      callBodies(call)
        .reverse()
        .map((body, i) => storeAccepted(handle.db, [push(body)], later(100 + i))),
    );
    expect(await sessionRow(call)).toEqual(reference.row);
  });

  it("each refold stores the call's fold basis, not its whole history", async () => {
    const { call } = await storeCall([0, 1, 2, 3, 4, 5, 6]);
    const { basis } = await handle.db
      .selectFrom("call_fold_bases")
      .select("basis")
      .where("session_id", "=", call)
      .executeTakeFirstOrThrow();
    const events = await handle.db
      .selectFrom("call_events")
      .select(["id", "event_type"])
      .where("id", "in", basis.events)
      .execute();
    expect(events.map((e) => e.event_type).sort()).toEqual(
      ["alerting", "answer", "callin", "callout", "collectInfo", "disconnect"].sort(),
    );
    expect(events.every((e) => basis.events.includes(Number(e.id)))).toBe(true);
    const records = await handle.db
      .selectFrom("call_records")
      .select("icid")
      .where("id", "in", basis.records)
      .execute();
    expect(records.map((r) => r.icid)).toEqual([`${call}-icid`]);
  });

  it("a call stored without a fold basis (before they existed) is refolded from its whole history, which stores one", async () => {
    const reference = await storeCall([0, 1, 2, 3, 4, 5, 6]);
    const call = `incremental-${++calls}`;
    const bodies = callBodies(call);
    await storeAccepted(handle.db, bodies.slice(0, 3).map(push), later(100));
    await handle.db.deleteFrom("call_fold_bases").where("session_id", "=", call).execute();
    await storeAccepted(handle.db, bodies.slice(3).map(push), later(101));
    expect(await sessionRow(call)).toEqual(reference.row);
    const kept = await handle.db
      .selectFrom("call_fold_bases")
      .select("session_id")
      .where("session_id", "=", call)
      .execute();
    expect(kept).toHaveLength(1);
  });

  it("a fold basis naming a row that is not stored is not used: the call is refolded from its whole history", async () => {
    const reference = await storeCall([0, 1, 2, 3, 4, 5, 6]);
    const call = `incremental-${++calls}`;
    const bodies = callBodies(call);
    await storeAccepted(handle.db, bodies.slice(0, 3).map(push), later(100));
    await handle.db
      .updateTable("call_fold_bases")
      .set({ basis: JSON.stringify({ events: [-1], records: [] }) as never })
      .where("session_id", "=", call)
      .execute();
    await storeAccepted(handle.db, bodies.slice(3).map(push), later(101));
    expect(await sessionRow(call)).toEqual(reference.row);
  });

  it("a CDR reusing an icid the call has with other content refolds from the whole history: the first copy is the one folded", async () => {
    const call = `incremental-${++calls}`;
    const second = cdr(`${call}-icid-2`, call, later(10), { subscriptionId: "sub-incremental" });
    await storeAccepted(
      handle.db,
      [...callBodies(call), { eventType: "fee", feeLst: [second] }].map(push),
      later(100),
    );
    const before = await sessionRow(call);
    // The basis holds the call's CDR only: the second one's first copy is not in it.
    const { basis } = await handle.db
      .selectFrom("call_fold_bases")
      .select("basis")
      .where("session_id", "=", call)
      .executeTakeFirstOrThrow();
    const kept = await handle.db
      .selectFrom("call_records")
      .select("icid")
      .where("id", "in", basis.records)
      .execute();
    expect(kept.map((r) => r.icid)).toEqual([`${call}-icid`]);
    // Same icid as the second CDR, an earlier callInTime and other content: kept (marked conflict), but the
    // fold keeps the first copy of an icid, so the call does not change.
    const reused = cdr(`${call}-icid-2`, call, later(-30), {
      subscriptionId: "sub-incremental",
      direction: 2,
    });
    const [result] = await storeAccepted(
      handle.db,
      [push({ eventType: "fee", feeLst: [reused] })],
      later(101),
    );
    expect(result!.records.map((r) => r.conflict)).toEqual([true]);
    expect(await sessionRow(call)).toEqual({ ...before, record_count: 3 });
  });
});
