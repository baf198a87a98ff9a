import { type RawBuilder, sql } from "kysely";
import type { Executor } from "../database/database.js";

// Two-key advisory locks (int4, int4) live in a space separate from single bigint keys, so these class
// ids cannot collide with locks other software takes with one key. (0x7072_0002 is the stream lock's.)
const SESSION_LOCK_CLASS = 0x7072_0001;

/**
 * Serialise transactions that touch the same call sessions, so that each refold sees the events the
 * others committed. Locks are taken in sorted order: two pushes sharing sessions cannot deadlock.
 */
export async function lockCallSessions(tx: Executor, sessionIds: Iterable<string>): Promise<void> {
  const sorted = [...new Set(sessionIds)].sort();
  if (sorted.length === 0) return;
  // One round trip; unnest yields the (sorted) array in order, so the locks are taken in that order.
  await sql`select pg_advisory_xact_lock(${SESSION_LOCK_CLASS}::int4, hashtext(s))
              from unnest(${sorted}::text[]) as s`.execute(tx);
}

/**
 * What {@link lockCallSessions} runs, as an expression (how many locks it took) for another statement to
 * evaluate once, before the storing transaction reads anything of these calls: one round trip fewer.
 * Undefined when there is nothing to lock.
 */
export function callSessionLocks(sessionIds: Iterable<string>): RawBuilder<number> | undefined {
  const sorted = [...new Set(sessionIds)].sort();
  if (sorted.length === 0) return undefined;
  return sql<number>`(select count(pg_advisory_xact_lock(${SESSION_LOCK_CLASS}::int4, hashtext(s)))
                        from unnest(${sorted}::text[]) as s)`;
}
