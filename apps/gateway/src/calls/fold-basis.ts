import type { CallEventNotification, FeeRecord } from "@privnum/notification-schemas";
import { type FoldedSession, foldSessionParts } from "./session-fold.js";

/** One stored event or CDR of a call, as refolding reads it: its row's attribution and the parsed item. */
export interface CallHistoryItem {
  id: number;
  /** When the event happened (`occurred_at`); null for CDRs and for events without a readable time. */
  occurred_at: Date | null;
  session_id: string;
  subscription_id: string | null;
  virtual_num: string | null;
  bind_num: string | null;
  /** The parsed event or CDR, as stored (without `raw`). */
  item: unknown;
}

/**
 * The few stored events and CDRs of a call that decide its refold, by row id (`call_events.id`,
 * `call_records.id`): folding them with any new items gives what folding the whole history with them would.
 * Of the events, in the fold's order, the first of each type and the first naming an extension and a
 * subscriptionId, and, in history order, the last with each attribution column set; of the CDRs, the call's
 * CDR, the one giving the direction and the first with each attribution column set, each with the first
 * copy of its icid. At most 11 events and 10 CDRs.
 */
export interface FoldBasis {
  events: number[];
  records: number[];
}

/** What {@link foldHistory} returns: the fold and the basis to store with it. */
export interface FoldedHistory {
  folded: FoldedSession;
  /**
   * What the stored rows' attribution established: per column, the first CDR's value, else the newest
   * event's (null when none has one).
   */
  attributed: Record<AttributionKey, string | null>;
  basis: FoldBasis;
}

/** The attribution columns of event and CDR rows. */
export type AttributionKey = (typeof ATTRIBUTION_KEYS)[number];

/**
 * The order `listCallHistory` reads events in (`occurred_at`, nulls last, then `id`); CDRs have no
 * `occurred_at` and so are in `id` order.
 */
export function historyOrder(a: CallHistoryItem, b: CallHistoryItem): number {
  const at = a.occurred_at?.getTime() ?? Number.POSITIVE_INFINITY;
  const bt = b.occurred_at?.getTime() ?? Number.POSITIVE_INFINITY;
  return at !== bt ? (at < bt ? -1 : 1) : a.id - b.id;
}

const ATTRIBUTION_KEYS = ["subscription_id", "virtual_num", "bind_num"] as const;

/**
 * Fold a call's events and CDRs (each list in {@link historyOrder}, every event unique by its dedupe key)
 * and pick its basis. Folding a call's basis plus new items, in history order, equals folding its whole
 * history plus them as long as no new CDR reuses an icid the call already has (the fold keeps the first
 * copy of an icid, which the basis may not hold).
 */
export function foldHistory(
  events: readonly CallHistoryItem[],
  records: readonly CallHistoryItem[],
): FoldedHistory {
  const parts = foldSessionParts(
    events.map((e) => e.item as CallEventNotification),
    records.map((r) => r.item as FeeRecord),
  );
  const eventOf = new Map<unknown, CallHistoryItem>(events.map((e) => [e.item, e]));
  const recordOf = new Map<unknown, CallHistoryItem>(records.map((r) => [r.item, r]));

  const keptEvents = new Set<CallHistoryItem>();
  const seenTypes = new Set<string>();
  let extension = false;
  let subscription = false;
  for (const event of parts.events) {
    const info = event.statusInfo as { extendNum?: string; subscriptionId?: string };
    const keep =
      !seenTypes.has(event.eventType) ||
      (!extension && !!info.extendNum) ||
      (!subscription && !!info.subscriptionId);
    seenTypes.add(event.eventType);
    extension ||= !!info.extendNum;
    subscription ||= !!info.subscriptionId;
    if (keep) keptEvents.add(eventOf.get(event)!);
  }
  for (const key of ATTRIBUTION_KEYS) {
    const last = events.findLast((e) => e[key]);
    if (last) keptEvents.add(last);
  }

  const keptRecords = new Set<CallHistoryItem>();
  for (const record of [parts.records[0], parts.directionRecord]) {
    if (record) keptRecords.add(recordOf.get(record)!);
  }
  for (const key of ATTRIBUTION_KEYS) {
    const first = records.find((r) => r[key]);
    if (first) keptRecords.add(first);
  }
  // The fold keeps the first copy of an icid: a later copy kept here needs its first one beside it.
  const firstCopy = new Map<string, CallHistoryItem>();
  for (const record of records) {
    const icid = (record.item as FeeRecord).icid;
    if (!firstCopy.has(icid)) firstCopy.set(icid, record);
  }
  for (const record of [...keptRecords]) keptRecords.add(firstCopy.get((record.item as FeeRecord).icid)!);

  const attributed = (key: AttributionKey) =>
    records.find((row) => row[key])?.[key] ?? events.findLast((row) => row[key])?.[key] ?? null;
  return {
    folded: parts.folded,
    attributed: {
      subscription_id: attributed("subscription_id"),
      virtual_num: attributed("virtual_num"),
      bind_num: attributed("bind_num"),
    },
    basis: {
      events: [...keptEvents].sort(historyOrder).map((item) => item.id),
      records: [...keptRecords].sort(historyOrder).map((item) => item.id),
    },
  };
}
