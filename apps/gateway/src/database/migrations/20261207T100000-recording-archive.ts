import { type Kysely, sql } from "kysely";

// Frozen in time: never edit a migration that has shipped; add a new one instead.

/**
 * `recordings`: the archive job and the archived file of each CDR's recording (recordings/recording.table.ts),
 * and `gateway_secrets`: keys the instances of one deployment share (the one that signs recording URLs).
 * CDRs stored before this migration that have a recording are queued: the platform keeps a file 7 days after
 * its CDR, and the worker learns from the platform which ones are gone.
 */
// biome-ignore lint/suspicious/noExplicitAny: migrations must not depend on the evolving Database type.
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable("recordings")
    .addColumn("call_record_id", "bigint", (c) =>
      c.primaryKey().references("call_records.id").onDelete("cascade"),
    )
    .addColumn("state", "text", (c) =>
      c.notNull().check(sql`state in ('PENDING', 'ARCHIVED', 'FAILED', 'EXPIRED', 'DELETED')`),
    )
    .addColumn("attempts", "integer", (c) => c.notNull().defaultTo(0))
    .addColumn("next_attempt_at", "timestamptz")
    .addColumn("claimed_until", "timestamptz")
    .addColumn("claimed_by", "text")
    .addColumn("last_error", "text")
    .addColumn("storage_key", "text")
    .addColumn("size_bytes", "bigint")
    .addColumn("content_type", "text")
    .addColumn("sha256", "bytea")
    .addColumn("archived_at", "timestamptz")
    .addColumn("deleted_at", "timestamptz")
    .addColumn("created_at", "timestamptz", (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn("updated_at", "timestamptz", (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
  // The workers' queue: due jobs, soonest first.
  await sql`create index recordings_due_idx on recordings (next_attempt_at)
    where state in ('PENDING', 'FAILED') and next_attempt_at is not null`.execute(db);
  await db.schema
    .createIndex("recordings_state_idx")
    .on("recordings")
    .columns(["state", "call_record_id"])
    .execute();
  await db.schema
    .createTable("gateway_secrets")
    .addColumn("name", "text", (c) => c.primaryKey())
    .addColumn("value", "bytea", (c) => c.notNull())
    .addColumn("created_at", "timestamptz", (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
  // The rule of recordings/recording-eligibility.ts, in SQL: a reference to a file, and not a call the
  // platform does not record (answered for less than 3 s, or never answered while its end is known).
  await sql`insert into recordings (call_record_id, state, next_attempt_at)
    select id, 'PENDING', now() from call_records
    where ((record_domain <> '' and record_object_name <> '') or record_file_download_url <> '')
      and not (fwd_answer_time is null and call_end_time is not null)
      and not (fwd_answer_time is not null and call_end_time is not null
               and call_end_time - fwd_answer_time < interval '3 seconds')`.execute(db);
}

/** Drop the tables: the archive's files stay on disk, unreferenced. */
// biome-ignore lint/suspicious/noExplicitAny: see up().
export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable("gateway_secrets").execute();
  await db.schema.dropTable("recordings").execute();
}
