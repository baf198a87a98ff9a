import type { BindingChangeEvent } from "../changes/change-topics.js";
import { appendChanges } from "../changes/stream-change.repository.js";
import type { Executor } from "../database/database.js";

/**
 * Store binding changes on the change stream, in the transaction that made them (so a change is published
 * exactly when, and exactly as often as, it is committed, whichever instance made it). The last step of that
 * transaction: it takes the stream lock.
 */
export async function appendBindingChanges(
  tx: Executor,
  events: readonly BindingChangeEvent[],
): Promise<void> {
  await appendChanges(
    tx,
    events.map((value) => ({ topic: "bindingChange" as const, value })),
  );
}
