import type { NonceStore } from "@privnum/wsse-auth";
import { sql } from "kysely";
import type { Executor } from "../database/database.js";
import { DatabaseTimeoutError } from "../database/database-errors.js";
import { PREPARED } from "../database/prepared-statements.js";
import { createGroupCommit, GroupCommitTimeoutError } from "./group-commit.js";

/** Options for {@link createDatabaseNonceStore}. */
export interface DatabaseNonceStoreOptions {
  /** Clock. @default () => new Date() */
  now?: () => Date;
  /** Statements recording nonces at the same time. @default 1 */
  concurrency?: number;
  /** Checks waiting beyond which `add` rejects (GroupCommitFullError). @default 10000 */
  maxWaiting?: number;
  /**
   * Longest a check waits for its statement, in ms; then `add` rejects with `DatabaseTimeoutError` (the push
   * is answered 503 and sent again). A check still queued is dropped, so its nonce stays unused.
   * @default 5000
   */
  checkTimeoutMs?: number;
}

interface NonceCheck {
  key: string;
  expiresAt: Date;
}

/**
 * Record a batch of nonces in one statement; true for each that was new. `INSERT … ON CONFLICT DO UPDATE …
 * WHERE expired` inserts a new key, revives an expired one, and leaves a live one alone, so two instances
 * racing on the same nonce cannot both win. A key repeated within the batch wins only once, at its first
 * occurrence (one statement may not touch a row twice, so repeats are settled here).
 */
async function recordNonces(db: Executor, checks: readonly NonceCheck[], at: Date): Promise<boolean[]> {
  const first = new Map<string, number>();
  checks.forEach((check, i) => {
    if (!first.has(check.key)) first.set(check.key, i);
  });
  const unique = [...first.values()].map((i) => checks[i]!);
  const { rows } = await sql<{ key: string }>`${PREPARED}insert into nonces (key, expires_at)
    select * from unnest(${unique.map((c) => c.key)}::text[], ${unique.map((c) => c.expiresAt)}::timestamptz[])
    on conflict (key) do update set expires_at = excluded.expires_at
      where nonces.expires_at <= ${at}
    returning key`.execute(db);
  const won = new Set(rows.map((row) => row.key));
  return checks.map((check, i) => first.get(check.key) === i && won.has(check.key));
}

/**
 * A nonce store over the `nonces` table, shared by every gateway instance that uses the same database.
 * Checks that arrive while earlier ones are being recorded are recorded together, in one statement
 * (group commit): under load a push costs a share of a statement instead of one.
 */
export function createDatabaseNonceStore(
  db: Executor,
  options: DatabaseNonceStoreOptions = {},
): NonceStore & { purgeExpired(): Promise<number> } {
  const now = options.now ?? (() => new Date());
  const checkTimeoutMs = options.checkTimeoutMs ?? 5000;
  const group = createGroupCommit<NonceCheck, boolean>({
    concurrency: options.concurrency ?? 1,
    maxBatch: 500,
    maxWaiting: options.maxWaiting ?? 10_000,
    maxWaitMs: checkTimeoutMs,
    run: (checks) => recordNonces(db, checks, now()),
  });
  return {
    add(key, ttlSeconds) {
      const expiresAt = new Date(now().getTime() + Math.max(1, ttlSeconds) * 1000);
      return group.submit({ key, expiresAt }).catch((error: unknown) => {
        if (!(error instanceof GroupCommitTimeoutError)) throw error;
        throw new DatabaseTimeoutError("checking a nonce", checkTimeoutMs, { cause: error });
      });
    },
    /** Delete expired nonces; returns how many were removed. */
    async purgeExpired() {
      const result = await db.deleteFrom("nonces").where("expires_at", "<=", now()).executeTakeFirst();
      return Number(result.numDeletedRows);
    },
  };
}
