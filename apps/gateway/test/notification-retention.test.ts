import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { DatabaseHandle } from "../src/database/database.js";
import {
  purgeExpiredNotifications,
  startNotificationRetention,
} from "../src/notifications/notification-retention.js";
import type { NotificationVerdict } from "../src/notifications/received-notification.table.js";
import { captureLog } from "./support/captured-log.js";
import { ENGINES, openMigrated } from "./support/databases.js";

const DAY_MS = 24 * 60 * 60 * 1000;
const NOW = new Date("2026-12-01T00:00:00Z");
const OLD = new Date(NOW.getTime() - 31 * DAY_MS);
const RECENT = new Date(NOW.getTime() - 29 * DAY_MS);
const CUTOFF = new Date(NOW.getTime() - 30 * DAY_MS);

describe.each(ENGINES)("notification retention on $engine", ({ create }) => {
  let handle: DatabaseHandle;
  beforeAll(async () => {
    handle = await openMigrated(await create());
  });
  afterAll(async () => {
    await handle?.close();
  });
  const db = () => handle.db;

  /** Insert kept pushes received at `at`; resolves their ids. */
  async function keep(count: number, verdict: NotificationVerdict, at: Date, body: string | null = "{}") {
    const rows = Array.from({ length: count }, () => ({
      received_at: at,
      path: "/notify",
      content_type: "application/json",
      app_key: null,
      kind: verdict === "rejected" ? null : "callEvent",
      verdict,
      reason: null,
      http_status: verdict === "rejected" ? 401 : 200,
      body: body === null ? null : new TextEncoder().encode(body),
      body_size: 2,
      item_count: 0,
      new_item_count: 0,
    }));
    const inserted = await db().insertInto("received_notifications").values(rows).returning("id").execute();
    return inserted.map((row) => row.id);
  }

  /** Insert changes recorded at `at` (positions from `first` on); resolves their positions. */
  async function changes(count: number, at: Date, first: number) {
    const rows = Array.from({ length: count }, (_, i) => ({
      position: first + i,
      topic: "virtualNumber",
      virtual_num: "+8617000000001",
      subscription_id: null,
      session_id: null,
      payload: JSON.stringify({ number: "+8617000000001" }),
      recorded_at: at,
    }));
    await db().insertInto("stream_changes").values(rows).execute();
    return rows.map((row) => row.position);
  }

  async function clear() {
    await db().deleteFrom("stream_changes").execute();
    await db().deleteFrom("call_events").execute();
    await db().deleteFrom("received_notifications").execute();
  }

  it("deletes exactly what is older than the cutoff, in batches: bodies of stored pushes, whole rows of refused ones", async () => {
    await clear();
    const oldAccepted = [...(await keep(5, "accepted", OLD)), ...(await keep(2, "duplicate", OLD))];
    const [alreadyPurged] = await keep(1, "accepted", OLD, null);
    const recentAccepted = await keep(2, "accepted", RECENT);
    const oldRejected = [...(await keep(4, "rejected", OLD, null)), ...(await keep(1, "rejected", OLD))];
    const recentRejected = await keep(2, "rejected", RECENT, null);
    await changes(4, OLD, 1);
    const recentChanges = await changes(2, RECENT, 100);
    // A call event still references an old accepted push: its row must stay.
    await db()
      .insertInto("call_events")
      .values({
        session_id: "s-retained",
        event_type: "callin",
        event_timestamp: "2026-10-30 10:00:00",
        event: JSON.stringify({ eventType: "callin" }),
        received_notification_id: oldAccepted[0]!,
      })
      .execute();

    const statements = handle.queryCount();
    const result = await purgeExpiredNotifications(db(), { before: CUTOFF, batchSize: 3 });
    // 7 bodies in batches of 3, 3, 1; then 5 rows in batches of 3, 2; then 4 changes in batches of 3, 1.
    expect(result).toEqual({ bodiesPurged: 7, rejectedDeleted: 5, changesDeleted: 4, batches: 7 });
    expect(handle.queryCount() - statements).toBe(7);
    const kept = await db().selectFrom("stream_changes").select("position").orderBy("position").execute();
    expect(kept.map((row) => Number(row.position))).toEqual(recentChanges);

    const rows = await db()
      .selectFrom("received_notifications")
      .select(["id", "body", "body_purged_at"])
      .orderBy("id")
      .execute();
    const byId = new Map(rows.map((row) => [row.id, row]));
    for (const id of oldAccepted) {
      expect(byId.get(id)).toMatchObject({ body: null, body_purged_at: expect.any(Date) });
    }
    expect(byId.get(alreadyPurged!)).toMatchObject({ body: null, body_purged_at: null });
    for (const id of recentAccepted) {
      expect(byId.get(id)?.body).not.toBeNull();
      expect(byId.get(id)?.body_purged_at).toBeNull();
    }
    for (const id of oldRejected) expect(byId.has(id)).toBe(false);
    for (const id of recentRejected) expect(byId.has(id)).toBe(true);
    expect(rows).toHaveLength(oldAccepted.length + 1 + recentAccepted.length + recentRejected.length);
    const event = await db()
      .selectFrom("call_events")
      .select("received_notification_id")
      .executeTakeFirstOrThrow();
    expect(event.received_notification_id).toBe(oldAccepted[0]);

    // Nothing left to do: one statement per kind finds nothing.
    expect(await purgeExpiredNotifications(db(), { before: CUTOFF, batchSize: 3 })).toEqual({
      bodiesPurged: 0,
      rejectedDeleted: 0,
      changesDeleted: 0,
      batches: 3,
    });
  });

  it("runs soon after start against NOTIFY_RETENTION_DAYS and logs how many it deleted", async () => {
    await clear();
    await keep(3, "accepted", OLD);
    await keep(2, "rejected", OLD, null);
    await keep(1, "rejected", RECENT, null);
    const { logger, lines } = captureLog();
    const stop = startNotificationRetention({
      db: db(),
      retentionDays: 30,
      intervalMs: 60 * 60 * 1000,
      firstRunAfterMs: 20,
      logger,
      now: () => NOW,
    });
    try {
      const deadline = Date.now() + 10_000;
      while (!lines.some((line) => line.msg === "notification retention: deleted kept bodies")) {
        if (Date.now() > deadline) throw new Error(`no retention log line: ${JSON.stringify(lines)}`);
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
    } finally {
      await stop();
    }
    const logged = lines.filter((line) => line.msg === "notification retention: deleted kept bodies");
    expect(logged).toHaveLength(1);
    expect(logged[0]).toMatchObject({ bodiesPurged: 3, rejectedDeleted: 2, retentionDays: 30 });
    const left = await db().selectFrom("received_notifications").select(["verdict", "body"]).execute();
    expect(left).toHaveLength(4);
    expect(left.filter((row) => row.body !== null)).toEqual([]);
  });
});
