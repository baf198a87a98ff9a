import { type Kysely, sql } from "kysely";

// Frozen in time: never edit a migration that has shipped; add a new one instead.

/**
 * A `callRecord` change refers to its CDR (`call_record_id`) instead of holding a copy of it: a stored CDR is
 * never changed, so a replay that reads it back (stream-change.repository.ts) gets what the copy held, and each
 * CDR is written once. Every other change still holds its snapshot (`payload`); a row holds one or the other.
 * Changes stored before this migration keep their copies, which replays read as before.
 */
// biome-ignore lint/suspicious/noExplicitAny: migrations must not depend on the evolving Database type.
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .alterTable("stream_changes")
    .addColumn("call_record_id", "bigint")
    .alterColumn("payload", (c) => c.dropNotNull())
    .execute();
  await db.schema
    .alterTable("stream_changes")
    .addCheckConstraint(
      "stream_changes_snapshot_or_record",
      sql`(payload is null) <> (call_record_id is null)`,
    )
    .execute();
}

/** Copy each referred CDR back into its change, then drop the reference. */
// biome-ignore lint/suspicious/noExplicitAny: see up().
export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable("stream_changes").dropConstraint("stream_changes_snapshot_or_record").execute();
  await sql`update stream_changes as s set payload = to_jsonb(r) - 'content_hash'
              from call_records as r where r.id = s.call_record_id`.execute(db);
  // A change whose CDR was deleted by hand: replays left it out, and it has nothing to copy.
  await sql`delete from stream_changes where payload is null`.execute(db);
  await db.schema
    .alterTable("stream_changes")
    .dropColumn("call_record_id")
    .alterColumn("payload", (c) => c.setNotNull())
    .execute();
}
