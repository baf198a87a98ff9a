// The header's connection status from graphql-ws's own events: a drop and its reconnection are told; the socket
// graphql-ws closes on purpose when no page needs live data any more is idle, and opening it again is no reconnection.
import { describe, expect, it } from "vitest";
import { IDLE_CLOSE, SocketStatusStore, trackSocket } from "../src/api/socket-status.js";

function tracked() {
  const store = new SocketStatusStore();
  let now = 1_000;
  const on = trackSocket(store, () => now);
  return { store, on, at: (ms: number) => (now = ms) };
}

describe("the socket status", () => {
  it("tells a drop (when, why) and counts the reconnection that follows", () => {
    const { store, on, at } = tracked();
    on.connecting();
    expect(store.get().state).toBe("connecting");
    on.connected();
    expect(store.get()).toMatchObject({ state: "connected", reconnects: 0 });
    at(5_000);
    on.closed({ code: 1012, reason: "service restart" });
    expect(store.get()).toMatchObject({
      state: "reconnecting",
      lastDropAt: 5_000,
      lastDropReason: "service restart",
    });
    // Failed attempts while the network is down stay one drop.
    on.connecting();
    on.closed({ code: 1006, reason: "" });
    expect(store.get().state).toBe("reconnecting");
    on.connecting();
    expect(store.get().state).toBe("reconnecting");
    on.connected();
    expect(store.get()).toMatchObject({ state: "connected", reconnects: 1 });
  });

  it("is idle after graphql-ws closed the socket for want of subscriptions, and opening it again is no reconnection", () => {
    const { store, on } = tracked();
    on.connecting();
    on.connected();
    on.closed({ ...IDLE_CLOSE });
    expect(store.get().state).toBe("idle");
    expect(store.get().lastDropAt).toBeUndefined();
    on.connecting();
    expect(store.get().state).toBe("connecting");
    on.connected();
    expect(store.get()).toMatchObject({ state: "connected", reconnects: 0 });
  });

  it("does not take a first attempt that fails for a drop", () => {
    const { store, on } = tracked();
    on.connecting();
    on.closed({ code: 1006, reason: "" });
    expect(store.get()).toMatchObject({ state: "connecting", reconnects: 0 });
    expect(store.get().lastDropAt).toBeUndefined();
  });

  it("names a drop without a reason by its code", () => {
    const { store, on } = tracked();
    on.connected();
    on.closed({ code: 4500 });
    expect(store.get().lastDropReason).toBe("closed with code 4500");
    on.closed(undefined);
    expect(store.get().state).toBe("reconnecting");
  });
});
