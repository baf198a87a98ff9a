import type { CallEventNotification, FeeNotification } from "@privnum/notification-schemas";
import { findBindings, markBindingsConflicting } from "../bindings/binding.repository.js";
import { eventKey } from "../calls/call-event.repository.js";
import type { CallEventRow, NewCallEventRow } from "../calls/call-event.table.js";
import type { NewCallRecordRow } from "../calls/call-record.table.js";
import { toDate } from "../database/column-values.js";
import type { Executor } from "../database/database.js";
import { attributeEvent, type KnownCall, prefetchBindingLookups } from "./attribution.js";
import { insertCallItems } from "./call-items.repository.js";
import { type EventKey, findCallsToStore } from "./calls-to-store.repository.js";
import type { KnownNumbers } from "./known-numbers.js";
import { type RefoldedSessions, refoldSessions } from "./refold.js";
import { contradictsBinding, eventRow, nonEmpty, recordRow, shownA } from "./row-mapping.js";
import { sessionIdsOf } from "./session-ids.js";
import type { StoredPush } from "./stored-push.js";

/** A call-event or CDR push of a batch, with the result it fills. */
export interface CallPush {
  notification: CallEventNotification | FeeNotification;
  result: StoredPush;
}

/** What {@link storeCallItems} leaves to the rest of the transaction. */
export interface StoredCallItems {
  /** The X numbers added to `virtual_numbers`, to be marked known once the transaction commits. */
  addedNumbers: string[];
  /** The refolded calls, to be stored by the transaction's last statement (see `appendStreamEntries`). */
  sessions: RefoldedSessions;
}

/**
 * Store the call events and CDRs of `pushes` (their bodies already kept, their calls' locks held, see
 * `callSessionLocks`): attribute each event in push order (later events of a call see what earlier ones in
 * the same batch established), insert all new CDRs (queueing their recordings, remembering the unknown X
 * numbers of new items) with one statement, and refold every call they touch once. The new events (those
 * not stored yet, looked up with the calls) get their ids here; they are inserted, and the refolded calls
 * stored, by the transaction's last statement (see {@link StoredCallItems}): each event row is written once,
 * with its stream position. Fills `events` (positions to come), `records`, `sessions` and
 * `bindingConflicts` of each push's result.
 */
export async function storeCallItems(
  tx: Executor,
  pushes: readonly CallPush[],
  now: Date,
  knownNumbers: KnownNumbers,
): Promise<StoredCallItems> {
  const sessionIds = [...new Set(pushes.flatMap(({ notification }) => sessionIdsOf(notification)))];
  const pushedSubscriptionIds = pushes
    .flatMap(({ notification }) =>
      notification.kind === "callEvent"
        ? [nonEmpty(notification.statusInfo.subscriptionId)]
        : notification.feeLst.map((r) => nonEmpty(r.subscriptionId)),
    )
    .filter((id): id is string => id !== null);
  // Each event's dedupe key once: what is stored already is looked up, under the calls' locks, with the calls.
  const pushedEvents = new Map<string, EventKey>();
  for (const { notification } of pushes) {
    if (notification.kind !== "callEvent") continue;
    const key = {
      session_id: notification.statusInfo.sessionId,
      event_type: notification.eventType,
      event_timestamp: notification.statusInfo.timestamp,
    };
    pushedEvents.set(eventKey(key), key);
  }
  const { sessions, bases, bindings, newIds, storedEvents, eventIds } = await findCallsToStore(
    tx,
    sessionIds,
    pushedSubscriptionIds,
    [...pushedEvents.values()],
  );
  // The bindings asked for already: those of the subscriptionIds the pushes and the stored calls name.
  const askedBindings = new Set<string | null>([
    ...pushedSubscriptionIds,
    ...[...sessions.values()].map((s) => s.subscription_id),
  ]);

  const resolveBinding = await prefetchBindingLookups(
    tx,
    pushes.flatMap(({ notification }) => (notification.kind === "callEvent" ? [notification] : [])),
    sessions,
    bindings,
  );
  const known = new Map<string, KnownCall>(sessions);
  const events: (CallEventRow & { result: StoredPush })[] = [];
  const recordRows: NewCallRecordRow[] = [];
  for (const { notification, result } of pushes) {
    if (notification.kind === "callEvent") {
      const sessionId = notification.statusInfo.sessionId;
      const who = await attributeEvent(notification, known.get(sessionId), bindings, resolveBinding);
      // Asked once per subscriptionId: one that has no binding is not asked again for each event.
      if (who.subscriptionId && !bindings.has(who.subscriptionId) && !askedBindings.has(who.subscriptionId)) {
        askedBindings.add(who.subscriptionId);
        for (const b of await findBindings(tx, [who.subscriptionId])) bindings.set(b.subscription_id, b);
      }
      const before = known.get(sessionId);
      known.set(sessionId, {
        subscription_id: who.subscriptionId ?? before?.subscription_id ?? null,
        virtual_num: who.virtualNum ?? before?.virtual_num ?? null,
        bind_num: who.bindNum ?? before?.bind_num ?? null,
      });
      const row = eventRow(notification, who, result.receivedId);
      const key = eventKey(row);
      // New once: not stored, and the first of its repeats in this batch (their attribution still counts).
      if (!storedEvents.has(key)) {
        storedEvents.add(key);
        const id = eventIds[events.length];
        if (id === undefined) throw new Error(`no id was drawn for the new event ${key}`);
        events.push({ ...newEvent(row, now), id, result });
      }
    } else {
      for (const record of notification.feeLst) {
        const call = known.get(record.sessionId);
        const subscriptionId = nonEmpty(record.subscriptionId) ?? call?.subscription_id ?? null;
        const binding = subscriptionId ? bindings.get(subscriptionId) : undefined;
        const contradicted =
          subscriptionId !== null && binding !== undefined && contradictsBinding(record, binding);
        if (contradicted) {
          // The platform reused the subscriptionId: this call is not the mirrored binding's.
          result.bindingConflicts.push({
            icid: record.icid,
            subscriptionId,
            bindingId: binding.id,
            mirrored: { bindNum: binding.bind_num, virtualNum: binding.virtual_num },
            pushed: { bindNum: shownA(record), virtualNum: nonEmpty(record.bindNum) },
          });
        }
        recordRows.push(
          recordRow(record, call, contradicted ? undefined : binding, result.receivedId, contradicted),
        );
      }
    }
  }

  const eventNumbers = events.flatMap((e) => (e.virtual_num ? [e.virtual_num] : []));
  const records = await insertCallItems(tx, {
    records: recordRows,
    eventNumbers,
    unknownNumbers: [
      ...eventNumbers,
      ...recordRows.flatMap((r) => (r.virtual_num ? [r.virtual_num] : [])),
    ].filter((n) => !knownNumbers.has(n)),
    now,
  });
  // Only CDRs stored now count: a retry of one already stored was reported the first time.
  const storedRecordIds = new Set(records.map((r) => `${r.received_notification_id}\u0000${r.icid}`));
  for (const { result } of pushes) {
    result.bindingConflicts = result.bindingConflicts.filter((c) =>
      storedRecordIds.has(`${result.receivedId}\u0000${c.icid}`),
    );
  }
  const contradicted = pushes.flatMap(({ result }) => result.bindingConflicts);
  if (contradicted.length > 0) {
    await markBindingsConflicting(
      tx,
      contradicted.map((c) => c.bindingId),
      now,
    );
  }
  const contradictedSessions = new Set(
    records.filter((r) => contradicted.some((c) => c.icid === r.icid)).map((r) => r.session_id),
  );
  const newEvents = events.map(({ result, ...event }) => {
    result.events.push(event);
    return event;
  });
  const byReceived = new Map(pushes.map(({ result }) => [result.receivedId, result]));
  for (const record of records) byReceived.get(record.received_notification_id)?.records.push(record);

  // Remembered by insertCallItems, in the same transaction as the events that name them.
  const unseen = [
    ...new Set([...events, ...records].flatMap((r) => (r.virtual_num ? [r.virtual_num] : []))),
  ].filter((n) => !knownNumbers.has(n));

  const changed = [...new Set([...events.map((e) => e.session_id), ...records.map((r) => r.session_id)])];
  const refolded = await refoldSessions(tx, changed, {
    before: sessions,
    newIds,
    bases,
    inserted: { events: newEvents, records },
    bindings,
    contradicted: contradictedSessions,
    now,
  });
  // Each call's new state goes with the last push that changed it.
  const lastPush = new Map<string, StoredPush>();
  for (const { result } of pushes) {
    for (const item of [...result.events, ...result.records]) lastPush.set(item.session_id, result);
  }
  for (const session of refolded.rows) lastPush.get(session.session_id)?.sessions.push(session);
  return { addedNumbers: unseen, sessions: refolded };
}

/**
 * A new event as it is to be stored, its id drawn (added by the caller) and its stream position and
 * `inserted_at` those the statement that inserts it (see `appendStreamEntries`).
 */
function newEvent(row: NewCallEventRow, now: Date): Omit<CallEventRow, "id"> {
  return {
    stream_seq: null,
    session_id: row.session_id,
    event_type: row.event_type,
    event_timestamp: row.event_timestamp,
    occurred_at: toDate(row.occurred_at),
    subscription_id: row.subscription_id ?? null,
    virtual_num: row.virtual_num ?? null,
    bind_num: row.bind_num ?? null,
    caller: row.caller ?? null,
    called: row.called ?? null,
    digit_info: row.digit_info ?? null,
    state_code: row.state_code ?? null,
    state_desc: row.state_desc ?? null,
    user_data: row.user_data ?? null,
    event: row.event,
    received_notification_id: row.received_notification_id,
    inserted_at: now, // until the statement that inserts it returns the stored one
  };
}
