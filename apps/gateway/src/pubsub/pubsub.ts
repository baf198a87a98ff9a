import type { BindingRow } from "../bindings/binding.table.js";
import type { CallRecordRow } from "../calls/call-record.table.js";
import type { CallSessionRow } from "../calls/call-session.table.js";
import type { VirtualNumberRow } from "../numbers/virtual-number.table.js";
import { EventChannel } from "./event-channel.js";

/**
 * What happened to a binding (`missing`: a reconciliation found the platform no longer has it; `imported`: a
 * reconciliation found it on the platform, made outside the gateway, and mirrored it).
 */
export type BindingChangeKind = "created" | "updated" | "deleted" | "expired" | "missing" | "imported";

/** One published binding change. */
export interface BindingChangeEvent {
  kind: BindingChangeKind;
  binding: BindingRow;
  at: Date;
}

/** Topics published after commit. (Call events have their own ordered feed: see call-event-feed.ts.) */
export interface GatewayTopics {
  callSession: CallSessionRow;
  callRecord: CallRecordRow;
  bindingChange: BindingChangeEvent;
  virtualNumber: VirtualNumberRow;
}

/** Options of one subscription. */
export interface TopicSubscribeOptions<T> {
  /** Only payloads it accepts are delivered. @default all */
  filter?: (payload: T) => boolean;
  /** Most undelivered payloads held for a slow consumer. @default 10000 */
  maxBuffered?: number;
}

/** In-process publish/subscribe for the topics above. */
export interface GatewayPubSub {
  publish<K extends keyof GatewayTopics>(topic: K, payload: GatewayTopics[K]): void;
  /**
   * Subscribe; the listener is registered at once (not at the first `next()`), so nothing published after
   * this call is missed. Ends (and unregisters) on `return()`.
   */
  subscribe<K extends keyof GatewayTopics>(
    topic: K,
    options?: TopicSubscribeOptions<GatewayTopics[K]>,
  ): AsyncIterableIterator<GatewayTopics[K]>;
  /** Active subscriptions on a topic (all topics when omitted). */
  listenerCount(topic?: keyof GatewayTopics): number;
}

/**
 * The in-process pub/sub. Each subscriber has a bounded buffer; one that falls too far behind is closed
 * with an error rather than growing without limit. To fan out across instances, put a broker (e.g. Redis)
 * behind `publish`; the interface stays.
 */
export function createGatewayPubSub(): GatewayPubSub {
  const listeners = new Map<keyof GatewayTopics, Set<(payload: unknown) => void>>();
  return {
    publish(topic, payload) {
      for (const listener of listeners.get(topic) ?? []) listener(payload);
    },
    subscribe(topic, options = {}) {
      const own = listeners.get(topic) ?? new Set();
      listeners.set(topic, own);
      const listener = (payload: unknown) => {
        const typed = payload as GatewayTopics[typeof topic];
        if (!options.filter || options.filter(typed)) channel.push(typed);
      };
      const channel = new EventChannel<GatewayTopics[typeof topic]>({
        ...(options.maxBuffered !== undefined ? { maxBuffered: options.maxBuffered } : {}),
        onClose: () => own.delete(listener),
      });
      own.add(listener);
      return channel;
    },
    listenerCount(topic) {
      if (topic) return listeners.get(topic)?.size ?? 0;
      let total = 0;
      for (const set of listeners.values()) total += set.size;
      return total;
    },
  };
}
