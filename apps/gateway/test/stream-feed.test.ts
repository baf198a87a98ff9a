// The feed's cost when nobody listens, and what a listener registered after `ready` receives.
import { describe, expect, it } from "vitest";
import { createLogger } from "../src/shared/logger.js";
import { createStreamFeed, type StreamSource } from "../src/stream/stream-feed.js";

interface Row {
  position: number;
}

/** An in-memory stream that counts the queries the feed sends it; `gate` holds `end` until released. */
function memorySource() {
  const rows: Row[] = [];
  const queries = { readAfter: 0, end: 0 };
  let gate: Promise<void> | undefined;
  const source: StreamSource<Row> = {
    async readAfter(after, limit) {
      queries.readAfter += 1;
      return rows.filter((row) => row.position > after).slice(0, limit);
    },
    async end() {
      queries.end += 1;
      const end = rows.length;
      if (gate) await gate;
      return end;
    },
    positionOf: (row) => row.position,
  };
  return {
    source,
    queries,
    commit: () => rows.push({ position: rows.length + 1 }),
    hold() {
      let release = () => {};
      gate = new Promise<void>((resolve) => {
        release = () => {
          gate = undefined;
          resolve();
        };
      });
      return release;
    },
  };
}

const logger = createLogger({ level: "silent" });
const settle = () => new Promise((resolve) => setTimeout(resolve, 5));

describe("stream feed", () => {
  it("sends no query per commit while nobody listens, and `ready` brings it to the end with one", async () => {
    const stream = memorySource();
    const feed = createStreamFeed({ source: stream.source, name: "test", logger, pollIntervalMs: 60_000 });
    await feed.start();
    const afterStart = { ...stream.queries };
    for (let i = 0; i < 50; i++) {
      stream.commit();
      feed.wake();
    }
    await settle();
    expect(stream.queries).toEqual(afterStart);
    expect(feed.position()).toBe(0);

    await feed.ready();
    expect(feed.position()).toBe(50);
    expect(stream.queries).toEqual({ readAfter: afterStart.readAfter, end: afterStart.end + 1 });
    // Already at the end: no further query.
    await feed.ready();
    expect(stream.queries.end).toBe(afterStart.end + 1);
    await feed.stop();
  });

  it("hands a listener registered after `ready` the rows committed from then on, none older, in order", async () => {
    const stream = memorySource();
    const feed = createStreamFeed({ source: stream.source, name: "test", logger, pollIntervalMs: 60_000 });
    await feed.start();
    stream.commit();
    stream.commit();
    feed.wake();
    await feed.ready();
    const received: number[] = [];
    feed.subscribe((row) => received.push(row.position));
    for (let i = 0; i < 3; i++) {
      stream.commit();
      feed.wake();
    }
    await feed.catchUp();
    expect(received).toEqual([3, 4, 5]);
    await feed.stop();
  });

  it("reads at once, when its first listener arrives, a commit announced while `ready` read the end", async () => {
    const stream = memorySource();
    const feed = createStreamFeed({ source: stream.source, name: "test", logger, pollIntervalMs: 60_000 });
    await feed.start();
    stream.commit();
    feed.wake();
    const release = stream.hold();
    const ready = feed.ready();
    await settle();
    // Committed after `end` was read, announced before it answered: no wake will come again for it.
    stream.commit();
    feed.wake();
    release();
    await ready;
    expect(feed.position()).toBe(1);
    const received: number[] = [];
    feed.subscribe((row) => received.push(row.position));
    await settle();
    expect(received).toEqual([2]);
    await feed.stop();
  });

  it("follows the stream again once its last listener has gone and a new one is registered after `ready`", async () => {
    const stream = memorySource();
    const feed = createStreamFeed({ source: stream.source, name: "test", logger, pollIntervalMs: 60_000 });
    await feed.start();
    const first: number[] = [];
    const leave = feed.subscribe((row) => first.push(row.position));
    stream.commit();
    feed.wake();
    await feed.catchUp();
    leave();
    stream.commit();
    stream.commit();
    feed.wake();
    await feed.ready();
    const second: number[] = [];
    feed.subscribe((row) => second.push(row.position));
    stream.commit();
    feed.wake();
    await feed.catchUp();
    expect(first).toEqual([1]);
    expect(second).toEqual([4]);
    await feed.stop();
  });
});
