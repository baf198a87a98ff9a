import type { Notification, NumStatusNotification } from "@privnum/notification-schemas";
import type { Kysely, Transaction } from "kysely";
import { callSessionLocks } from "../calls/call-locks.js";
import type { NewChange } from "../changes/change-topics.js";
import { appendStreamEntries } from "../changes/stream-entries.repository.js";
import type { Database } from "../database/database.js";
import { firstUseInBatch } from "../notifications/nonce.repository.js";
import {
  insertReceivedNotifications,
  type NotificationVerdictUpdate,
  setNotificationVerdicts,
} from "../notifications/received-notification.repository.js";
import { applyVirtualNumberStatus } from "../numbers/virtual-number.repository.js";
import { knownNumbersOf } from "./known-numbers.js";
import type { RefoldedSessions } from "./refold.js";
import { sessionIdsOf } from "./session-ids.js";
import { type CallPush, storeCallItems } from "./store-call-items.js";
import { itemCount, type PendingPush, ReplayedNonceError, type StoredPush } from "./stored-push.js";

/**
 * Store verified, parsed pushes in a single transaction: every body with its verdict and its Nonce (one
 * statement, which also takes the locks of the calls they touch; a push whose Nonce was already used is not
 * stored), the new events and CDRs of them all (deduplicated; one statement, which also queues recordings and
 * remembers X numbers), the calls they touch refolded once (stored by the last statement), and the X-number
 * statuses in push order. The stream positions of new events are assigned last, just before commit, in push
 * order, followed by the changes subscribers follow (calls, CDRs, number statuses). Resolves after commit with
 * one result per push, in order: what it stored, or {@link ReplayedNonceError}; throws (rolling everything
 * back) when the database fails.
 */
export async function storeNotifications(
  db: Kysely<Database>,
  pushes: readonly PendingPush[],
  now: Date,
): Promise<(StoredPush | ReplayedNonceError)[]> {
  if (pushes.length === 0) return [];
  const knownNumbers = knownNumbersOf(db);
  let addedNumbers: string[] = [];
  // The calls these pushes touch are locked in the statement that keeps the bodies (one round trip fewer).
  const locks = callSessionLocks(pushes.flatMap(({ notification }) => sessionIdsOf(notification)));
  // A Nonce used twice in one batch: the later push is the replay (one statement cannot record a key twice).
  const firstUse = firstUseInBatch(pushes.map((push) => push.nonce));
  const fresh = pushes.filter((_, i) => firstUse[i]);
  const stored = await db.transaction().execute(async (tx) => {
    // Kept as accepted with every item new; the verdicts that turn out otherwise are settled below.
    const receivedIds = await insertReceivedNotifications(
      tx,
      fresh.map(({ notification, body }) => ({
        path: body.path,
        content_type: body.contentType,
        app_key: body.appKey,
        kind: notification.kind,
        verdict: "accepted",
        reason: null,
        http_status: 200,
        body: body.bytes,
        body_size: body.bytes.byteLength,
        item_count: itemCount(notification),
        new_item_count: itemCount(notification),
      })),
      { alsoEvaluate: locks, nonces: { claims: fresh.map((push) => push.nonce), at: now } },
    );
    const outcomes = new Map<PendingPush, StoredPush>();
    const entries = fresh.flatMap((push, i) => {
      const receivedId = receivedIds[i];
      if (receivedId === undefined) throw new Error("a kept body has no id");
      if (receivedId === null) return []; // its Nonce was already used
      const entry = {
        notification: push.notification,
        result: acceptedResult(receivedId, push.notification),
      };
      outcomes.set(push, entry.result);
      return [entry];
    });
    const results = entries.map((entry) => entry.result);

    const callPushes = entries.filter(
      (entry): entry is CallPush =>
        entry.notification.kind === "callEvent" || entry.notification.kind === "fee",
    );
    let sessions: RefoldedSessions | undefined;
    if (callPushes.length > 0) {
      ({ addedNumbers, sessions } = await storeCallItems(tx, callPushes, now, knownNumbers));
    }

    const verdicts: NotificationVerdictUpdate[] = [];
    for (const { notification, result } of entries) {
      const fresh =
        notification.kind === "numStatus"
          ? await storeNumberStatuses(tx, notification, result, now)
          : settleVerdict(notification, result);
      if (result.verdict !== "accepted" || result.reason !== null || fresh !== result.itemCount) {
        verdicts.push({
          id: result.receivedId,
          verdict: result.verdict,
          reason: result.reason,
          newItemCount: fresh,
        });
      }
    }
    await setNotificationVerdicts(tx, verdicts);

    // The last statement, storing the refolded calls first, and committing: see appendStreamEntries.
    const positioned = await appendStreamEntries(
      tx,
      results.flatMap((r) => r.events),
      results.flatMap(changesOf),
      sessions,
      { thenCommit: true },
    );
    const byReceived = new Map(results.map((r) => [r.receivedId, r]));
    for (const result of results) result.events = [];
    for (const event of positioned.events) byReceived.get(event.received_notification_id)?.events.push(event);
    return outcomes;
  });
  for (const number of addedNumbers) knownNumbers.add(number);
  return pushes.map((push) => stored.get(push) ?? new ReplayedNonceError());
}

/** What a stored push changed, for the change stream: the calls it changed, its new CDRs, its number statuses. */
function changesOf(result: StoredPush): NewChange[] {
  return [
    ...result.sessions.map((value) => ({ topic: "callSession" as const, value })),
    ...result.records.map((value) => ({ topic: "callRecord" as const, value })),
    ...result.numbers.map((value) => ({ topic: "virtualNumber" as const, value })),
  ];
}

function acceptedResult(receivedId: number, notification: Notification): StoredPush {
  return {
    receivedId,
    verdict: "accepted",
    reason: null,
    itemCount: itemCount(notification),
    events: [],
    records: [],
    sessions: [],
    numbers: [],
    bindingConflicts: [],
  };
}

/**
 * The verdict of a call-event, CDR or unknown push once its items are stored: a duplicate when nothing was
 * new, with a reason when only part was new or CDRs reuse an icid. Resolves to the count of new items.
 */
function settleVerdict(notification: Notification, result: StoredPush): number {
  if (notification.kind !== "callEvent" && notification.kind !== "fee") {
    result.reason = `unknown eventType "${notification.eventType.slice(0, 64)}": kept for inspection`;
    return result.itemCount;
  }
  const fresh = result.events.length + result.records.length;
  if (fresh === 0) {
    result.verdict = "duplicate";
    result.reason = notification.kind === "callEvent" ? "event already stored" : "every CDR already stored";
    return fresh;
  }
  const conflicts = result.records.filter((r) => r.conflict).length;
  const reasons = [];
  if (fresh < result.itemCount) {
    reasons.push(`${result.itemCount - fresh} of ${result.itemCount} CDRs already stored`);
  }
  if (conflicts > 0) {
    reasons.push(
      `${conflicts} of ${result.itemCount} CDRs reuse a stored icid with different content (kept, marked conflict)`,
    );
  }
  if (reasons.length > 0) result.reason = reasons.join("; ");
  return fresh;
}

/** Apply an X-number status push in order; a duplicate when every status was already known. */
async function storeNumberStatuses(
  tx: Transaction<Database>,
  notification: NumStatusNotification,
  result: StoredPush,
  now: Date,
): Promise<number> {
  result.numbers = await applyVirtualNumberStatus(
    tx,
    // Kept as the platform's string codes ("5", "10" …), as sent.
    notification.numInfo.map((entry) => ({
      number: entry.number,
      status: String(entry.status),
      cause: entry.cause === undefined ? null : String(entry.cause),
    })),
    now,
  );
  if (result.numbers.length > 0) return result.itemCount;
  result.verdict = "duplicate";
  result.reason = "every status already known";
  return 0;
}
