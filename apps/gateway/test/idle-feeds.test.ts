// With nobody subscribed, a stored push costs the feeds no statement; the first subscriber afterwards gets the
// events stored from its subscription on, none older, on both feeds (call events and changes).
import type { Kysely } from "kysely";
import { afterEach, describe, expect, it } from "vitest";
import type { Database } from "../src/database/database.js";
import { collect, startGateway, type TestGateway, until } from "./support/gateway.js";
import { callEvent, signedHeaders } from "./support/notifications.js";

const T0 = new Date("2026-06-01T10:00:00Z");
const CALL_EVENTS = "subscription { callEvents { sessionId } }";
const SESSION_UPDATES = "subscription { callSessionUpdates { session { sessionId } } }";
// How the feeds read their streams: the end (`max(…)`) or the rows after a position.
const FEED_READ = /^select .*from "(call_events|stream_changes)"/;

/** Sign and POST one `callin` of session `sessionId` to the webhook over HTTP; its status. */
async function push(gw: TestGateway, sessionId: string): Promise<number> {
  const response = await fetch(`${gw.gateway.url}/notify`, {
    method: "POST",
    headers: signedHeaders(),
    body: JSON.stringify(callEvent("callin", sessionId, T0)),
  });
  await response.arrayBuffer();
  return response.status;
}

/** Records the statements run on `db` outside transactions (where the feeds read), from now on. */
function recordStatements(db: Kysely<Database>): string[] {
  const statements: string[] = [];
  const executor = db.getExecutor();
  const executeQuery = executor.executeQuery.bind(executor);
  executor.executeQuery = (query, ...rest) => {
    statements.push(query.sql.replace(/\s+/g, " ").trim());
    return executeQuery(query, ...rest);
  };
  return statements;
}

const settle = () => new Promise((resolve) => setTimeout(resolve, 100));

describe("idle feeds", () => {
  let gw: TestGateway | undefined;
  afterEach(async () => {
    await gw?.stop();
    gw = undefined;
  });

  it("read nothing for a push while nobody subscribes, and a later subscriber gets only what follows", async () => {
    // Feeds that never poll on their own: every read they make is for a wake or a subscriber.
    gw = await startGateway({}, { feedPollIntervalMs: 3_600_000 });
    const { feed, changes, db } = gw.gateway.services;
    const statements = recordStatements(db);

    expect(await push(gw, "idle-1")).toBe(200);
    expect(await push(gw, "idle-2")).toBe(200);
    await settle();
    expect(statements.filter((s) => FEED_READ.test(s))).toEqual([]);

    const client = gw.wsClient();
    const events = collect<{ sessionId: string }>(client, CALL_EVENTS, {}, "callEvents");
    const sessions = collect<{ session: { sessionId: string } }>(
      client,
      SESSION_UPDATES,
      {},
      "callSessionUpdates",
    );
    await until(() => feed.listenerCount() === 1 && changes.listenerCount() === 1, "both subscriptions");
    statements.length = 0;

    expect(await push(gw, "live-1")).toBe(200);
    await events.waitFor(1);
    await sessions.waitFor(1);
    // Followed, each feed reads its stream for the push.
    expect(statements.filter((s) => FEED_READ.test(s)).length).toBeGreaterThanOrEqual(2);

    await feed.catchUp();
    await changes.catchUp();
    expect(events.items.map((e) => e.sessionId)).toEqual(["live-1"]);
    expect(sessions.items.map((s) => s.session.sessionId)).toEqual(["live-1"]);
  });
});
