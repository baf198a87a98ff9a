// The feed's bookkeeping against a transport that behaves as graphql-ws's client does: it reads the payload each
// time it (re)sends the subscription, and tells `closed` / `connected` (wasRetry) around a drop.
import { describe, expect, it } from "vitest";
import { type FeedStatus, type FeedTransport, startResumableFeed } from "../src/live/resumable-feed.js";

type Sink = { next(value: unknown): void; error(error: unknown): void; complete(): void };

function graphqlWsLikeTransport() {
  const listeners = {
    connected: new Set<(s: unknown, p: unknown, r: boolean) => void>(),
    closed: new Set<(e: unknown) => void>(),
  };
  const sent: Record<string, unknown>[] = [];
  let active: { payload: { variables: Record<string, unknown> }; sink: Sink } | undefined;
  const transport: FeedTransport = {
    subscribe(payload, sink) {
      active = { payload, sink };
      sent.push(JSON.parse(JSON.stringify(payload.variables)));
      return () => {
        active = undefined;
      };
    },
    on(event: "connected" | "closed", listener: never) {
      (listeners[event] as Set<unknown>).add(listener);
      return () => (listeners[event] as Set<unknown>).delete(listener);
    },
  };
  return {
    transport,
    sent,
    connect(wasRetry: boolean) {
      for (const l of listeners.connected) l({}, undefined, wasRetry);
    },
    push(cursor: string, storedAt = 0) {
      active?.sink.next({ data: { feed: { cursor, storedAt } } });
    },
    /** The socket drops; graphql-ws reconnects and sends the subscription again, reading the payload anew. */
    dropAndReconnect() {
      for (const l of listeners.closed) l({ code: 1006, reason: "" });
      for (const l of listeners.connected) l({}, undefined, true);
      if (active) sent.push(JSON.parse(JSON.stringify(active.payload.variables)));
    },
    fail(errors: unknown) {
      active?.sink.error(errors);
    },
  };
}

function start(t: ReturnType<typeof graphqlWsLikeTransport>, clock: { now: number }) {
  const items: string[] = [];
  const statuses: FeedStatus[] = [];
  const feed = startResumableFeed<{ cursor: string; storedAt: number }>({
    transport: t.transport,
    query: "subscription { feed { cursor } }",
    variables: { filter: { virtualNum: "+8617000000001" } },
    itemOf: (data) => (data as { feed?: { cursor: string; storedAt: number } }).feed,
    cursorOf: (item) => item.cursor,
    storedAtOf: (item) => item.storedAt,
    onItem: (item) => items.push(item.cursor),
    onStatus: (status) => statuses.push(status),
    now: () => clock.now,
  });
  return { feed, items, statuses, last: () => statuses.at(-1)! };
}

describe("a resumable feed", () => {
  it("subscribes without a cursor, then resubscribes after the last one received when the socket comes back", () => {
    const t = graphqlWsLikeTransport();
    const clock = { now: 1_000 };
    const f = start(t, clock);
    t.connect(false);
    expect(f.last().state).toBe("live");
    t.push("c1", 900);
    t.push("c2", 950);
    clock.now = 2_000;
    t.dropAndReconnect();
    expect(t.sent).toEqual([
      { filter: { virtualNum: "+8617000000001" } },
      { filter: { virtualNum: "+8617000000001" }, after: "c2" },
    ]);
    // The replay of what was stored while down (before 2 000), then live items.
    t.push("c3", 1_500);
    t.push("c4", 1_800);
    t.push("c5", 2_500);
    expect(f.items).toEqual(["c1", "c2", "c3", "c4", "c5"]);
    expect(f.last()).toMatchObject({
      state: "live",
      cursor: "c5",
      received: 5,
      resumes: 1,
      lastResume: { at: 2_000, after: "c2", caughtUp: 2 },
    });
  });

  it("says when and why it dropped while reconnecting", () => {
    const t = graphqlWsLikeTransport();
    const clock = { now: 5_000 };
    const f = start(t, clock);
    t.connect(false);
    t.dropAndReconnect();
    const seen = f.statuses.find((s) => s.state === "reconnecting");
    expect(seen).toMatchObject({ droppedAt: 5_000, dropReason: "the connection was lost" });
  });

  it("skips a repeated cursor", () => {
    const t = graphqlWsLikeTransport();
    const f = start(t, { now: 0 });
    t.push("c1");
    t.push("c1");
    expect(f.items).toEqual(["c1"]);
  });

  it("stops with the gateway's reason when the stream is refused (replay limit)", () => {
    const t = graphqlWsLikeTransport();
    const f = start(t, { now: 0 });
    t.fail([{ message: "replay-limit-exceeded: more than 10000 events after the cursor" }]);
    expect(f.last()).toMatchObject({
      state: "failed",
      error: expect.stringContaining("replay-limit-exceeded"),
    });
    // A later reconnection does not revive a failed feed.
    t.dropAndReconnect();
    expect(f.last().state).toBe("failed");
  });

  it("goes live at once on a socket another feed already connected, and still counts a later drop", () => {
    const t = graphqlWsLikeTransport();
    const clock = { now: 1_000 };
    const f = start({ ...t, transport: { ...t.transport, isConnected: () => true } }, clock);
    expect(f.last()).toMatchObject({ state: "live", resumes: 0 });
    expect(f.last().lastResume).toBeUndefined();
    t.push("c1", 900);
    clock.now = 2_000;
    t.dropAndReconnect();
    expect(f.last()).toMatchObject({ state: "live", resumes: 1, lastResume: { at: 2_000, after: "c1" } });
  });

  it("waits for the connection on a socket not up yet", () => {
    const t = graphqlWsLikeTransport();
    const f = start({ ...t, transport: { ...t.transport, isConnected: () => false } }, { now: 0 });
    expect(f.last()?.state ?? "connecting").toBe("connecting");
    t.connect(false);
    expect(f.last().state).toBe("live");
  });

  it("reports nothing after stop", () => {
    const t = graphqlWsLikeTransport();
    const f = start(t, { now: 0 });
    f.feed.stop();
    const count = f.statuses.length;
    t.connect(true);
    t.push("c1");
    expect(f.statuses.length).toBe(count);
    expect(f.items).toEqual([]);
  });
});
