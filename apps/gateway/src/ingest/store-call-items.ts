import type { CallEventNotification, FeeNotification } from "@privnum/notification-schemas";
import { findBindings, markBindingsConflicting } from "../bindings/binding.repository.js";
import type { NewCallEventRow } from "../calls/call-event.table.js";
import type { NewCallRecordRow } from "../calls/call-record.table.js";
import type { Executor } from "../database/database.js";
import { attributeEvent, type KnownCall, prefetchBindingLookups } from "./attribution.js";
import { insertCallItems } from "./call-items.repository.js";
import { findCallsToStore } from "./calls-to-store.repository.js";
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
 * `callSessionLocks`): attribute each event in push
 * order (later events of a call see what earlier ones in the same batch established), insert all new
 * events and all new CDRs (queueing their recordings, remembering their unknown X numbers) with one
 * statement, and refold every call they touch once (the refolded
 * rows are stored later, see {@link StoredCallItems}). Fills `events`, `records`, `sessions` and
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
  const { sessions, bases, bindings, newIds } = await findCallsToStore(tx, sessionIds, pushedSubscriptionIds);
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
  const eventRows: NewCallEventRow[] = [];
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
      eventRows.push(eventRow(notification, who, result.receivedId));
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

  const { events, records } = await insertCallItems(tx, {
    events: eventRows,
    records: recordRows,
    unknownNumbers: [...eventRows, ...recordRows].flatMap((r) =>
      r.virtual_num && !knownNumbers.has(r.virtual_num) ? [r.virtual_num] : [],
    ),
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
  const byReceived = new Map(pushes.map(({ result }) => [result.receivedId, result]));
  for (const event of events) byReceived.get(event.received_notification_id)?.events.push(event);
  for (const record of records) byReceived.get(record.received_notification_id)?.records.push(record);

  // Remembered by insertCallItems.
  const unseen = [
    ...new Set([...events, ...records].flatMap((r) => (r.virtual_num ? [r.virtual_num] : []))),
  ].filter((n) => !knownNumbers.has(n));

  const changed = [...new Set([...events.map((e) => e.session_id), ...records.map((r) => r.session_id)])];
  const refolded = await refoldSessions(tx, changed, {
    before: sessions,
    newIds,
    bases,
    inserted: { events, records },
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
