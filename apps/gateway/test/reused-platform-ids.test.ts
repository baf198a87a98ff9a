import { type Notification, parseNotification } from "@privnum/notification-schemas";
import { Migrator } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  findBinding,
  findBindings,
  listBindings,
  listBindingsBySubscription,
  markBindingDeleted,
  mirrorBinding,
} from "../src/bindings/binding.repository.js";
import {
  findCallRecord,
  listCallRecords,
  listCallRecordsByIcid,
} from "../src/calls/call-record.repository.js";
import { findCallSession } from "../src/calls/call-session.repository.js";
import { type DatabaseHandle, migrateToLatest, openDatabase } from "../src/database/database.js";
import { migrationProvider } from "../src/database/migration-provider.js";
import { bindingRow } from "./support/bindings.js";
import { ENGINES, openMigrated } from "./support/databases.js";
import { cdr, storeAccepted } from "./support/notifications.js";

const T0 = new Date("2026-06-01T10:00:00Z");
const T1 = new Date("2026-06-02T10:00:00Z");

function parsed(body: unknown): Notification {
  const result = parseNotification(new TextEncoder().encode(JSON.stringify(body)));
  if (!result.ok) throw new Error(JSON.stringify(result.issues));
  return result.notification;
}

/** Store a fee push as the webhook does (body kept, CDRs stored, sessions refolded). */
async function storeFees(db: DatabaseHandle["db"], feeLst: unknown[], now = T1) {
  const body = { eventType: "fee", feeLst };
  const bytes = new TextEncoder().encode(JSON.stringify(body));
  const [stored] = await storeAccepted(
    db,
    [
      {
        notification: parsed(body),
        body: { path: "/notify", contentType: "application/json", appKey: null, bytes },
        nonce: null,
      },
    ],
    now,
  );
  if (!stored) throw new Error("no result for the push");
  return stored;
}

describe.each(ENGINES)("platform IDs reused, on $engine", ({ create }) => {
  let handle: DatabaseHandle;
  beforeAll(async () => {
    handle = await openMigrated(await create());
  });
  afterAll(async () => {
    await handle?.close();
  });

  it("bindings: the same subscriptionId with another A keeps both rows and marks the conflict", async () => {
    const first = await mirrorBinding(handle.db, bindingRow({ subscription_id: "re-1" }), T0);
    expect(first.superseded).toBeNull();
    const other = bindingRow({
      subscription_id: "re-1",
      bind_num: "+8613800000099",
      extend_num: "0002",
      created_at: T1,
      updated_at: T1,
    });
    const second = await mirrorBinding(handle.db, other, T1);

    expect(second.superseded).toMatchObject({
      id: first.stored.id,
      bind_num: "+8613800000021",
      superseded_at: T1,
      conflict_at: T1,
      deleted_at: T1,
    });
    expect(second.stored).toMatchObject({
      bind_num: "+8613800000099",
      extend_num: "0002",
      superseded_at: null,
      conflict_at: T1,
      deleted_at: null,
    });
    expect(second.stored.id).toBeGreaterThan(first.stored.id);
    const rows = await listBindingsBySubscription(handle.db, "re-1");
    expect(rows.map((r) => r.bind_num)).toEqual(["+8613800000021", "+8613800000099"]);
    // Lookups by subscriptionId see the current binding only.
    expect((await findBinding(handle.db, "re-1"))?.id).toBe(second.stored.id);
    expect((await findBindings(handle.db, ["re-1"])).map((r) => r.id)).toEqual([second.stored.id]);
    // Unbinding closes the current binding, never the superseded one again.
    const closed = await markBindingDeleted(handle.db, "re-1", new Date("2026-06-03T10:00:00Z"));
    expect(closed?.id).toBe(second.stored.id);
    // The conflict filter finds both rows, whatever their state.
    const conflicting = await listBindings(handle.db, { conflict: true }, { limit: 50 }, T1);
    expect(conflicting.filter((r) => r.subscription_id === "re-1").map((r) => r.id)).toEqual([
      second.stored.id,
      first.stored.id,
    ]);
    const clean = await listBindings(handle.db, { conflict: false }, { limit: 50 }, T1);
    expect(clean.some((r) => r.subscription_id === "re-1")).toBe(false);
  });

  it("bindings: the same subscriptionId with the same A, X and E is an ordinary update", async () => {
    const first = await mirrorBinding(handle.db, bindingRow({ subscription_id: "mod-1" }), T0);
    const modified = await mirrorBinding(
      handle.db,
      bindingRow({
        subscription_id: "mod-1",
        record_flag: true,
        callback_num: "+8613800000077",
        updated_at: T1,
      }),
      T1,
    );
    expect(modified.superseded).toBeNull();
    expect(modified.stored).toMatchObject({
      id: first.stored.id,
      record_flag: true,
      callback_num: "+8613800000077",
      created_at: T0,
      updated_at: T1,
      conflict_at: null,
      superseded_at: null,
      version: first.stored.version + 1,
    });
    expect(await listBindingsBySubscription(handle.db, "mod-1")).toHaveLength(1);
  });

  it("CDRs: one reused icid among 50 is kept and marked; an identical retry stores nothing", async () => {
    const old = await storeFees(handle.db, [cdr("icid-reused", "s-old-call", T0)], T0);
    expect(old.records).toHaveLength(1);
    expect(old.records[0]!.conflict).toBe(false);

    const at = new Date("2026-06-02T09:00:00Z");
    const feeLst = Array.from({ length: 50 }, (_, i) =>
      i === 17
        ? cdr("icid-reused", "s-new-call", at, { fwdDstNum: "+8613800000055", callerNum: "+8613900000077" })
        : cdr(`icid-batch-${i}`, `s-batch-${i}`, at),
    );
    const push = await storeFees(handle.db, feeLst);
    expect(push.records).toHaveLength(50);
    expect(push.records.filter((r) => r.conflict).map((r) => r.icid)).toEqual(["icid-reused"]);
    expect(push.verdict).toBe("accepted");
    expect(push.reason).toBe(
      "1 of 50 CDRs reuse a stored icid with different content (kept, marked conflict)",
    );
    const stored = await listCallRecordsByIcid(handle.db, "icid-reused");
    expect(stored.map((r) => [r.session_id, r.conflict])).toEqual([
      ["s-old-call", false],
      ["s-new-call", true],
    ]);
    // The lookup by icid answers the newest.
    expect((await findCallRecord(handle.db, "icid-reused"))?.session_id).toBe("s-new-call");
    const conflicting = await listCallRecords(handle.db, { conflict: true }, { limit: 100 });
    expect(conflicting.map((r) => r.id)).toEqual([stored[1]!.id]);

    // The kept CDR is folded into its own call, which is billed like any other; the old call is untouched.
    expect((await findCallSession(handle.db, "s-new-call"))?.status).toBe("billed");
    expect((await findCallSession(handle.db, "s-new-call"))?.record_count).toBe(1);
    expect((await findCallSession(handle.db, "s-old-call"))?.record_count).toBe(1);

    const retry = await storeFees(handle.db, feeLst, new Date("2026-06-02T09:01:00Z"));
    expect(retry.records).toEqual([]);
    expect(retry.verdict).toBe("duplicate");
    expect(await listCallRecordsByIcid(handle.db, "icid-reused")).toHaveLength(2);
  });

  it("CDRs: a CDR showing another A than its subscriptionId's binding keeps its A and marks the binding", async () => {
    const { stored } = await mirrorBinding(handle.db, bindingRow({ subscription_id: "push-1" }), T0);
    const matching = await storeFees(handle.db, [
      cdr("icid-push-ok", "s-push-ok", T0, { subscriptionId: "push-1" }),
    ]);
    expect(matching.bindingConflicts).toEqual([]);
    expect(matching.records[0]!.bind_num).toBe("+8613800000021");

    const push = await storeFees(handle.db, [
      cdr("icid-push-other", "s-push-other", T1, { subscriptionId: "push-1", fwdDstNum: "+8613800000066" }),
    ]);
    expect(push.bindingConflicts).toEqual([
      {
        icid: "icid-push-other",
        subscriptionId: "push-1",
        bindingId: stored.id,
        mirrored: { bindNum: "+8613800000021", virtualNum: "+8617000000001" },
        pushed: { bindNum: "+8613800000066", virtualNum: "+8617000000001" },
      },
    ]);
    expect(push.records[0]!.bind_num).toBe("+8613800000066");
    expect((await findCallSession(handle.db, "s-push-other"))?.bind_num).toBe("+8613800000066");
    // Which binding is newer is unknown from a push: the mirrored one stays current, marked conflicting.
    expect(await findBinding(handle.db, "push-1")).toMatchObject({
      id: stored.id,
      superseded_at: null,
      conflict_at: T1,
    });
  });

  it("CDRs: two different CDRs under one icid in the same push are both kept, the second marked", async () => {
    const push = await storeFees(handle.db, [
      cdr("icid-twice", "s-twice-a", T0),
      cdr("icid-twice", "s-twice-a", T0),
      cdr("icid-twice", "s-twice-b", T1),
    ]);
    expect(push.records.map((r) => [r.session_id, r.conflict])).toEqual([
      ["s-twice-a", false],
      ["s-twice-b", true],
    ]);
    expect(push.reason).toBe(
      "1 of 3 CDRs already stored; 1 of 3 CDRs reuse a stored icid with different content (kept, marked conflict)",
    );
  });
});

describe.each(ENGINES)("the migration on a database holding data, on $engine", ({ create }) => {
  let handle: DatabaseHandle;
  beforeAll(async () => {
    const test = await create();
    const opened = await openDatabase(test.config);
    handle = {
      ...opened,
      close: async () => {
        await opened.close();
        await test.drop();
      },
    };
  });
  afterAll(async () => {
    await handle?.close();
  });

  it("keeps existing bindings and CDRs, and dedupes retries of CDRs stored before it", async () => {
    const migrator = new Migrator({ db: handle.db, provider: migrationProvider });
    const before = await migrator.migrateTo("20261125T000000-kept-bodies-lz4");
    expect(before.error).toBeUndefined();
    // Rows as the previous schema held them.
    await handle.db
      .insertInto("bindings")
      .values(bindingRow({ subscription_id: "pre-1" }))
      .execute();
    const { id: receivedId } = await handle.db
      .insertInto("received_notifications")
      .values({
        path: "/notify",
        content_type: null,
        app_key: null,
        kind: "fee",
        verdict: "accepted",
        reason: null,
        http_status: 200,
        body: null,
        body_size: 0,
        item_count: 1,
        new_item_count: 1,
      })
      .returning("id")
      .executeTakeFirstOrThrow();
    const record = (
      parsed({ eventType: "fee", feeLst: [cdr("icid-pre", "s-pre", T0)] }) as unknown as { feeLst: object[] }
    ).feeLst[0] as Record<string, unknown>;
    const { raw: _raw, ...withoutRaw } = record;
    // biome-ignore lint/suspicious/noExplicitAny: the previous schema's columns only.
    await (handle.db as any)
      .insertInto("call_records")
      .values({
        icid: "icid-pre",
        session_id: "s-pre",
        record: JSON.stringify(withoutRaw),
        received_notification_id: receivedId,
      })
      .execute();

    const outcome = await migrateToLatest(handle.db);
    expect(outcome.ok).toBe(true);

    const binding = await findBinding(handle.db, "pre-1");
    expect(binding).toMatchObject({ bind_num: "+8613800000021", superseded_at: null, conflict_at: null });
    const [kept] = await listCallRecordsByIcid(handle.db, "icid-pre");
    expect(kept).toMatchObject({ session_id: "s-pre", conflict: false });
    expect(kept!.content_hash).toHaveLength(32);

    // A retry of the CDR stored before the migration is a duplicate; different content under its icid is not.
    const retry = await storeFees(handle.db, [cdr("icid-pre", "s-pre", T0)]);
    expect(retry.verdict).toBe("duplicate");
    const reused = await storeFees(handle.db, [cdr("icid-pre", "s-pre-reused", T1)]);
    expect(reused.records.map((r) => [r.session_id, r.conflict])).toEqual([["s-pre-reused", true]]);

    // A binding mirrored before the migration is superseded like any other.
    const next = await mirrorBinding(
      handle.db,
      bindingRow({ subscription_id: "pre-1", bind_num: "+8613800000088" }),
      T1,
    );
    expect(next.superseded?.id).toBe(binding!.id);
  });
});
