import { BINDING_TIMESTAMPS, type BindingRow } from "../bindings/binding.table.js";
import type { CallRecordRow } from "../calls/call-record.table.js";
import { CALL_SESSION_TIMESTAMPS, type CallSessionRow } from "../calls/call-session.table.js";
import { withDates } from "../database/column-values.js";
import type { VirtualNumberRow } from "../numbers/virtual-number.table.js";

/**
 * What happened to a binding (`missing`: the platform confirmed it no longer has it; `imported`: the platform
 * lists it, made outside this gateway, and the mirror took it in).
 */
export type BindingChangeKind = "created" | "updated" | "deleted" | "expired" | "missing" | "imported";

/** One binding change. */
export interface BindingChangeEvent {
  kind: BindingChangeKind;
  binding: BindingRow;
  at: Date;
}

/** The topics of the change stream and what each change holds (call events have their own stream). */
export interface ChangeTopics {
  /** A call's folded state after an event or CDR changed it. */
  callSession: CallSessionRow;
  /** A CDR, once stored. */
  callRecord: CallRecordRow;
  bindingChange: BindingChangeEvent;
  /** An X number's status after a numStatus push changed it. */
  virtualNumber: VirtualNumberRow;
}

export type ChangeTopic = keyof ChangeTopics;

/** A change of one topic, to be stored. */
export type NewChange = { [K in ChangeTopic]: { topic: K; value: ChangeTopics[K] } }[ChangeTopic];

/** A stored change, at its position. */
export type StoredChange<K extends ChangeTopic = ChangeTopic> = {
  [T in K]: { position: number; topic: T; value: ChangeTopics[T] };
}[K];

/** The columns a replay filters on. */
export interface ChangeKeys {
  virtual_num: string | null;
  subscription_id: string | null;
  session_id: string | null;
}

// The timestamp fields of each snapshot: JSON keeps them as ISO strings, decoding makes them Dates again.
const RECORD_DATES = ["call_in_time", "fwd_answer_time", "call_end_time", "inserted_at"] as const;
const NUMBER_DATES = ["status_changed_at", "first_seen_at", "updated_at"] as const;

/** The filter columns of a change. */
export function changeKeys(change: NewChange): ChangeKeys {
  switch (change.topic) {
    case "callSession":
    case "callRecord":
      return {
        virtual_num: change.value.virtual_num,
        subscription_id: change.value.subscription_id,
        session_id: change.value.session_id,
      };
    case "bindingChange":
      return {
        virtual_num: change.value.binding.virtual_num,
        subscription_id: change.value.binding.subscription_id,
        session_id: null,
      };
    case "virtualNumber":
      return { virtual_num: change.value.number, subscription_id: null, session_id: null };
  }
}

/**
 * What a change stores: a CDR, which is never changed once stored, by reference (its row is what a replay
 * reads back); anything else as a snapshot of what changed (its timestamps become ISO strings in JSON).
 */
export function changeContent(change: NewChange): { payload: object | null; call_record_id: number | null } {
  if (change.topic === "callRecord") return { payload: null, call_record_id: change.value.id };
  return { payload: change.value, call_record_id: null };
}

/**
 * The value of a stored snapshot, with its timestamps as Dates. A CDR's snapshot (what a replay reads back for a
 * reference, or a copy stored before references) has no content hash: it is binary and never shown.
 */
export function decodeChange<K extends ChangeTopic>(topic: K, payload: unknown): ChangeTopics[K] {
  const value = (typeof payload === "string" ? JSON.parse(payload) : payload) as Record<string, unknown>;
  switch (topic as ChangeTopic) {
    case "callSession":
      return withDates(value, CALL_SESSION_TIMESTAMPS) as unknown as ChangeTopics[K];
    case "callRecord":
      return {
        ...withDates(value, RECORD_DATES),
        content_hash: new Uint8Array(0),
      } as unknown as ChangeTopics[K];
    case "virtualNumber":
      return withDates(value, NUMBER_DATES) as unknown as ChangeTopics[K];
    case "bindingChange":
      return {
        kind: value.kind,
        at: new Date(value.at as string),
        binding: withDates(value.binding as Record<string, unknown>, BINDING_TIMESTAMPS),
      } as unknown as ChangeTopics[K];
    default:
      throw new Error(`unknown change topic ${String(topic)}`);
  }
}
