import type { CallEventNotification, FeeRecord } from "@privnum/notification-schemas";
import type { BindingRow } from "../bindings/binding.table.js";
import type { CallEventRow } from "../calls/call-event.table.js";
import { listCallHistory } from "../calls/call-history.repository.js";
import type { CallRecordRow } from "../calls/call-record.table.js";
import { upsertCallSessions } from "../calls/call-session.repository.js";
import type { CallSessionRow, NewCallSessionRow } from "../calls/call-session.table.js";
import { foldSession } from "../calls/session-fold.js";
import type { Executor } from "../database/database.js";

/** What {@link refoldSessions} needs besides the calls to refold. */
export interface RefoldInput {
  /** The session rows of these calls as they were before this transaction. */
  before: Map<string, CallSessionRow>;
  /** What this transaction inserted. */
  inserted: { events: readonly CallEventRow[]; records: readonly CallRecordRow[] };
  /** Bindings known by subscriptionId. */
  bindings: Map<string, BindingRow>;
  /** Calls with a CDR that contradicts its subscriptionId's binding: their A is what the CDRs show. */
  contradicted: ReadonlySet<string>;
  now: Date;
}

/**
 * Refold the calls in `sessionIds` from everything stored for them, and store the result.
 * A call without a session row yet has nothing stored but what this transaction inserted (every insert
 * of an event or CDR upserts its session row in the same transaction, under the session's lock), so only
 * calls seen before are read back.
 */
export async function refoldSessions(
  tx: Executor,
  sessionIds: readonly string[],
  { before, inserted, bindings, contradicted, now }: RefoldInput,
): Promise<CallSessionRow[]> {
  if (sessionIds.length === 0) return [];
  const known = sessionIds.filter((id) => before.has(id));
  const fresh = new Set(sessionIds.filter((id) => !before.has(id)));
  const stored = await listCallHistory(tx, known);
  const events = [
    ...stored.events,
    ...inserted.events.filter((e) => fresh.has(e.session_id)).map((e) => ({ ...e, item: e.event })),
  ];
  const records = [
    ...stored.records,
    ...inserted.records.filter((r) => fresh.has(r.session_id)).map((r) => ({ ...r, item: r.record })),
  ];
  const rows: NewCallSessionRow[] = sessionIds.map((sessionId) => {
    const ownEvents = events.filter((e) => e.session_id === sessionId);
    const ownRecords = records.filter((r) => r.session_id === sessionId);
    const folded = foldSession(
      ownEvents.map((e) => e.item as CallEventNotification),
      ownRecords.map((r) => r.item as FeeRecord),
    );
    // The stored rows already carry what attribution established; the newest known value wins.
    const attributed = <K extends "subscription_id" | "virtual_num" | "bind_num">(key: K) =>
      [...ownRecords, ...ownEvents.slice().reverse()].map((row) => row[key]).find((v) => v) ?? null;
    const subscriptionId = folded.subscriptionId ?? attributed("subscription_id");
    const binding = subscriptionId && !contradicted.has(sessionId) ? bindings.get(subscriptionId) : undefined;
    const previous = before.get(sessionId);
    return {
      session_id: sessionId,
      subscription_id: subscriptionId,
      virtual_num: folded.virtualNum ?? attributed("virtual_num") ?? binding?.virtual_num ?? null,
      bind_num: binding?.bind_num ?? attributed("bind_num") ?? folded.bindNum ?? null,
      status: folded.status,
      started_at: folded.startedAt,
      ended_at: folded.endedAt,
      outcome: folded.outcome,
      hangup_code: folded.hangupCode,
      session: folded.session,
      event_count: ownEvents.length,
      record_count: ownRecords.length,
      created_at: previous?.created_at ?? now,
      updated_at: now,
    };
  });
  return upsertCallSessions(tx, rows);
}
