import { type Kysely, sql } from "kysely";

// Frozen in time: never edit a migration that has shipped; add a new one instead.

/** Create every table, index and the stream sequence. */
// biome-ignore lint/suspicious/noExplicitAny: migrations must not depend on the evolving Database type.
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable("bindings")
    .addColumn("id", "bigserial", (c) => c.notNull().unique())
    .addColumn("subscription_id", "text", (c) => c.primaryKey())
    .addColumn("virtual_num", "text", (c) => c.notNull())
    .addColumn("extend_num", "text", (c) => c.notNull())
    .addColumn("bind_num", "text", (c) => c.notNull())
    .addColumn("area_code", "text")
    .addColumn("display_num_mode", "text")
    .addColumn("record_flag", "boolean", (c) => c.notNull().defaultTo(false))
    .addColumn("record_hint_tone", "text")
    .addColumn("callback_tone", "text")
    .addColumn("callback_num", "text")
    .addColumn("time_unit", "text", (c) => c.notNull().check(sql`time_unit in ('hours', 'minutes')`))
    .addColumn("bind_expired_time", "integer")
    .addColumn("callback_expired_time", "integer")
    .addColumn("user_data", "text")
    .addColumn("expires_at", "timestamptz")
    .addColumn("created_at", "timestamptz", (c) => c.notNull())
    .addColumn("updated_at", "timestamptz", (c) => c.notNull())
    .addColumn("deleted_at", "timestamptz")
    .addColumn("expiry_announced_at", "timestamptz")
    .addColumn("version", "integer", (c) => c.notNull().defaultTo(1))
    .execute();
  await db.schema
    .createIndex("bindings_extension_idx")
    .on("bindings")
    .columns(["virtual_num", "extend_num"])
    .execute();
  await db.schema.createIndex("bindings_bind_num_idx").on("bindings").column("bind_num").execute();
  await db.schema
    .createIndex("bindings_pending_expiry_idx")
    .on("bindings")
    .column("expires_at")
    .where(sql.ref("expiry_announced_at"), "is", null)
    .execute();

  await db.schema
    .createTable("received_notifications")
    .addColumn("id", "bigserial", (c) => c.primaryKey())
    .addColumn("received_at", "timestamptz", (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn("path", "text", (c) => c.notNull())
    .addColumn("content_type", "text")
    .addColumn("app_key", "text")
    .addColumn("kind", "text")
    .addColumn("verdict", "text", (c) =>
      c.notNull().check(sql`verdict in ('accepted', 'duplicate', 'rejected')`),
    )
    .addColumn("reason", "text")
    .addColumn("http_status", "integer", (c) => c.notNull())
    .addColumn("body", "bytea")
    .addColumn("body_size", "integer", (c) => c.notNull())
    .addColumn("item_count", "integer", (c) => c.notNull().defaultTo(0))
    .addColumn("new_item_count", "integer", (c) => c.notNull().defaultTo(0))
    .execute();
  await db.schema
    .createIndex("received_notifications_verdict_idx")
    .on("received_notifications")
    .columns(["verdict", "id"])
    .execute();

  await sql`create sequence call_event_stream_seq as bigint`.execute(db);
  await db.schema
    .createTable("call_events")
    .addColumn("id", "bigserial", (c) => c.primaryKey())
    .addColumn("stream_seq", "bigint", (c) => c.unique())
    .addColumn("session_id", "text", (c) => c.notNull())
    .addColumn("event_type", "text", (c) => c.notNull())
    .addColumn("event_timestamp", "text", (c) => c.notNull())
    .addColumn("occurred_at", "timestamptz")
    .addColumn("subscription_id", "text")
    .addColumn("virtual_num", "text")
    .addColumn("bind_num", "text")
    .addColumn("caller", "text")
    .addColumn("called", "text")
    .addColumn("digit_info", "text")
    .addColumn("state_code", "integer")
    .addColumn("state_desc", "text")
    .addColumn("user_data", "text")
    .addColumn("event", "jsonb", (c) => c.notNull())
    .addColumn("received_notification_id", "bigint", (c) =>
      c.notNull().references("received_notifications.id"),
    )
    .addColumn("inserted_at", "timestamptz", (c) => c.notNull().defaultTo(sql`now()`))
    .addUniqueConstraint("call_events_dedupe_key", ["session_id", "event_type", "event_timestamp"])
    .execute();
  await db.schema
    .createIndex("call_events_session_idx")
    .on("call_events")
    .columns(["session_id", "id"])
    .execute();

  await db.schema
    .createTable("call_records")
    .addColumn("id", "bigserial", (c) => c.primaryKey())
    .addColumn("icid", "text", (c) => c.notNull().unique())
    .addColumn("session_id", "text", (c) => c.notNull())
    .addColumn("subscription_id", "text")
    .addColumn("virtual_num", "text")
    .addColumn("bind_num", "text")
    .addColumn("extend_num", "text")
    .addColumn("direction", "integer")
    .addColumn("caller_num", "text")
    .addColumn("callee_num", "text")
    .addColumn("call_in_time", "timestamptz")
    .addColumn("fwd_answer_time", "timestamptz")
    .addColumn("call_end_time", "timestamptz")
    .addColumn("record_flag", "boolean", (c) => c.notNull().defaultTo(false))
    .addColumn("record_domain", "text")
    .addColumn("record_object_name", "text")
    .addColumn("record_file_download_url", "text")
    .addColumn("record", "jsonb", (c) => c.notNull())
    .addColumn("received_notification_id", "bigint", (c) =>
      c.notNull().references("received_notifications.id"),
    )
    .addColumn("inserted_at", "timestamptz", (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
  await db.schema.createIndex("call_records_session_idx").on("call_records").column("session_id").execute();
  await db.schema
    .createIndex("call_records_subscription_idx")
    .on("call_records")
    .columns(["subscription_id", "id"])
    .execute();
  await db.schema
    .createIndex("call_records_virtual_num_idx")
    .on("call_records")
    .columns(["virtual_num", "id"])
    .execute();

  await db.schema
    .createTable("call_sessions")
    .addColumn("id", "bigserial", (c) => c.notNull().unique())
    .addColumn("session_id", "text", (c) => c.primaryKey())
    .addColumn("subscription_id", "text")
    .addColumn("virtual_num", "text")
    .addColumn("bind_num", "text")
    .addColumn("status", "text", (c) => c.notNull())
    .addColumn("started_at", "timestamptz")
    .addColumn("ended_at", "timestamptz")
    .addColumn("session", "jsonb", (c) => c.notNull())
    .addColumn("event_count", "integer", (c) => c.notNull())
    .addColumn("record_count", "integer", (c) => c.notNull())
    .addColumn("created_at", "timestamptz", (c) => c.notNull())
    .addColumn("updated_at", "timestamptz", (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex("call_sessions_subscription_idx")
    .on("call_sessions")
    .columns(["subscription_id", "id"])
    .execute();
  await db.schema
    .createIndex("call_sessions_virtual_num_idx")
    .on("call_sessions")
    .columns(["virtual_num", "id"])
    .execute();

  await db.schema
    .createTable("virtual_numbers")
    .addColumn("number", "text", (c) => c.primaryKey())
    .addColumn("status", "text")
    .addColumn("cause", "text")
    .addColumn("status_changed_at", "timestamptz")
    .addColumn("first_seen_at", "timestamptz", (c) => c.notNull())
    .addColumn("updated_at", "timestamptz", (c) => c.notNull())
    .execute();

  await db.schema
    .createTable("nonces")
    .addColumn("key", "text", (c) => c.primaryKey())
    .addColumn("expires_at", "timestamptz", (c) => c.notNull())
    .execute();
  await db.schema.createIndex("nonces_expires_at_idx").on("nonces").column("expires_at").execute();
}

/** Drop everything `up` created. */
// biome-ignore lint/suspicious/noExplicitAny: see up().
export async function down(db: Kysely<any>): Promise<void> {
  for (const table of [
    "nonces",
    "virtual_numbers",
    "call_sessions",
    "call_records",
    "call_events",
    "received_notifications",
    "bindings",
  ]) {
    await db.schema.dropTable(table).ifExists().execute();
  }
  await sql`drop sequence if exists call_event_stream_seq`.execute(db);
}
