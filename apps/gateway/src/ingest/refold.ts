import type { BindingRow } from "../bindings/binding.table.js";
import type { CallEventRow } from "../calls/call-event.table.js";
import { listCallHistory } from "../calls/call-history.repository.js";
import type { CallRecordRow } from "../calls/call-record.table.js";
import type { CallSessionRow } from "../calls/call-session.table.js";
import { type CallHistoryItem, type FoldBasis, foldHistory, historyOrder } from "../calls/fold-basis.js";
import type { Executor } from "../database/database.js";
import type { BasisItems } from "./calls-to-store.repository.js";

/** What {@link refoldSessions} needs besides the calls to refold. */
export interface RefoldInput {
  /** The session rows of these calls as they were before this transaction. */
  before: Map<string, CallSessionRow>;
  /** The ids drawn for the calls without a session row yet (see `findCallsToStore`). */
  newIds: ReadonlyMap<string, number>;
  /** The rows the stored fold bases of these calls name (a call stored before fold bases existed has none). */
  bases: ReadonlyMap<string, BasisItems>;
  /** What this transaction stores: the CDRs inserted already, the events to be inserted by its last statement. */
  inserted: { events: readonly CallEventRow[]; records: readonly CallRecordRow[] };
  /** Bindings known by subscriptionId. */
  bindings: Map<string, BindingRow>;
  /** Calls with a CDR that contradicts its subscriptionId's binding: their A is what the CDRs show. */
  contradicted: ReadonlySet<string>;
  now: Date;
}

/** The refolded calls of a storing transaction, to be stored with their new fold bases (see `callSessionsUpsert`). */
export interface RefoldedSessions {
  /** The calls' new rows, as they are to be stored (ids and `created_at` included). */
  rows: CallSessionRow[];
  bases: Map<string, FoldBasis>;
}

/**
 * Refold the calls in `sessionIds`: their new rows and fold bases, to be stored by the statement that
 * positions the transaction's stream entries (one round trip fewer, see `appendStreamEntries`).
 * A call without a session row yet has nothing stored but what this transaction inserted (every insert
 * of an event or CDR upserts its session row in the same transaction, under the session's lock); a call
 * with a fold basis is folded from it plus what was inserted (see fold-basis.ts); only the others (no
 * basis yet, or a new CDR reusing an icid) are refolded from their whole stored history, read in one query.
 */
export async function refoldSessions(
  tx: Executor,
  sessionIds: readonly string[],
  { before, newIds, bases, inserted, bindings, contradicted, now }: RefoldInput,
): Promise<RefoldedSessions> {
  const foldBases = new Map<string, FoldBasis>();
  if (sessionIds.length === 0) return { rows: [], bases: foldBases };
  const newEvents = groupBySession(inserted.events.map((e) => ({ ...historyItem(e), item: e.event })));
  const newRecords = groupBySession(
    inserted.records.map((r) => ({ ...historyItem(r), occurred_at: null, item: r.record })),
  );
  const reusesIcid = new Set(inserted.records.filter((r) => r.conflict).map((r) => r.session_id));
  const fromHistory = new Set(
    sessionIds.filter((id) => before.has(id) && (!bases.has(id) || reusesIcid.has(id))),
  );
  const stored = await listCallHistory(tx, [...fromHistory]);
  const storedEvents = groupBySession(stored.events);
  const storedRecords = groupBySession(stored.records);

  const rows = sessionIds.map((sessionId): CallSessionRow => {
    const previous = before.get(sessionId);
    const id = previous?.id ?? newIds.get(sessionId);
    if (id === undefined) throw new Error(`no id was drawn for the new call ${sessionId}`);
    const added = { events: newEvents.get(sessionId) ?? [], records: newRecords.get(sessionId) ?? [] };
    const basis = bases.get(sessionId);
    let ownEvents: CallHistoryItem[];
    let ownRecords: CallHistoryItem[];
    let eventCount: number;
    let recordCount: number;
    if (previous === undefined || fromHistory.has(sessionId) || basis === undefined) {
      // The new CDRs are stored by now, and so in the history read; the new events are not (the last
      // statement inserts them).
      ownEvents = [...(previous ? (storedEvents.get(sessionId) ?? []) : []), ...added.events].sort(
        historyOrder,
      );
      ownRecords = previous ? (storedRecords.get(sessionId) ?? []) : added.records.sort(historyOrder);
      eventCount = ownEvents.length;
      recordCount = ownRecords.length;
    } else {
      ownEvents = [...basis.events, ...added.events].sort(historyOrder);
      ownRecords = [...basis.records, ...added.records].sort(historyOrder);
      eventCount = previous.event_count + added.events.length;
      recordCount = previous.record_count + added.records.length;
    }
    const { folded, attributed, basis: nextBasis } = foldHistory(ownEvents, ownRecords);
    foldBases.set(sessionId, nextBasis);
    // The stored rows already carry what attribution established.
    const subscriptionId = folded.subscriptionId ?? attributed.subscription_id;
    const binding = subscriptionId && !contradicted.has(sessionId) ? bindings.get(subscriptionId) : undefined;
    return {
      id,
      session_id: sessionId,
      subscription_id: subscriptionId,
      virtual_num: folded.virtualNum ?? attributed.virtual_num ?? binding?.virtual_num ?? null,
      bind_num: binding?.bind_num ?? attributed.bind_num ?? folded.bindNum ?? null,
      status: folded.status,
      started_at: folded.startedAt,
      ended_at: folded.endedAt,
      outcome: folded.outcome,
      hangup_code: folded.hangupCode,
      session: folded.session,
      event_count: eventCount,
      record_count: recordCount,
      created_at: previous?.created_at ?? now,
      updated_at: now,
    };
  });
  return { rows, bases: foldBases };
}

function historyItem(row: CallEventRow | CallRecordRow): Omit<CallHistoryItem, "item"> {
  return {
    id: row.id,
    occurred_at: "occurred_at" in row ? row.occurred_at : null,
    session_id: row.session_id,
    subscription_id: row.subscription_id,
    virtual_num: row.virtual_num,
    bind_num: row.bind_num,
  };
}

function groupBySession(items: readonly CallHistoryItem[]): Map<string, CallHistoryItem[]> {
  const grouped = new Map<string, CallHistoryItem[]>();
  for (const item of items) {
    const group = grouped.get(item.session_id);
    if (group) group.push(item);
    else grouped.set(item.session_id, [item]);
  }
  return grouped;
}
