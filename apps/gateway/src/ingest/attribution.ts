import type { CallEventNotification } from "@privnum/notification-schemas";
import {
  type BindingLookup,
  bindingLookupKey,
  findLatestBindingsFor,
} from "../bindings/binding.repository.js";
import type { BindingRow } from "../bindings/binding.table.js";
import type { CallSessionRow } from "../calls/call-session.table.js";
import type { Executor } from "../database/database.js";
import { nonEmpty } from "./row-mapping.js";

/** Whose call an event is: its binding's ID, X and A, as far as they are known. */
export interface Attribution {
  subscriptionId: string | null;
  virtualNum: string | null;
  bindNum: string | null;
}

/** Who a call was attributed to so far: its stored session row, or the events before it in this batch. */
export type KnownCall = Pick<CallSessionRow, "subscription_id" | "virtual_num" | "bind_num">;

/** Answers "the latest binding on X + E" / "the latest binding of A on X". */
export type BindingResolver = (lookup: BindingLookup) => Promise<BindingRow | undefined>;

/**
 * Who an event belongs to. Events after `callin` carry the subscriptionId; `collectInfo` names the keyed
 * extension; a `callin` from a bound A to its X is the callback scenario. What earlier events of the same
 * call established (the session row, or earlier events in the same batch) fills the rest.
 */
export async function attributeEvent(
  event: CallEventNotification,
  call: KnownCall | undefined,
  bindings: Map<string, BindingRow>,
  resolve: BindingResolver,
): Promise<Attribution> {
  let subscriptionId = nonEmpty(event.statusInfo.subscriptionId) ?? call?.subscription_id ?? null;
  let binding = subscriptionId ? bindings.get(subscriptionId) : undefined;
  let virtualNum =
    call?.virtual_num ?? (event.eventType === "callin" ? nonEmpty(event.statusInfo.called) : null);
  if (!binding && !subscriptionId && virtualNum) {
    const lookup = bindingLookupOf(event, virtualNum);
    if (lookup) binding = await resolve(lookup);
  }
  subscriptionId ??= binding?.subscription_id ?? null;
  virtualNum ??= binding?.virtual_num ?? null;
  return { subscriptionId, virtualNum, bindNum: binding?.bind_num ?? call?.bind_num ?? null };
}

/** The binding question an event without a subscriptionId raises, given the X it reached. */
function bindingLookupOf(event: CallEventNotification, virtualNum: string): BindingLookup | undefined {
  if (event.eventType === "collectInfo") {
    const digits = nonEmpty(event.statusInfo.digitInfo);
    if (digits) return { virtualNum, by: "extension", value: digits };
  }
  if (event.eventType === "callin") {
    const caller = nonEmpty(event.statusInfo.caller);
    if (caller) return { virtualNum, by: "number", value: caller };
  }
  return undefined;
}

/**
 * Every binding question the events of a batch may raise, asked in one round trip up front (a superset:
 * each event's X is the one its call reached so far); a question missed here is asked on its own.
 * What is found is also kept in `bindings` by subscriptionId: later events of the call name it.
 */
export async function prefetchBindingLookups(
  tx: Executor,
  events: readonly CallEventNotification[],
  sessions: Map<string, CallSessionRow>,
  bindings: Map<string, BindingRow>,
): Promise<BindingResolver> {
  const reached = new Map<string, string>();
  for (const [id, session] of sessions) if (session.virtual_num) reached.set(id, session.virtual_num);
  const lookups: BindingLookup[] = [];
  for (const event of events) {
    const sessionId = event.statusInfo.sessionId;
    if (event.eventType === "callin" && !reached.has(sessionId)) {
      const called = nonEmpty(event.statusInfo.called);
      if (called) reached.set(sessionId, called);
    }
    const virtualNum = reached.get(sessionId);
    const lookup =
      virtualNum && !nonEmpty(event.statusInfo.subscriptionId) && bindingLookupOf(event, virtualNum);
    if (lookup) lookups.push(lookup);
  }
  const asked = new Set(lookups.map(bindingLookupKey));
  const answers = await findLatestBindingsFor(tx, lookups);
  return async (lookup) => {
    const key = bindingLookupKey(lookup);
    if (!asked.has(key)) {
      asked.add(key);
      for (const [k, binding] of await findLatestBindingsFor(tx, [lookup])) answers.set(k, binding);
    }
    const binding = answers.get(key);
    if (binding) bindings.set(binding.subscription_id, binding);
    return binding;
  };
}
