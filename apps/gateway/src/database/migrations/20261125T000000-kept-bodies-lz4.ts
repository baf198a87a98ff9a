import { type Kysely, sql } from "kysely";

// Frozen in time: never edit a migration that has shipped; add a new one instead.

/**
 * Compress kept push bodies with lz4 where the server offers it: a 50-CDR push is about 60 KiB, and pglz
 * (the default) spent about a millisecond of database CPU on each. Servers built without lz4 (and PGlite)
 * keep pglz. Affects rows written from now on.
 */
// biome-ignore lint/suspicious/noExplicitAny: migrations must not depend on the evolving Database type.
export async function up(db: Kysely<any>): Promise<void> {
  const { rows } = await sql<{ lz4: boolean }>`
    select coalesce(bool_or('lz4' = any(enumvals)), false) as lz4
      from pg_settings where name = 'default_toast_compression'`.execute(db);
  if (rows[0]?.lz4) {
    await sql`alter table received_notifications alter column body set compression lz4`.execute(db);
  }
}

/** Back to the server's default compression. */
// biome-ignore lint/suspicious/noExplicitAny: migrations must not depend on the evolving Database type.
export async function down(db: Kysely<any>): Promise<void> {
  await sql`alter table received_notifications alter column body set compression default`.execute(db);
}
