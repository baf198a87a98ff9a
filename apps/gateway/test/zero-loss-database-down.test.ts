// Zero loss while the database is down: a stream of pushes reaches the gateway while its PostgreSQL goes away
// (the proxy in front of it refuses and drops every connection) and comes back. Pushes the gateway cannot
// commit are refused with 503 and Retry-After, never answered 200 without their rows; sent again after the
// recovery, as the platform would, they make the stored set equal to the sent set, each once; and a live
// subscriber gets every event exactly once.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type DatabaseHandle, openDatabase } from "../src/database/database.js";
import { createProxiedPostgresDatabase, type ProxiedPostgres } from "./support/databases.js";
import { collect, startGateway, subscriptionCounter, type TestGateway, until } from "./support/gateway.js";
import { callEvent, cdr, signedHeaders } from "./support/notifications.js";
import {
  eventKeyOfBody,
  eventKeyOfSeen,
  icidsOfBody,
  readEventStream,
  readStoredPushes,
  repeated,
} from "./support/stored-pushes.js";

const CALLS = 24;
const EVENT_TYPES = ["callin", "callout", "alerting", "answer", "disconnect"] as const;
/** Calls billed together in one fee push. */
const CALLS_PER_FEE_PUSH = 3;
/** Pushes in flight at once, as several platform workers send them. */
const SENDERS = 3;
/** Pushes answered 200 before the database goes away, and answered 503 (a fee push among them) before it comes back. */
const ACCEPTED_BEFORE_DOWN = 15;
const REFUSED_WHILE_DOWN = 12;
/** Longest the refused pushes are sent again after the recovery before the test gives up. */
const RESEND_BOUND_MS = 20_000;
const T0 = new Date("2026-06-01T10:00:00Z");

const CALL_EVENTS = "subscription { callEvents { cursor sessionId eventType platformTimestamp } }";

interface Push {
  id: string;
  kind: "event" | "fee";
  body: Record<string, unknown>;
}

interface Answer {
  push: Push;
  status: number;
  retryAfter: string | null;
  sentAt: number;
  answeredAt: number;
  /** For a 200: whether its rows were in the database (read directly, not through the proxy) right after. */
  storedWhenAnswered?: boolean;
}

/** The stream: each call's events in order, and after every few calls a fee push with their CDRs. */
function pushStream(): Push[] {
  const pushes: Push[] = [];
  for (let call = 0; call < CALLS; call++) {
    const sessionId = `db-down-${call}`;
    EVENT_TYPES.forEach((eventType, k) => {
      const at = new Date(T0.getTime() + call * 60_000 + k * 5000);
      pushes.push({
        id: `${sessionId}/${eventType}`,
        kind: "event",
        body: callEvent(eventType, sessionId, at),
      });
    });
    if ((call + 1) % CALLS_PER_FEE_PUSH === 0) {
      const billed = Array.from({ length: CALLS_PER_FEE_PUSH }, (_, j) => call - j);
      pushes.push({
        id: `fee-${call}`,
        kind: "fee",
        body: {
          eventType: "fee",
          feeLst: billed.map((c) =>
            cdr(`db-down-icid-${c}`, `db-down-${c}`, new Date(T0.getTime() + c * 60_000)),
          ),
        },
      });
    }
  }
  return pushes;
}

let postgres: ProxiedPostgres;
let direct: DatabaseHandle;
let gw: TestGateway;
let databaseDown = false;

beforeAll(async () => {
  postgres = await createProxiedPostgresDatabase();
  gw = await startGateway({ database: postgres.config });
  // The test's own view of the database, around the proxy: it reads while the gateway's link is down.
  direct = await openDatabase(postgres.database.config, { poolSize: 2 });
}, 60_000);

afterAll(async () => {
  if (databaseDown) await postgres.proxy.restore();
  await gw?.stop();
  await direct?.close();
  await postgres?.close();
}, 30_000);

/** Whether every row `push` carries is in the database (read directly). */
async function isStored(push: Push): Promise<boolean> {
  if (push.kind === "fee") {
    const icids = icidsOfBody(push.body);
    const rows = await direct.db
      .selectFrom("call_records")
      .select("icid")
      .where("icid", "in", icids)
      .execute();
    return rows.length === icids.length;
  }
  const info = push.body.statusInfo as { sessionId: string; timestamp: string };
  const rows = await direct.db
    .selectFrom("call_events")
    .select("id")
    .where("session_id", "=", info.sessionId)
    .where("event_type", "=", String(push.body.eventType))
    .where("event_timestamp", "=", info.timestamp)
    .execute();
  return rows.length === 1;
}

/** POST `push`, freshly signed as every attempt of the platform is; a 200 is checked against the database. */
async function send(push: Push): Promise<Answer> {
  const sentAt = Date.now();
  const response = await fetch(`${gw.gateway.url}/notify`, {
    method: "POST",
    headers: signedHeaders(),
    body: JSON.stringify(push.body),
    signal: AbortSignal.timeout(30_000),
  });
  await response.arrayBuffer();
  const answer: Answer = {
    push,
    status: response.status,
    retryAfter: response.headers.get("retry-after"),
    sentAt,
    answeredAt: Date.now(),
  };
  if (answer.status === 200) answer.storedWhenAnswered = await isStored(push);
  return answer;
}

describe("the database goes away mid-stream and comes back", () => {
  it("refuses with 503 what it cannot commit, and after the refused pushes are sent again stores each push once", async () => {
    const pushes = pushStream();
    const subscribed = subscriptionCounter(gw.gateway);
    const live = collect<{ cursor: string; sessionId: string; eventType: string; platformTimestamp: string }>(
      gw.wsClient(),
      CALL_EVENTS,
      {},
      "callEvents",
    );
    await subscribed(1);

    // The stream, SENDERS pushes at a time, while the database goes down and comes back.
    const answers: Answer[] = [];
    const queue = [...pushes];
    const sender = async () => {
      for (let push = queue.shift(); push; push = queue.shift()) {
        answers.push(await send(push));
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
    };
    const senders = Array.from({ length: SENDERS }, sender);

    await until(
      () => answers.filter((a) => a.status === 200).length >= ACCEPTED_BEFORE_DOWN,
      "pushes stored before the database goes away",
    );
    const downAt = Date.now();
    await postgres.proxy.cut();
    databaseDown = true;
    await until(() => {
      const refusedSinceDown = answers.filter((a) => a.sentAt > downAt && a.status === 503);
      return (
        refusedSinceDown.length >= REFUSED_WHILE_DOWN && refusedSinceDown.some((a) => a.push.kind === "fee")
      );
    }, "call events and CDRs refused while the database is away");
    expect(queue.length, "the stream goes on after the database is back").toBeGreaterThan(0);
    await postgres.proxy.restore();
    databaseDown = false;
    const upAt = Date.now();
    await Promise.all(senders);

    for (const answer of answers) expect([200, 503], answer.push.id).toContain(answer.status);
    // Never a 200 without its rows.
    for (const answer of answers.filter((a) => a.status === 200)) {
      expect(answer.storedWhenAnswered, answer.push.id).toBe(true);
    }
    const refused = answers.filter((a) => a.status === 503);
    for (const answer of refused) expect(answer.retryAfter, answer.push.id).toMatch(/^\d+$/);
    // Sent and answered while the database was away: all refused, in both lanes.
    const whileDown = answers.filter((a) => a.sentAt > downAt && a.answeredAt < upAt);
    expect(whileDown.length).toBeGreaterThanOrEqual(REFUSED_WHILE_DOWN);
    expect(whileDown.filter((a) => a.status !== 503)).toEqual([]);
    expect(whileDown.some((a) => a.push.kind === "fee")).toBe(true);

    // The platform sends each refused push again until it is answered 200.
    let outstanding = refused.map((answer) => answer.push);
    const resendDeadline = Date.now() + RESEND_BOUND_MS;
    let rounds = 0;
    while (outstanding.length > 0) {
      rounds += 1;
      if (Date.now() > resendDeadline) throw new Error(`still refused: ${outstanding.map((p) => p.id)}`);
      const again = await Promise.all(outstanding.map(send));
      for (const answer of again) {
        expect([200, 503], answer.push.id).toContain(answer.status);
        if (answer.status === 200) expect(answer.storedWhenAnswered, answer.push.id).toBe(true);
      }
      outstanding = again.filter((a) => a.status !== 200).map((a) => a.push);
    }

    console.info(
      `zero-loss database down: ${pushes.length} pushes, ${answers.length - refused.length} answered 200 ` +
        `at first, ${refused.length} refused with 503 (${whileDown.length} while the database was away) and ` +
        `stored after ${rounds} round(s) of sending them again`,
    );

    // Stored: exactly the sent set, each once, in every table.
    const sentEvents = new Set(pushes.filter((p) => p.kind === "event").map((p) => eventKeyOfBody(p.body)));
    const sentRecords = new Set(pushes.filter((p) => p.kind === "fee").flatMap((p) => icidsOfBody(p.body)));
    const stored = await readStoredPushes(direct.db);
    expect(new Set(stored.events.keys())).toEqual(sentEvents);
    expect(new Set(stored.records.keys())).toEqual(sentRecords);
    expect(repeated(stored.events)).toEqual([]);
    expect(repeated(stored.records)).toEqual([]);
    expect(new Set(stored.acceptedEvents.keys())).toEqual(sentEvents);
    expect(new Set(stored.acceptedRecords.keys())).toEqual(sentRecords);
    expect(repeated(stored.acceptedEvents)).toEqual([]);
    expect(repeated(stored.acceptedRecords)).toEqual([]);

    // The subscriber, live throughout, got every event once, in stream order; a last event pushed now
    // arrives right after them, so no repeat is still on its way.
    await live.waitFor(sentEvents.size, 20_000);
    const sentinel = callEvent("callin", "db-down-sentinel", new Date());
    expect((await send({ id: "sentinel", kind: "event", body: sentinel })).status).toBe(200);
    await live.waitFor(sentEvents.size + 1, 20_000);
    const stream = await readEventStream(direct.db);
    expect(live.items.map(eventKeyOfSeen)).toEqual(stream.map((row) => row.key));
    expect(stream.at(-1)?.key).toBe(eventKeyOfBody(sentinel));
    expect(live.errors).toEqual([]);
  }, 90_000);
});
