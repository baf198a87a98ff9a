import type { FanOut } from "../fanout/fan-out.js";
import type { StoredPush } from "./stored-push.js";

/**
 * Tell the feeds of every instance that a push was committed: they read its call events and changes back from
 * the stored streams, in stream order. Nothing is published from memory, so what a subscriber receives is
 * exactly what was committed, whichever instance stored it.
 */
export function publishStoredPush(push: StoredPush, fanOut: FanOut): void {
  const changed = push.events.length + push.sessions.length + push.records.length + push.numbers.length;
  if (changed > 0) fanOut.committed();
}
