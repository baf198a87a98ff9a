import type { Kysely, Transaction } from "kysely";
import type { BindingChangeEvent } from "../changes/change-topics.js";
import { appendChanges } from "../changes/stream-change.repository.js";
import type { Database, Executor } from "../database/database.js";

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

/** What a write to the mirror resolves: its result, and the binding changes it made. */
export interface BindingWrite<T> {
  result: T;
  changes: BindingChangeEvent[];
}

/**
 * Run `write` and store the binding changes it resolves in one transaction; after commit, call `onCommitted`
 * (which wakes the change feeds of every instance) when there were any. Resolves the write's result.
 */
export async function commitBindingChanges<T>(
  db: Kysely<Database>,
  onCommitted: () => void,
  write: (tx: Transaction<Database>) => Promise<BindingWrite<T>>,
): Promise<T> {
  const { result, changes } = await db.transaction().execute(async (tx) => {
    const written = await write(tx);
    await appendBindingChanges(tx, written.changes);
    return written;
  });
  if (changes.length > 0) onCommitted();
  return result;
}
