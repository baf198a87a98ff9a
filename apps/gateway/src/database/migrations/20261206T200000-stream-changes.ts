import { type Kysely, sql } from "kysely";

// Frozen in time: never edit a migration that has shipped; add a new one instead.

/**
 * `stream_changes`: the stored, ordered stream of every change subscribers follow besides call events (call
 * sessions, CDRs, binding changes, X-number statuses). Each row is a snapshot of what changed, written in the
 * transaction that made the change; its `position` is drawn from the call events' sequence under the same
 * lock, so one position orders both streams and positions become visible in commit order. The filter columns
 * let a resuming subscriber's replay read only its share; `recorded_at` drives retention.
 */
// biome-ignore lint/suspicious/noExplicitAny: migrations must not depend on the evolving Database type.
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable("stream_changes")
    .addColumn("position", "bigint", (c) => c.primaryKey())
    .addColumn("topic", "text", (c) => c.notNull())
    .addColumn("virtual_num", "text")
    .addColumn("subscription_id", "text")
    .addColumn("session_id", "text")
    .addColumn("payload", "jsonb", (c) => c.notNull())
    .addColumn("recorded_at", "timestamptz", (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
  await db.schema
    .createIndex("stream_changes_topic_position_idx")
    .on("stream_changes")
    .columns(["topic", "position"])
    .execute();
  await db.schema
    .createIndex("stream_changes_recorded_at_idx")
    .on("stream_changes")
    .column("recorded_at")
    .execute();
}

/** Drop the table: subscriptions other than `callEvents` lose their history. */
// biome-ignore lint/suspicious/noExplicitAny: see up().
export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable("stream_changes").execute();
}
