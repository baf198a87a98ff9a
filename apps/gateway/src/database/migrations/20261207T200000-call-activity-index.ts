import type { Kysely } from "kysely";

// Frozen in time: never edit a migration that has shipped; add a new one instead.

/**
 * An index on `call_sessions (virtual_num, started_at)` for `VirtualNumber.activity`, which counts the calls
 * of a few X that started in the last minutes to a day: with it, each X's window is one index range, instead
 * of every X's calls of the window (the `started_at` index) or every call an X ever had (the `virtual_num`
 * index).
 */
// biome-ignore lint/suspicious/noExplicitAny: migrations must not depend on the evolving Database type.
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createIndex("call_sessions_virtual_num_started_at_idx")
    .on("call_sessions")
    .columns(["virtual_num", "started_at"])
    .execute();
}

/** Drop the index. */
// biome-ignore lint/suspicious/noExplicitAny: see up().
export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropIndex("call_sessions_virtual_num_started_at_idx").ifExists().execute();
}
