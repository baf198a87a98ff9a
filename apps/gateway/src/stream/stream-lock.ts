import { type RawBuilder, sql } from "kysely";

// Two-key advisory locks (int4, int4) live in a space separate from single bigint keys, so this class id
// cannot collide with locks other software takes with one key. (`call-locks.ts` holds the other classes.)
const STREAM_LOCK_CLASS = 0x7072_0002;

/**
 * The stream lock, held until the transaction ends: every transaction draws positions for the stored streams
 * (`call_events.stream_seq`, `stream_changes.position`, one sequence) only while holding it, so positions are
 * handed out in commit order and a reader that has seen position n never later discovers an n' < n. Must be
 * the last lock a transaction takes. An expression (text, never null once the lock is held) for the statement
 * that takes it and draws positions at once: see `appendStreamEntries`.
 */
export function streamLock(): RawBuilder<string> {
  return sql<string>`pg_advisory_xact_lock(${STREAM_LOCK_CLASS}::int4, 0)::text`;
}
