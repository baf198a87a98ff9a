// The WebSocket's state, as the header shows it: connected, reconnecting after a drop, or never connected yet.
import { useSyncExternalStore } from "react";

/** What the console tells the user about its live connection. */
export interface SocketStatus {
  /** `idle`: no socket, since no open page needs live data (none yet, or the last one closed). */
  state: "idle" | "connecting" | "connected" | "reconnecting";
  /** How many times the socket came back after a drop, since sign-in. */
  reconnects: number;
  /** When the last drop happened (epoch ms). */
  lastDropAt?: number;
  /** Why the last drop happened, as the close event said. */
  lastDropReason?: string;
}

/** A small store of {@link SocketStatus} that React components read with {@link useSocketStatus}. */
export class SocketStatusStore {
  #status: SocketStatus = { state: "idle", reconnects: 0 };
  readonly #listeners = new Set<() => void>();

  /** The current status (a new object after every change). */
  get = (): SocketStatus => this.#status;

  /** Call `listener` after every change; returns the unsubscribe. */
  subscribe = (listener: () => void): (() => void) => {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  };

  /** Merge `change` into the status and tell the listeners. */
  update(change: Partial<SocketStatus>): void {
    this.#status = { ...this.#status, ...change };
    for (const listener of this.#listeners) listener();
  }
}

/** The close graphql-ws makes itself when no subscription is left on a lazy socket (or on dispose): not a drop. */
export const IDLE_CLOSE = { code: 1000, reason: "Normal Closure" } as const;

/** graphql-ws's `connecting`, `connected` and `closed` listeners that keep a {@link SocketStatusStore} up to date. */
export interface SocketTracker {
  connecting(): void;
  connected(): void;
  closed(event: unknown): void;
}

/**
 * Listeners that tell `store` what the socket does. A drop is a close other than graphql-ws's own idle close
 * (leaving the last live page closes the socket on purpose: that is neither a drop nor, once a live page opens
 * again, a reconnection); a close before the socket ever connected is a first attempt failing, not a drop.
 */
export function trackSocket(store: SocketStatusStore, now: () => number = Date.now): SocketTracker {
  let connectedOnce = false;
  let dropped = false;
  return {
    connecting: () => store.update({ state: dropped ? "reconnecting" : "connecting" }),
    connected: () => {
      const { reconnects } = store.get();
      store.update({ state: "connected", reconnects: dropped ? reconnects + 1 : reconnects });
      connectedOnce = true;
      dropped = false;
    },
    closed: (event) => {
      const close = (typeof event === "object" && event !== null ? event : {}) as {
        code?: number;
        reason?: string;
      };
      if (close.code === IDLE_CLOSE.code && close.reason === IDLE_CLOSE.reason) {
        if (!dropped) store.update({ state: "idle" });
        return;
      }
      if (!connectedOnce) return;
      dropped = true;
      store.update({
        state: "reconnecting",
        lastDropAt: now(),
        lastDropReason: close.reason || (close.code ? `closed with code ${close.code}` : "connection lost"),
      });
    },
  };
}

/** The status of `store`, re-rendering on change. */
export function useSocketStatus(store: SocketStatusStore): SocketStatus {
  return useSyncExternalStore(store.subscribe, store.get);
}
