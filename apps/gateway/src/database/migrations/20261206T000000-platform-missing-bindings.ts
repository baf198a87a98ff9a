import type { Kysely } from "kysely";

// Frozen in time: never edit a migration that has shipped; add a new one instead.

/**
 * `bindings.platform_missing_at`: when the check at start found that the platform no longer has a binding the
 * mirror held as active (unbound or lost outside the gateway). Such a row is also closed (`deleted_at`), so every
 * query that looks for live bindings leaves it out; the column is what tells it apart from an unbind (state
 * MISSING rather than DELETED).
 */
// biome-ignore lint/suspicious/noExplicitAny: migrations must not depend on the evolving Database type.
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable("bindings").addColumn("platform_missing_at", "timestamptz").execute();
}

/** Drop the column: bindings found missing read as DELETED again (their `deleted_at` stays). */
// biome-ignore lint/suspicious/noExplicitAny: see up().
export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable("bindings").dropColumn("platform_missing_at").execute();
}
