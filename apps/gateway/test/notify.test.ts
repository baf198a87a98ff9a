import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createNotifyHandler } from "../src/ingest/notify-handler.js";
import { notifyRequestOf } from "../src/ingest/notify-route.js";
import { createNotifyVerification } from "../src/ingest/notify-verifier.js";
import { SIMULATOR_DEFAULT_APP } from "../src/shared/config.js";
import { createLogger } from "../src/shared/logger.js";
import { startGateway, type TestGateway } from "./support/gateway.js";
import { callEvent, cdr, signedHeaders } from "./support/notifications.js";

const T0 = new Date("2026-06-01T10:00:00Z");

/** The two ways a push reaches the webhook: the HTTP server (the platform's), and Yoga handed a `Request` in-process. */
const TRANSPORTS = [
  {
    name: "over HTTP",
    send: (gw: TestGateway, path: string, init: RequestInit) => fetch(`${gw.gateway.url}${path}`, init),
  },
  {
    name: "in-process (yoga.fetch)",
    send: (gw: TestGateway, path: string, init: RequestInit) =>
      gw.gateway.yoga.fetch(`http://gateway.test${path}`, init),
  },
];

describe.each(TRANSPORTS)("POST /notify $name", ({ name, send }) => {
  let gw: TestGateway;
  beforeAll(async () => {
    gw = await startGateway();
  });
  afterAll(async () => {
    await gw?.stop();
  });

  function post(
    body: unknown,
    options: { path?: string; headers?: Record<string, string>; sign?: boolean; method?: string } = {},
  ) {
    const raw = typeof body === "string" || body instanceof Uint8Array ? body : JSON.stringify(body);
    return send(gw, options.path ?? "/notify", {
      method: options.method ?? "POST",
      headers: { ...(options.sign === false ? {} : signedHeaders()), ...options.headers },
      ...(options.method === "GET" ? {} : { body: raw as BodyInit }),
    });
  }

  const db = () => gw.gateway.services.db;
  const lastKept = () =>
    db().selectFrom("received_notifications").selectAll().orderBy("id", "desc").executeTakeFirstOrThrow();

  it("stores a signed call event before answering 200, and keeps the body with verdict accepted", async () => {
    const body = callEvent("callin", "s-accept", T0);
    const response = await post(body);
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ resultcode: "0", resultdesc: "Success" });
    const events = await db()
      .selectFrom("call_events")
      .selectAll()
      .where("session_id", "=", "s-accept")
      .execute();
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({
      event_type: "callin",
      virtual_num: "+8617000000001",
      stream_seq: expect.any(Number),
    });
    const kept = await lastKept();
    expect(kept).toMatchObject({
      verdict: "accepted",
      kind: "callEvent",
      app_key: "privnum-sim-app",
      http_status: 200,
    });
    expect(new TextDecoder().decode(kept.body!)).toBe(JSON.stringify(body));
    const session = await db()
      .selectFrom("call_sessions")
      .selectAll()
      .where("session_id", "=", "s-accept")
      .executeTakeFirst();
    expect(session).toMatchObject({ status: "ringing", virtual_num: "+8617000000001", event_count: 1 });
  });

  it("a re-sent event (the platform's retry) is stored once and kept as a duplicate", async () => {
    const body = callEvent("answer", "s-dup", T0, { subscriptionId: "sub-x" });
    expect((await post(body)).status).toBe(200);
    expect((await post(body)).status).toBe(200);
    const events = await db()
      .selectFrom("call_events")
      .select("id")
      .where("session_id", "=", "s-dup")
      .execute();
    expect(events).toHaveLength(1);
    expect(await lastKept()).toMatchObject({
      verdict: "duplicate",
      reason: "event already stored",
      new_item_count: 0,
    });
  });

  it("stores a fee push's CDRs in one go and skips the icids already stored", async () => {
    const first = await post(
      { eventType: "fee", feeLst: [cdr("icid-1", "s-fee-1", T0), cdr("icid-2", "s-fee-2", T0)] },
      { path: "/notify/fees" },
    );
    expect(first.status).toBe(200);
    const second = await post(
      { eventType: "fee", feeLst: [cdr("icid-2", "s-fee-2", T0), cdr("icid-3", "s-fee-3", T0)] },
      { path: "/notify/fees" },
    );
    expect(second.status).toBe(200);
    const kept = await lastKept();
    expect(kept).toMatchObject({
      verdict: "accepted",
      item_count: 2,
      new_item_count: 1,
      reason: "1 of 2 CDRs already stored",
    });
    const icids = await db()
      .selectFrom("call_records")
      .select("icid")
      .where("icid", "like", "icid-%")
      .orderBy("icid")
      .execute();
    expect(icids.map((r) => r.icid)).toEqual(["icid-1", "icid-2", "icid-3"]);
    const session = await db()
      .selectFrom("call_sessions")
      .selectAll()
      .where("session_id", "=", "s-fee-3")
      .executeTakeFirstOrThrow();
    expect(session).toMatchObject({ status: "billed", bind_num: "+8613800000021", record_count: 1 });
  });

  it("any kind is accepted on any notify path", async () => {
    expect((await post(callEvent("callin", "s-path", T0), { path: "/notify/fees" })).status).toBe(200);
    expect((await post(callEvent("callout", "s-path", T0), { path: "/notify/number-status/" })).status).toBe(
      200,
    );
  });

  it("applies an X number status push and shows it in virtualNumbers; a repeat is a duplicate", async () => {
    const body = {
      eventType: "numStatus",
      numInfo: [{ number: "+8617000000002", status: "10", cause: "2" }],
    };
    expect((await post(body, { path: "/notify/number-status" })).status).toBe(200);
    const result = await gw.gql<{ virtualNumbers: Record<string, unknown>[] }>(
      "{ virtualNumbers { number status statusCode cause { code description } } }",
    );
    expect(result.data?.virtualNumbers).toContainEqual({
      number: "+8617000000002",
      status: "UNAVAILABLE",
      statusCode: "10",
      cause: { code: "2", description: expect.stringMatching(/arrears/i) },
    });
    expect((await post(body)).status).toBe(200);
    expect(await lastKept()).toMatchObject({ verdict: "duplicate", kind: "numStatus" });
  });

  it("acknowledges an unknown eventType and keeps it, reported as unknown", async () => {
    const response = await post({ eventType: "smsStatus", info: { any: "thing" } });
    expect(response.status).toBe(200);
    expect(await lastKept()).toMatchObject({
      verdict: "accepted",
      kind: "unknown",
      reason: expect.stringContaining('unknown eventType "smsStatus"'),
    });
  });

  it("401 for a wrong digest, with the platform's answer, and keeps it as rejected without its body", async () => {
    const body = callEvent("callin", "s-forged", T0);
    const response = await post(body, { headers: signedHeaders({ appSecret: "not-the-secret" }) });
    expect(response.status).toBe(401);
    expect(await response.json()).toEqual({ resultcode: "1010010", resultdesc: "Invalid digest." });
    expect(await lastKept()).toMatchObject({
      verdict: "rejected",
      http_status: 401,
      reason: expect.stringMatching(/^digest-mismatch/),
      body: null,
      body_size: JSON.stringify(body).length,
      header_names: expect.arrayContaining(["authorization", "x-aksk"]),
    });
    expect(
      await db().selectFrom("call_events").select("id").where("session_id", "=", "s-forged").execute(),
    ).toEqual([]);
  });

  it("401 for a replayed nonce", async () => {
    const headers = signedHeaders();
    expect((await post(callEvent("callin", "s-replay-1", T0), { sign: false, headers })).status).toBe(200);
    const replay = await post(callEvent("callin", "s-replay-2", T0), { sign: false, headers });
    expect(replay.status).toBe(401);
    expect((await replay.json()).resultcode).toBe("1010010");
    expect(await lastKept()).toMatchObject({ verdict: "rejected", reason: expect.stringMatching(/replay/i) });
  });

  it("a body that is not a notification, replayed: 400 and kept once, then 401 with its metadata alone", async () => {
    const headers = signedHeaders();
    const first = await post("not a notification (replayed)", { sign: false, headers });
    expect(first.status).toBe(400);
    const keptFirst = await lastKept();
    expect(new TextDecoder().decode(keptFirst.body!)).toBe("not a notification (replayed)");
    const replay = await post("not a notification (replayed)", { sign: false, headers });
    expect(replay.status).toBe(401);
    expect((await replay.json()).resultcode).toBe("1010010");
    const keptReplay = await lastKept();
    expect(keptReplay.id).toBeGreaterThan(keptFirst.id);
    expect(keptReplay).toMatchObject({ verdict: "rejected", http_status: 401, body: null });
    expect(keptReplay.reason).toMatch(/^nonce-replayed/);
  });

  it("401 for a Created outside the window, 400 without Authorization, 403 for an unknown APP_Key", async () => {
    const old = await post(callEvent("callin", "s-old", T0), {
      headers: signedHeaders({ created: new Date(Date.now() - 600_000) }),
    });
    expect(old.status).toBe(401);
    expect((await old.json()).resultcode).toBe("1010013");

    const unsigned = await post(callEvent("callin", "s-unsigned", T0), { sign: false });
    expect(unsigned.status).toBe(400);
    expect((await unsigned.json()).resultcode).toBe("1023006");

    const stranger = await post(callEvent("callin", "s-stranger", T0), {
      headers: signedHeaders({ appKey: "someone-else", appSecret: "x" }),
    });
    expect(stranger.status).toBe(403);
    expect((await stranger.json()).resultcode).toBe("1010003");
    expect(await lastKept()).toMatchObject({
      verdict: "rejected",
      app_key: "someone-else",
      http_status: 403,
    });
  });

  it("400 with a clear message for a body that is not a notification, which is still kept", async () => {
    const notJson = await post("this is not json");
    expect(notJson.status).toBe(400);
    const answer = await notJson.json();
    expect(answer.resultcode).toBe("1010002");
    expect(answer.resultdesc).toMatch(/^Invalid request\. Not a platform notification: /);
    expect(answer.issues[0].path).toBe("$");
    expect(await lastKept()).toMatchObject({ verdict: "rejected", http_status: 400, kind: null });
    expect(new TextDecoder().decode((await lastKept()).body!)).toBe("this is not json");

    const noType = await post({ statusInfo: {} });
    expect(noType.status).toBe(400);
    expect((await noType.json()).issues).toContainEqual(expect.objectContaining({ path: "$.eventType" }));

    const badEvent = await post({
      eventType: "disconnect",
      statusInfo: { sessionId: "s", timestamp: "yesterday" },
    });
    expect(badEvent.status).toBe(400);
    expect(await lastKept()).toMatchObject({
      verdict: "rejected",
      reason: expect.stringContaining("statusInfo"),
    });
  });

  it("413 for a body over 1 MiB, declared or streamed, without reading it all", async () => {
    const big = new Uint8Array(1024 * 1024 + 1).fill(0x20);
    const declared = await post(big);
    expect(declared.status).toBe(413);
    expect((await declared.json()).resultcode).toBe("1010002");

    let sent = 0;
    // In-process an endless body: the handler must stop reading once past the limit. Over HTTP the server
    // then reads and discards the rest of a refused body (up to 8 MiB, unread-body.ts), so that body ends.
    const endless = name === "in-process (yoga.fetch)";
    const stream = new ReadableStream<Uint8Array>({
      pull(controller) {
        if (!endless && sent >= 2 * 1024 * 1024) return controller.close();
        sent += 64 * 1024;
        controller.enqueue(new Uint8Array(64 * 1024).fill(0x20));
      },
    });
    const streamed = await send(gw, "/notify", {
      method: "POST",
      headers: signedHeaders(),
      body: stream,
      duplex: "half",
    } as RequestInit);
    expect(streamed.status).toBe(413);
    if (endless) expect(sent).toBeLessThan(4 * 1024 * 1024);
    const kept = await lastKept();
    expect(kept).toMatchObject({ verdict: "rejected", http_status: 413, body: null });
    expect(kept.body_size).toBeGreaterThan(1024 * 1024);
  });

  it("operators see every kept body through receivedNotifications, filtered by verdict", async () => {
    const result = await gw.gql<{
      receivedNotifications: { edges: { node: Record<string, unknown> }[] };
    }>(`{ receivedNotifications(first: 100, filter: { verdicts: [REJECTED] }) {
      edges { node { verdict reason httpStatus kind body bodySize path } } } }`);
    const nodes = result.data!.receivedNotifications.edges.map((e) => e.node);
    expect(nodes.length).toBeGreaterThan(3);
    expect(nodes.every((n) => n.verdict === "REJECTED")).toBe(true);
    expect(nodes).toContainEqual(
      expect.objectContaining({
        httpStatus: 400,
        body: "this is not json",
        reason: expect.stringMatching(/^not a notification/),
      }),
    );
    expect(nodes).toContainEqual(expect.objectContaining({ httpStatus: 413, body: null }));
  });

  it("405 for anything but POST", async () => {
    const response = await post(undefined, { method: "GET" });
    expect(response.status).toBe(405);
    expect(response.headers.get("allow")).toBe("POST");
  });
});

describe("the notify handler, called directly", () => {
  let gw: TestGateway;
  beforeAll(async () => {
    gw = await startGateway();
  });
  afterAll(async () => {
    await gw?.stop();
  });
  const db = () => gw.gateway.services.db;

  it("a push answered 503 has not used up its Nonce: sent again with the same headers, it is stored", async () => {
    const verification = createNotifyVerification({
      db: db(),
      platform: SIMULATOR_DEFAULT_APP,
      enabled: true,
      purgeIntervalMs: 60_000,
      logger: createLogger({ level: "silent" }),
    });
    try {
      const handlerWith = (writer: { maxWaiting?: number }) =>
        createNotifyHandler({
          db: db(),
          verifier: verification.verifier,
          logger: createLogger({ level: "silent" }),
          onStored: () => {},
          writer,
        });
      const headers = signedHeaders();
      const request = () =>
        notifyRequestOf(
          new Request("http://gateway.test/notify", {
            method: "POST",
            headers,
            body: JSON.stringify(callEvent("callin", "s-503-then-200", T0)),
          }),
        );
      // No room in the writer: refused before any transaction, so nothing recorded, the Nonce included.
      expect((await handlerWith({ maxWaiting: 0 })(request())).status).toBe(503);
      const handler = handlerWith({});
      expect((await handler(request())).status).toBe(200);
      // Stored now: the same headers again are a replay.
      const replay = await handler(request());
      expect(replay.status).toBe(401);
      expect(JSON.parse(replay.body)).toEqual({ resultcode: "1010010", resultdesc: "Invalid digest." });
      expect(
        await db()
          .selectFrom("call_events")
          .select("id")
          .where("session_id", "=", "s-503-then-200")
          .execute(),
      ).toHaveLength(1);
    } finally {
      verification.stop();
    }
  });

  it("with verification off (NOTIFY_VERIFY=false) an unsigned push is stored", async () => {
    const handler = createNotifyHandler({
      db: db(),
      verifier: null,
      logger: createLogger({ level: "silent" }),
      onStored: () => {},
    });
    const response = await handler(
      notifyRequestOf(
        new Request("http://gateway.test/notify", {
          method: "POST",
          body: JSON.stringify(callEvent("callin", "s-open", T0)),
        }),
      ),
    );
    expect(response.status).toBe(200);
    expect(
      await db().selectFrom("call_events").select("id").where("session_id", "=", "s-open").execute(),
    ).toHaveLength(1);
  });

  it("503 with Retry-After when the writer already holds as many pushes as it may, and nothing is stored", async () => {
    const handler = createNotifyHandler({
      db: db(),
      verifier: null,
      logger: createLogger({ level: "silent" }),
      onStored: () => {},
      // No room at all: every push finds the queue full.
      writer: { maxWaiting: 0 },
    });
    const response = await handler(
      notifyRequestOf(
        new Request("http://gateway.test/notify", {
          method: "POST",
          body: JSON.stringify(callEvent("callin", "s-full", T0)),
        }),
      ),
    );
    expect(response.status).toBe(503);
    expect(response.headers["retry-after"]).toBe("60");
    expect(
      await db().selectFrom("call_events").select("id").where("session_id", "=", "s-full").execute(),
    ).toHaveLength(0);
  });
});
