import { type Kysely, sql } from "kysely";

// Frozen in time: never edit a migration that has shipped; add a new one instead.

/**
 * What is kept of a refused push besides its verdict, and when a kept body was let go:
 * - `source_address`: the client that sent it (the peer, or the client named by a trusted proxy);
 * - `header_names`: the names of its headers, never their values (which hold signatures);
 * - `body_purged_at`: when retention deleted the body of an accepted push (the row stays: call events and
 *   CDRs reference it).
 * A partial index on `received_at` over the rows that still hold a body lets retention find the old ones in
 * bounded batches without walking the whole table.
 */
// biome-ignore lint/suspicious/noExplicitAny: migrations must not depend on the evolving Database type.
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .alterTable("received_notifications")
    .addColumn("source_address", "text")
    .addColumn("header_names", sql`text[]`)
    .addColumn("body_purged_at", "timestamptz")
    .execute();
  await db.schema
    .createIndex("received_notifications_kept_body_idx")
    .on("received_notifications")
    .column("received_at")
    .where(sql.ref("body"), "is not", null)
    .execute();
}

/** Drop the index and the columns. */
// biome-ignore lint/suspicious/noExplicitAny: see up().
export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropIndex("received_notifications_kept_body_idx").ifExists().execute();
  await db.schema
    .alterTable("received_notifications")
    .dropColumn("body_purged_at")
    .dropColumn("header_names")
    .dropColumn("source_address")
    .execute();
}
