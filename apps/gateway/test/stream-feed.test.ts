// The feed's cost when nobody listens, what a listener registered after `ready` receives, and how a row is handed
// to many listeners (in slices, with the event loop turning between them).
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

/** A started feed over `stream` that polls only when woken (and hands a row out `handOffSlice` listeners at a time). */
async function startFeed(stream: ReturnType<typeof memorySource>, handOffSlice?: number) {
  const feed = createStreamFeed({
    source: stream.source,
    name: "test",
    logger,
    pollIntervalMs: 60_000,
    ...(handOffSlice === undefined ? {} : { handOffSlice }),
  });
  await feed.start();
  return feed;
}

describe("stream feed", () => {
  it("sends no query per commit while nobody listens, and `ready` brings it to the end with one", async () => {
    const stream = memorySource();
    const feed = await startFeed(stream);
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
    const feed = await startFeed(stream);
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
    const feed = await startFeed(stream);
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
    const feed = await startFeed(stream);
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

  describe("handing a row to more listeners than a slice", () => {
    /** A listener that records when it is called and when the promise chain it starts (as a subscriber's does) ends. */
    function chainedListener(log: string[], id: number) {
      return (row: Row) => {
        log.push(`call ${id}:${row.position}`);
        void (async () => {
          for (let step = 0; step < 5; step++) await Promise.resolve();
          log.push(`done ${id}:${row.position}`);
        })();
      };
    }

    it("finishes each slice's chains, and lets a timer run, before calling the next slice", async () => {
      const stream = memorySource();
      const feed = await startFeed(stream, 10);
      const log: string[] = [];
      // Something else the event loop has to serve (a socket's data, a timer): it runs between slices. This
      // listener is the first of the first slice (with ids 0–8); 9–18, 19–28 and 29 follow.
      feed.subscribe(() => setImmediate(() => log.push("between slices")));
      for (let id = 0; id < 30; id++) feed.subscribe(chainedListener(log, id));
      stream.commit();
      feed.wake();
      await feed.catchUp();
      await settle();

      expect(log.filter((entry) => entry.startsWith("call"))).toEqual(
        Array.from({ length: 30 }, (_, id) => `call ${id}:1`),
      );
      expect(log.filter((entry) => entry.startsWith("done"))).toHaveLength(30);
      // The first slice's chains are done before the second slice is called, and so on.
      expect(log.indexOf("done 8:1")).toBeLessThan(log.indexOf("call 9:1"));
      expect(log.indexOf("done 18:1")).toBeLessThan(log.indexOf("call 19:1"));
      expect(log.indexOf("done 28:1")).toBeLessThan(log.indexOf("call 29:1"));
      expect(log.indexOf("between slices")).toBeGreaterThan(log.indexOf("done 8:1"));
      expect(log.indexOf("between slices")).toBeLessThan(log.indexOf("call 9:1"));
      // Within a slice, every listener is called before any of their chains is done.
      expect(log.indexOf("call 8:1")).toBeLessThan(log.indexOf("done 0:1"));
      await feed.stop();
    });

    it("calls every listener at once when they fit in one slice (the earlier behaviour, for contrast)", async () => {
      const stream = memorySource();
      const feed = await startFeed(stream, 100);
      const log: string[] = [];
      for (let id = 0; id < 30; id++) feed.subscribe(chainedListener(log, id));
      stream.commit();
      feed.wake();
      await feed.catchUp();
      await settle();
      expect(log.indexOf("call 29:1")).toBeLessThan(log.indexOf("done 0:1"));
      await feed.stop();
    });

    it("hands every row to every listener once and in order, skips one that leaves mid-row, and `catchUp` waits for the last slice", async () => {
      const stream = memorySource();
      const feed = await startFeed(stream, 4);
      const received = Array.from({ length: 12 }, () => [] as number[]);
      const leave: (() => void)[] = [];
      for (let id = 0; id < 12; id++) {
        leave.push(
          feed.subscribe((row) => {
            received[id]?.push(row.position);
            // Listener 1 removes listener 9 during row 2, before 9's slice is reached.
            if (id === 1 && row.position === 2) leave[9]?.();
          }),
        );
      }
      for (let i = 0; i < 3; i++) stream.commit();
      feed.wake();
      await feed.catchUp();
      // No settling: everything was handed out by the time `catchUp` resolved.
      for (const [id, rows] of received.entries()) {
        expect(rows, `listener ${id}`).toEqual(id === 9 ? [1] : [1, 2, 3]);
      }
      expect(feed.listenerCount()).toBe(11);
      await feed.stop();
    });

    it("does not hand the row being handed out to a listener registered meanwhile, but the next ones", async () => {
      const stream = memorySource();
      const feed = await startFeed(stream, 2);
      const late: number[] = [];
      let positionAtRegistration = -1;
      for (let id = 0; id < 6; id++) {
        feed.subscribe((row) => {
          if (id === 0 && row.position === 1) {
            // Registered while row 1 is still being handed out (its later slices are pending).
            setImmediate(() => {
              positionAtRegistration = feed.position();
              feed.subscribe((lateRow) => late.push(lateRow.position));
            });
          }
        });
      }
      stream.commit();
      stream.commit();
      feed.wake();
      await feed.catchUp();
      expect(positionAtRegistration).toBe(1);
      expect(late).toEqual([2]);
      await feed.stop();
    });
  });
});
