import type { VerifySuccess } from "@privnum/wsse-auth";
import { type RawBuilder, sql } from "kysely";
import type { Executor } from "../database/database.js";

/**
 * A verified push's Nonce, recorded in the `nonces` table by the transaction that stores the push (see
 * `insertReceivedNotifications`): a push is stored only if its Nonce was unused, and a push whose storing
 * fails (answered 503, sent again) has not used it up. The table is shared by every gateway instance on the
 * same database, so a push replayed to another instance is refused too.
 */
export interface NonceClaim {
  /** `${appKey}:${nonce}`, as the verifier keys it. */
  key: string;
  /** Until when a second use is a replay: as long as the token stays acceptable. */
  expiresAt: Date;
}

/** The claim of a push verified at `now`. */
export function nonceClaimOf(
  verified: Pick<VerifySuccess, "nonceKey" | "nonceTtlSeconds">,
  now: Date,
): NonceClaim {
  return { key: verified.nonceKey, expiresAt: new Date(now.getTime() + verified.nonceTtlSeconds * 1000) };
}

/**
 * The statement (for a CTE) that records `claims` and returns the key of each one that was unused.
 * `INSERT … ON CONFLICT DO UPDATE … WHERE expired` inserts a new key, revives an expired one, and leaves a live
 * one alone, so two transactions racing on one Nonce cannot both win: the second waits for the first to end,
 * and wins only if it rolled back. Keys are inserted in order, so that such waits never cross. The keys must
 * be distinct (one statement may not touch a row twice): see {@link firstUseInBatch}.
 */
export function claimNonces(claims: readonly NonceClaim[], at: Date): RawBuilder<{ key: string }> {
  return sql`insert into nonces (key, expires_at)
      select key, expires_at
        from unnest(${claims.map((c) => c.key)}::text[], ${claims.map((c) => c.expiresAt)}::timestamptz[])
             as claim(key, expires_at)
       order by key
    on conflict (key) do update set expires_at = excluded.expires_at
      where nonces.expires_at <= ${at}
    returning key`;
}

/**
 * For each claim of a batch, whether it is the first with its key (a later one is a replay within the batch);
 * null claims (verification off) are always first.
 */
export function firstUseInBatch(claims: readonly (NonceClaim | null)[]): boolean[] {
  const seen = new Set<string>();
  return claims.map((claim) => {
    if (claim === null) return true;
    if (seen.has(claim.key)) return false;
    seen.add(claim.key);
    return true;
  });
}

/** Record one claim on its own (a push refused before it is stored); false when its Nonce was already used. */
export async function claimNonce(db: Executor, claim: NonceClaim, at: Date): Promise<boolean> {
  const { rows } = await claimNonces([claim], at).execute(db);
  return rows.length === 1;
}

/** Delete expired nonces; returns how many were removed. */
export async function purgeExpiredNonces(db: Executor, now: Date): Promise<number> {
  const result = await db.deleteFrom("nonces").where("expires_at", "<=", now).executeTakeFirst();
  return Number(result.numDeletedRows);
}
