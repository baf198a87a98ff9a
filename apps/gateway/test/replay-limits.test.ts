import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEFAULT_LIMITS, TEST_API_KEYS } from "../src/shared/config.js";
import { encodeCursor } from "../src/shared/cursor.js";
import { createReplayGate } from "../src/stream/replay-gate.js";
import { createPostgresDatabase, type TestDatabase } from "./support/databases.js";
import { collect, startGateway, type TestGateway, until } from "./support/gateway.js";
import { callEvent, signedHeaders } from "./support/notifications.js";

const T0 = new Date("2026-06-01T10:00:00Z");
const CALL_EVENTS = `
  subscription Events($filter: CallEventFilter, $after: String) {
    callEvents(filter: $filter, after: $after) { cursor sessionId }
  }`;

interface EventView {
  cursor: string;
  sessionId: string;
}

/** Sign and POST one `callin` of session `sessionId` to the gateway's webhook (in-process); its status. */
async function push(gw: TestGateway, sessionId: string, index: number): Promise<number> {
  const response = await gw.gateway.yoga.fetch("http://gateway.test/notify", {
    method: "POST",
    headers: signedHeaders(),
    body: JSON.stringify(callEvent("callin", sessionId, new Date(T0.getTime() + index * 1000))),
  });
  await response.arrayBuffer();
  return response.status;
}

/** Store `count` call events of sessions `${prefix}-0` … (in batches of 10); their stream positions, in order. */
async function store(gw: TestGateway, prefix: string, count: number): Promise<number[]> {
  for (let i = 0; i < count; i += 10) {
    const batch = Array.from({ length: Math.min(10, count - i) }, (_, j) =>
      push(gw, `${prefix}-${i + j}`, i + j),
    );
    expect(new Set(await Promise.all(batch))).toEqual(new Set([200]));
  }
  const rows = await gw.gateway.services.db
    .selectFrom("call_events")
    .select("stream_seq")
    .where("session_id", "like", `${prefix}-%`)
    .orderBy("stream_seq")
    .execute();
  return rows.map((row) => row.stream_seq!);
}

/** What {@link watchReplayQueries} saw. */
interface ReplayQueries {
  /** Queries resumes ran through the gate since the watch began. */
  count: number;
  /** Most of them running at once. */
  peak: number;
}

/** Watch the database queries of resumes from now on (each goes through the gateway's replay gate). */
function watchReplayQueries(gw: TestGateway): ReplayQueries {
  const gate = gw.gateway.services.replays;
  const run = gate.run;
  const seen: ReplayQueries = { count: 0, peak: 0 };
  let running = 0;
  Object.assign(gate, {
    run<T>(query: () => Promise<T>) {
      seen.count += 1;
      return run<T>(async () => {
        running += 1;
        seen.peak = Math.max(seen.peak, running);
        try {
          return await query();
        } finally {
          running -= 1;
        }
      });
    },
  });
  return seen;
}

const cursorAt = (position: number) => encodeCursor("callEvent", position);
const positionOf = (cursor: string) => Number(Buffer.from(cursor, "base64url").toString().split(":")[1]);

describe("the replay gate", () => {
  it("runs at most `concurrency` queries at once, first come first served, and frees a slot on failure", async () => {
    const gate = createReplayGate({ concurrency: 2, maxEvents: 10 });
    let running = 0;
    let peak = 0;
    const started: number[] = [];
    const tasks = Array.from({ length: 7 }, (_, i) =>
      gate.run(async () => {
        running += 1;
        peak = Math.max(peak, running);
        started.push(i);
        await new Promise((resolve) => setImmediate(resolve));
        running -= 1;
        if (i === 3) throw new Error("query failed");
        return i;
      }),
    );
    expect(gate.active).toBe(2);
    expect(gate.waiting).toBe(5);
    const outcomes = await Promise.allSettled(tasks);
    expect(peak).toBe(2);
    expect(started).toEqual([0, 1, 2, 3, 4, 5, 6]);
    expect(outcomes.map((o) => o.status)).toEqual([
      "fulfilled",
      "fulfilled",
      "fulfilled",
      "rejected",
      "fulfilled",
      "fulfilled",
      "fulfilled",
    ]);
    expect(gate.active).toBe(0);
    expect(gate.waiting).toBe(0);
    expect(() => createReplayGate({ concurrency: 0, maxEvents: 1 })).toThrow(RangeError);
  });
});

describe("a resuming callEvents subscription (PGlite)", () => {
  const MAX_REPLAY = 20;
  let gw: TestGateway;
  let positions: number[];

  beforeAll(async () => {
    gw = await startGateway(
      {
        limits: {
          ...DEFAULT_LIMITS,
          subscriptions: { ...DEFAULT_LIMITS.subscriptions, maxReplayEvents: MAX_REPLAY },
        },
      },
      // No polling: only pushes wake the feed, so the statements a resume runs can be counted.
      { feedPollIntervalMs: 3_600_000 },
    );
    positions = await store(gw, "replay", 30);
  });
  afterAll(async () => {
    await gw?.stop();
  });

  it("refuses a backlog over SUBSCRIPTION_MAX_REPLAY before sending any event, reading no page", async () => {
    const feed = gw.gateway.services.feed;
    const queries = watchReplayQueries(gw);
    // 25 stored events follow this cursor.
    const resumed = collect<EventView>(
      gw.wsClient(),
      CALL_EVENTS,
      { after: cursorAt(positions[4]!) },
      "callEvents",
    );
    await resumed.done;
    expect(resumed.items).toEqual([]);
    expect(resumed.errors).toHaveLength(1);
    expect(resumed.errors[0]).toMatchObject([
      {
        message: expect.stringMatching(
          /More than 20 stored events follow the cursor.*`callSessions`.*`after`/,
        ),
        extensions: { code: "replay-limit-exceeded" },
      },
    ]);
    // The cursor check and the bounded count: no replay page was read.
    expect(queries.count).toBe(2);
    await until(() => feed.listenerCount() === 0, "the refused subscription's listener to go");
    expect(gw.gateway.services.replays.active).toBe(0);
  });

  it("refuses it the same way over HTTP (server-sent events)", async () => {
    const response = await gw.gateway.yoga.fetch("http://gateway.test/graphql", {
      method: "POST",
      headers: {
        "content-type": "application/json",
        accept: "text/event-stream",
        authorization: `Bearer ${TEST_API_KEYS.admin}`,
      },
      body: JSON.stringify({ query: CALL_EVENTS, variables: { after: cursorAt(positions[4]!) } }),
    });
    expect(response.status).toBe(200);
    // The stream ends after the error: the whole body can be read.
    const text = await response.text();
    const payloads = [...text.matchAll(/^data: (.+)$/gm)].map((m) => JSON.parse(m[1]!));
    expect(payloads.filter((p) => p.data?.callEvents)).toEqual([]);
    expect(payloads.flatMap((p) => p.errors ?? [])).toMatchObject([
      { extensions: { code: "replay-limit-exceeded" } },
    ]);
  });

  it("counts only what the filter selects", async () => {
    // 25 events follow, but the filter selects one of them: it replays, then waits live.
    const resumed = collect<EventView>(
      gw.wsClient(),
      CALL_EVENTS,
      { after: cursorAt(positions[4]!), filter: { sessionId: "replay-17" } },
      "callEvents",
    );
    const [only] = await resumed.waitFor(1);
    expect(only).toEqual({ cursor: cursorAt(positions[17]!), sessionId: "replay-17" });
    expect(resumed.errors).toEqual([]);
    resumed.unsubscribe();
  });

  it("replays a backlog of exactly SUBSCRIPTION_MAX_REPLAY in order, then live events follow", async () => {
    const feed = gw.gateway.services.feed;
    const queries = watchReplayQueries(gw);
    const client = gw.wsClient();
    // Three resume at once.
    const resumed = Array.from({ length: 3 }, () =>
      collect<EventView>(client, CALL_EVENTS, { after: cursorAt(positions[9]!) }, "callEvents"),
    );
    for (const subscriber of resumed) {
      const replayed = await subscriber.waitFor(MAX_REPLAY);
      expect(replayed.map((e) => positionOf(e.cursor))).toEqual(positions.slice(10));
    }
    // Each: the cursor check, the count and one page (20 rows); one at a time on PGlite's single connection.
    expect(queries.count).toBe(9);
    expect(queries.peak).toBe(1);
    await until(() => feed.listenerCount() === 3, "the live listeners");
    expect(await push(gw, "replay-live", 100)).toBe(200);
    for (const subscriber of resumed) {
      const live = (await subscriber.waitFor(MAX_REPLAY + 1))[MAX_REPLAY];
      expect(live?.sessionId).toBe("replay-live");
      expect(subscriber.errors).toEqual([]);
      subscriber.unsubscribe();
    }
    await until(() => feed.listenerCount() === 0, "the listeners to go");
  });
});

describe("many subscriptions resuming at once while pushes arrive (PostgreSQL)", () => {
  const SOCKETS = 4;
  const PER_SOCKET = 25;
  const BACKLOG = 250;
  const LIVE_PUSHES = 60;
  let database: TestDatabase;
  let gw: TestGateway;

  beforeAll(async () => {
    database = await createPostgresDatabase();
    gw = await startGateway({ database: database.config });
  });
  afterAll(async () => {
    await gw?.stop();
    await database?.drop();
  });

  it("every push is answered 200 and stored, and every subscriber gets the whole backlog and the live events in order", async () => {
    const backlog = await store(gw, "backlog", BACKLOG);
    const queries = watchReplayQueries(gw);
    // Every subscriber resumes from before the first stored event: BACKLOG events each, 2 pages.
    const after = cursorAt(backlog[0]! - 1);
    const subscribers = Array.from({ length: SOCKETS }, () => gw.wsClient()).flatMap((client) =>
      Array.from({ length: PER_SOCKET }, () =>
        collect<EventView>(client, CALL_EVENTS, { after }, "callEvents"),
      ),
    );
    const statuses: number[] = [];
    for (let i = 0; i < LIVE_PUSHES; i += 10) {
      const batch = Array.from({ length: 10 }, (_, j) => push(gw, `live-${i + j}`, i + j));
      statuses.push(...(await Promise.all(batch)));
    }
    expect(statuses).toEqual(Array(LIVE_PUSHES).fill(200));
    const live = await gw.gateway.services.db
      .selectFrom("call_events")
      .select("stream_seq")
      .where("session_id", "like", "live-%")
      .orderBy("stream_seq")
      .execute();
    expect(live).toHaveLength(LIVE_PUSHES);

    const expected = [...backlog, ...live.map((row) => row.stream_seq!)];
    for (const subscriber of subscribers) {
      const got = await subscriber.waitFor(expected.length, 60_000);
      expect(got.map((e) => positionOf(e.cursor))).toEqual(expected);
      expect(subscriber.errors).toEqual([]);
    }
    // Each resume: the cursor check, the count and 2 pages; never more than 2 at once (a pool of 10).
    expect(queries.count).toBe(SOCKETS * PER_SOCKET * 4);
    expect(queries.peak).toBe(2);
    expect(gw.gateway.services.replays.active).toBe(0);
    expect(gw.gateway.services.replays.waiting).toBe(0);
    expect(gw.gateway.webSocket.openSubscriptions).toBe(SOCKETS * PER_SOCKET);
  });
});
