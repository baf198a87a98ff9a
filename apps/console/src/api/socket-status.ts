// The WebSocket's state, as the header shows it: connected, reconnecting after a drop, or never connected yet.
import { useSyncExternalStore } from "react";

/** What the console tells the user about its live connection. */
export interface SocketStatus {
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

/** The status of `store`, re-rendering on change. */
export function useSocketStatus(store: SocketStatusStore): SocketStatus {
  return useSyncExternalStore(store.subscribe, store.get);
}
