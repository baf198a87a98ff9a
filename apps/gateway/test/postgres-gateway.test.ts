import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createProxiedPostgresDatabase, type ProxiedPostgres } from "./support/databases.js";
import { collect, startGateway, type TestGateway, until } from "./support/gateway.js";
import { callEvent, signedHeaders } from "./support/notifications.js";
import type { TcpProxy } from "./support/tcp-proxy.js";

const EVENT_TYPES = ["callin", "collectInfo", "callout", "alerting", "answer", "disconnect"] as const;

interface Seen {
  cursor: string;
  sessionId: string;
  eventType: string;
}

const seqOf = (cursor: string) => Number(Buffer.from(cursor, "base64url").toString().split(":")[1]);

describe("gateway on the machine's PostgreSQL", () => {
  let postgres: ProxiedPostgres;
  let proxy: TcpProxy;
  let gw: TestGateway;

  beforeAll(async () => {
    // The gateway reaches Postgres through a proxy the tests can cut.
    postgres = await createProxiedPostgresDatabase();
    proxy = postgres.proxy;
    gw = await startGateway({ database: postgres.config });
  });
  afterAll(async () => {
    await gw?.stop();
    await postgres?.close();
  });

  function push(body: unknown) {
    return fetch(`${gw.gateway.url}/notify`, {
      method: "POST",
      headers: signedHeaders(),
      body: JSON.stringify(body),
    });
  }

  it("under many concurrent pushes, a subscriber that disconnects and resumes sees every event exactly once, in order", async () => {
    const sessions = 60;
    const bodies = Array.from({ length: sessions }, (_, i) =>
      EVENT_TYPES.map((type, k) =>
        callEvent(type, `race-${i}`, new Date(Date.UTC(2026, 5, 1, 10, 0, k)), { called: "+8617000000001" }),
      ),
    ).flat();
    const total = bodies.length;
    // A third of the bodies are sent twice, as platform retries do.
    const sends = [...bodies, ...bodies.filter((_, i) => i % 3 === 0)].sort(() => Math.random() - 0.5);

    const steady = collect<Seen>(
      gw.wsClient(),
      "subscription { callEvents { cursor sessionId eventType } }",
      {},
      "callEvents",
    );
    const firstClient = gw.wsClient();
    const first = collect<Seen>(
      firstClient,
      "subscription { callEvents { cursor sessionId eventType } }",
      {},
      "callEvents",
    );
    await until(() => gw.gateway.services.feed.listenerCount() >= 2, "two subscribers");

    let next = 0;
    const worker = async () => {
      while (next < sends.length) {
        const body = sends[next++]!;
        const response = await push(body);
        expect(response.status).toBe(200);
      }
    };
    const posting = Promise.all(Array.from({ length: 24 }, worker));

    // Disconnect mid-stream, while pushes keep committing.
    await first.waitFor(Math.floor(total / 3), 30_000);
    await firstClient.dispose();
    const beforeCut = [...first.items];
    const resumedClient = gw.wsClient();
    const resumed = collect<Seen>(
      resumedClient,
      "subscription($after: String) { callEvents(after: $after) { cursor sessionId eventType } }",
      { after: beforeCut.at(-1)!.cursor },
      "callEvents",
    );
    await posting;
    const platformName = (graphqlName: string) =>
      EVENT_TYPES.find((type) => type.toLowerCase() === graphqlName.replace("_", "").toLowerCase());
    const key = (e: Seen) => `${e.sessionId}/${platformName(e.eventType)}`;
    const expected = new Set(
      bodies.map((b) => `${(b.statusInfo as { sessionId: string }).sessionId}/${b.eventType}`),
    );

    await resumed.waitFor(total - beforeCut.length, 30_000);
    await steady.waitFor(total, 30_000);
    await gw.gateway.services.feed.catchUp();

    const joined = [...beforeCut, ...resumed.items];
    expect(joined).toHaveLength(total);
    expect(new Set(joined.map(key))).toEqual(expected);
    const seqs = joined.map((e) => seqOf(e.cursor));
    expect(seqs.every((seq, i) => i === 0 || seq > seqs[i - 1]!)).toBe(true);

    expect(steady.items).toHaveLength(total);
    expect(steady.items.map((e) => e.cursor)).toEqual(joined.map((e) => e.cursor));
    const stored = await gw.gateway.services.db
      .selectFrom("call_events")
      .select("id")
      .where("session_id", "like", "race-%")
      .execute();
    expect(stored).toHaveLength(total);
    steady.unsubscribe();
    resumed.unsubscribe();
  });

  it("forty subscribers, handed each event in slices, receive every event once and in the stored order, one leaving midway", async () => {
    const bodies = Array.from({ length: 30 }, (_, i) =>
      EVENT_TYPES.map((type, k) =>
        callEvent(type, `slices-${i}`, new Date(Date.UTC(2026, 5, 2, 10, 0, k)), {
          called: "+8617000000001",
        }),
      ),
    ).flat();
    // The earlier test's subscribers are gone (their unsubscribing is asynchronous).
    await until(() => gw.gateway.services.feed.listenerCount() === 0, "no subscriber");
    const clients = Array.from({ length: 40 }, () => gw.wsClient());
    const subscribers = clients.map((client) =>
      collect<Seen>(client, "subscription { callEvents { cursor sessionId eventType } }", {}, "callEvents"),
    );
    // More listeners than one slice of the feed's hand-off (16).
    await until(() => gw.gateway.services.feed.listenerCount() === 40, "forty subscribers");

    let next = 0;
    const worker = async () => {
      while (next < bodies.length) {
        const response = await push(bodies[next++]!);
        expect(response.status).toBe(200);
      }
    };
    const posting = Promise.all(Array.from({ length: 8 }, worker));
    // One subscriber leaves while events are being handed out.
    await subscribers[7]!.waitFor(bodies.length / 3, 30_000);
    await clients[7]!.dispose();
    await posting;
    const ours = (items: Seen[]) => items.filter((e) => e.sessionId.startsWith("slices-"));
    for (const [i, subscriber] of subscribers.entries()) {
      if (i !== 7)
        await until(() => ours(subscriber.items).length >= bodies.length, `subscriber ${i}`, 30_000);
    }
    await gw.gateway.services.feed.catchUp();

    const stored = await gw.gateway.services.db
      .selectFrom("call_events")
      .select("stream_seq")
      .where("session_id", "like", "slices-%")
      .orderBy("stream_seq")
      .execute();
    const storedOrder = stored.map((row) => Number(row.stream_seq));
    expect(storedOrder).toHaveLength(bodies.length);
    for (const [i, subscriber] of subscribers.entries()) {
      const seqs = ours(subscriber.items).map((e) => seqOf(e.cursor));
      if (i === 7) {
        // What it received before it left: a prefix of the stored order, nothing twice.
        expect(seqs, `subscriber ${i}`).toEqual(storedOrder.slice(0, seqs.length));
      } else {
        expect(seqs, `subscriber ${i}`).toEqual(storedOrder);
      }
    }
    for (const subscriber of subscribers) subscriber.unsubscribe();
    await until(() => gw.gateway.services.feed.listenerCount() === 0, "the subscribers gone");
  });

  it("answers 503 while the database is unreachable, and stores again once it is back", async () => {
    expect((await push(callEvent("callin", "outage-0", new Date()))).status).toBe(200);
    await proxy.cut();
    try {
      const during = await push(callEvent("callin", "outage-1", new Date()));
      expect(during.status).toBe(503);
      expect(during.headers.get("retry-after")).toBe("60");
      expect(await during.json()).toMatchObject({ resultcode: "1023002" });

      // Unexpected failures in GraphQL are masked, never leaking internals: over HTTP…
      const query = await gw.gql("{ bindings { edges { node { subscriptionId } } } }");
      expect(query.errors?.[0]?.message).toBe("Unexpected error.");
      // …and over WebSocket, where a resume's replay cannot read the table.
      const resume = collect<Seen>(
        gw.wsClient(),
        "subscription($after: String) { callEvents(after: $after) { cursor } }",
        { after: Buffer.from("ce:0").toString("base64url") },
        "callEvents",
      );
      await resume.done;
      expect(JSON.stringify(resume.errors)).toContain("Unexpected error.");
      expect(JSON.stringify(resume.errors)).not.toMatch(/ECONNREFUSED|connect/i);
    } finally {
      await proxy.restore();
    }
    const after = await push(callEvent("callin", "outage-2", new Date()));
    expect(after.status).toBe(200);
    const rows = await gw.gateway.services.db
      .selectFrom("call_events")
      .select("session_id")
      .where("session_id", "like", "outage-%")
      .orderBy("session_id")
      .execute();
    expect(rows.map((r) => r.session_id)).toEqual(["outage-0", "outage-2"]);
  });
});
