import { sql } from "kysely";
import { toDate } from "../database/column-values.js";
import type { Executor } from "../database/database.js";
import type { CallHistoryItem } from "./fold-basis.js";

/** What refolding a call needs of one of its stored events or CDRs. */
export type StoredCallItem = CallHistoryItem;

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
  const { rows } = await sql<
    Omit<StoredCallItem, "id" | "occurred_at"> & {
      kind: number;
      id: number | string;
      at: Date | string | null;
    }
  >`
    select kind, id, at, session_id, subscription_id, virtual_num, bind_num, item
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
  for (const { kind, id, at, ...item } of rows) {
    (kind === 0 ? events : records).push({ ...item, id: Number(id), occurred_at: toDate(at) });
  }
  return { events, records };
}
