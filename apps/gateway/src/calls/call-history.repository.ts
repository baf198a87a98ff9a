import { sql } from "kysely";
import type { Executor } from "../database/database.js";

/** What refolding a call needs of one of its stored events or CDRs. */
export interface StoredCallItem {
  session_id: string;
  subscription_id: string | null;
  virtual_num: string | null;
  bind_num: string | null;
  /** The parsed event or CDR, as stored. */
  item: unknown;
}

/**
 * Every stored event and CDR of these calls in one round trip (a push that refolds a call would otherwise
 * wait for two): events in the order they happened, then arrived; CDRs in the order they arrived.
 */
export async function listCallHistory(
  db: Executor,
  sessionIds: readonly string[],
): Promise<{ events: StoredCallItem[]; records: StoredCallItem[] }> {
  if (sessionIds.length === 0) return { events: [], records: [] };
  const ids = [...new Set(sessionIds)];
  const { rows } = await sql<StoredCallItem & { kind: number }>`
    select kind, session_id, subscription_id, virtual_num, bind_num, item
      from (select 0 as kind, session_id, subscription_id, virtual_num, bind_num, event as item,
                   occurred_at as at, id
              from call_events
             where session_id = any(${ids}::text[])
            union all
            select 1, session_id, subscription_id, virtual_num, bind_num, record, null::timestamptz, id
              from call_records
             where session_id = any(${ids}::text[])) as history
     order by kind, at, id`.execute(db);
  const events: StoredCallItem[] = [];
  const records: StoredCallItem[] = [];
  for (const { kind, ...item } of rows) (kind === 0 ? events : records).push(item);
  return { events, records };
}
