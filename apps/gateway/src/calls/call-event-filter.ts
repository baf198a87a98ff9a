import type { ExpressionBuilder, ExpressionWrapper, SqlBool } from "kysely";
import type { Database } from "../database/database.js";
import type { CallEventRow } from "./call-event.table.js";

/** Which call events a reader wants; absent or empty fields do not filter. */
export interface CallEventFilter {
  sessionId?: string | null;
  subscriptionId?: string | null;
  virtualNum?: string | null;
  bindNum?: string | null;
  eventTypes?: readonly string[] | null;
}

/** The filter as a SQL condition: the stored-event side of a subscription. */
export function callEventCondition(
  eb: ExpressionBuilder<Database, "call_events">,
  filter: CallEventFilter,
): ExpressionWrapper<Database, "call_events", SqlBool> {
  const conditions = [];
  if (filter.sessionId) conditions.push(eb("session_id", "=", filter.sessionId));
  if (filter.subscriptionId) conditions.push(eb("subscription_id", "=", filter.subscriptionId));
  if (filter.virtualNum) conditions.push(eb("virtual_num", "=", filter.virtualNum));
  if (filter.bindNum) conditions.push(eb("bind_num", "=", filter.bindNum));
  if (filter.eventTypes && filter.eventTypes.length > 0) {
    conditions.push(eb("event_type", "in", [...filter.eventTypes]));
  }
  return eb.and(conditions);
}

/** The same filter in memory: the live side of a subscription. Must agree with {@link callEventCondition}. */
export function matchesCallEventFilter(row: CallEventRow, filter: CallEventFilter): boolean {
  if (filter.sessionId && row.session_id !== filter.sessionId) return false;
  if (filter.subscriptionId && row.subscription_id !== filter.subscriptionId) return false;
  if (filter.virtualNum && row.virtual_num !== filter.virtualNum) return false;
  if (filter.bindNum && row.bind_num !== filter.bindNum) return false;
  if (filter.eventTypes && filter.eventTypes.length > 0 && !filter.eventTypes.includes(row.event_type)) {
    return false;
  }
  return true;
}
