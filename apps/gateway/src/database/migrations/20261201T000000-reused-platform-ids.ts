import { type Kysely, sql } from "kysely";

// Frozen in time: never edit a migration that has shipped; add a new one instead.

/**
 * Keep what the platform sends under a reused ID instead of overwriting or dropping it.
 *
 * Bindings: `id` becomes the primary key, so several rows may share a subscriptionId; at most one of them is
 * current (`superseded_at` null). `superseded_at` marks a row whose subscriptionId the platform gave to a
 * different binding; `conflict_at` marks both rows of such a pair.
 *
 * CDRs: unique on (icid, content_hash) instead of icid alone, so an identical retry is still skipped while
 * a different CDR under a reused icid is kept, with `conflict` set. The hash is of the stored CDR's
 * canonical jsonb text, computed by the database (see `insertCallRecords`); existing rows are backfilled
 * with the same expression.
 */
// biome-ignore lint/suspicious/noExplicitAny: migrations must not depend on the evolving Database type.
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .alterTable("bindings")
    .addColumn("superseded_at", "timestamptz")
    .addColumn("conflict_at", "timestamptz")
    .execute();
  await sql`alter table bindings drop constraint bindings_pkey`.execute(db);
  await sql`alter table bindings drop constraint bindings_id_key`.execute(db);
  await sql`alter table bindings add constraint bindings_pkey primary key (id)`.execute(db);
  await db.schema
    .createIndex("bindings_current_subscription_idx")
    .on("bindings")
    .column("subscription_id")
    .unique()
    .where(sql.ref("superseded_at"), "is", null)
    .execute();
  await db.schema
    .createIndex("bindings_subscription_idx")
    .on("bindings")
    .columns(["subscription_id", "id"])
    .execute();
  await db.schema
    .createIndex("bindings_conflict_idx")
    .on("bindings")
    .column("id")
    .where(sql.ref("conflict_at"), "is not", null)
    .execute();

  await db.schema
    .alterTable("call_records")
    .addColumn("content_hash", "bytea")
    .addColumn("conflict", "boolean", (c) => c.notNull().defaultTo(false))
    .execute();
  await sql`update call_records set content_hash = sha256(convert_to(record::text, 'UTF8'))`.execute(db);
  await sql`alter table call_records alter column content_hash set not null`.execute(db);
  await sql`alter table call_records drop constraint call_records_icid_key`.execute(db);
  await db.schema
    .alterTable("call_records")
    .addUniqueConstraint("call_records_icid_content_key", ["icid", "content_hash"])
    .execute();
  await db.schema
    .createIndex("call_records_conflict_idx")
    .on("call_records")
    .column("id")
    .where(sql.ref("conflict"), "=", sql.lit(true))
    .execute();
}

/**
 * Back to one row per subscriptionId and per icid: rows kept for a reused ID (superseded bindings, CDRs
 * marked `conflict`) are deleted, since the old schema cannot hold them.
 */
// biome-ignore lint/suspicious/noExplicitAny: see up().
export async function down(db: Kysely<any>): Promise<void> {
  await sql`delete from call_records where conflict`.execute(db);
  await db.schema.dropIndex("call_records_conflict_idx").ifExists().execute();
  await sql`alter table call_records drop constraint call_records_icid_content_key`.execute(db);
  await sql`alter table call_records add constraint call_records_icid_key unique (icid)`.execute(db);
  await db.schema.alterTable("call_records").dropColumn("conflict").dropColumn("content_hash").execute();

  await sql`delete from bindings where superseded_at is not null`.execute(db);
  for (const index of [
    "bindings_conflict_idx",
    "bindings_subscription_idx",
    "bindings_current_subscription_idx",
  ]) {
    await db.schema.dropIndex(index).ifExists().execute();
  }
  await sql`alter table bindings drop constraint bindings_pkey`.execute(db);
  await sql`alter table bindings add constraint bindings_id_key unique (id)`.execute(db);
  await sql`alter table bindings add constraint bindings_pkey primary key (subscription_id)`.execute(db);
  await db.schema.alterTable("bindings").dropColumn("conflict_at").dropColumn("superseded_at").execute();
}
