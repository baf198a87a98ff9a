import { sql } from "kysely";
import type { Executor } from "./database.js";

/** The shape `@privnum/wsse-auth`'s verifier expects of a replay store. */
export interface NonceStore {
  /** Record `key` for `ttlSeconds`; resolve true when it was not already recorded (and unexpired). */
  add(key: string, ttlSeconds: number): Promise<boolean>;
}

/** Options for {@link createDatabaseNonceStore}. */
export interface DatabaseNonceStoreOptions {
  /** Clock. @default () => new Date() */
  now?: () => Date;
}

/**
 * A nonce store over the `nonces` table, shared by every gateway instance that uses the same database.
 * One statement per check: `INSERT … ON CONFLICT DO UPDATE … WHERE expired` inserts a new key, revives an
 * expired one, and leaves a live one alone, so two instances racing on the same nonce cannot both win.
 */
export function createDatabaseNonceStore(
  db: Executor,
  options: DatabaseNonceStoreOptions = {},
): NonceStore & { purgeExpired(): Promise<number> } {
  const now = options.now ?? (() => new Date());
  return {
    async add(key, ttlSeconds) {
      const at = now();
      const expiresAt = new Date(at.getTime() + Math.max(1, ttlSeconds) * 1000);
      const row = await db
        .insertInto("nonces")
        .values({ key, expires_at: expiresAt })
        .onConflict((oc) =>
          oc
            .column("key")
            .doUpdateSet({ expires_at: expiresAt })
            .where(sql.ref("nonces.expires_at"), "<=", at),
        )
        .returning("key")
        .executeTakeFirst();
      return row !== undefined;
    },
    /** Delete expired nonces; returns how many were removed. */
    async purgeExpired() {
      const result = await db.deleteFrom("nonces").where("expires_at", "<=", now()).executeTakeFirst();
      return Number(result.numDeletedRows);
    },
  };
}
