import type { Kysely } from "kysely";

// Frozen in time: never edit a migration that has shipped; add a new one instead.

/**
 * `call_fold_bases`: for each call, the few stored events and CDRs that decide its fold (calls/fold-basis.ts),
 * so that a push refolds a call from them plus its new items instead of reading the call's whole history.
 * Calls stored before this migration have none and are refolded from their history once, which stores it.
 */
// biome-ignore lint/suspicious/noExplicitAny: migrations must not depend on the evolving Database type.
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable("call_fold_bases")
    .addColumn("session_id", "text", (c) => c.primaryKey())
    .addColumn("basis", "jsonb", (c) => c.notNull())
    .execute();
}

/** Drop the table. */
// biome-ignore lint/suspicious/noExplicitAny: see up().
export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable("call_fold_bases").ifExists().execute();
}
