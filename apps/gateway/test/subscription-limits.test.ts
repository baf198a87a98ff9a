import type { IncomingMessage } from "node:http";
import { afterEach, describe, expect, it } from "vitest";
import WebSocket from "ws";
import { SLOW_CONSUMER_CLOSE_CODE } from "../src/http/graphql-websocket.js";
import { DEFAULT_LIMITS, type GatewayConfig, TEST_API_KEYS } from "../src/shared/config.js";
import { collect, startGateway, type TestGateway, until } from "./support/gateway.js";
import { callEvent, signedHeaders } from "./support/notifications.js";

const T0 = new Date("2026-06-01T10:00:00Z");
const CALL_EVENTS = "subscription { callEvents { cursor sessionId } }";
const SESSION_UPDATES = "subscription { callSessionUpdates { session { sessionId } } }";

/** Limits with some subscription ones overridden. */
function limits(subscriptions: Partial<GatewayConfig["limits"]["subscriptions"]>): Partial<GatewayConfig> {
  return {
    limits: { ...DEFAULT_LIMITS, subscriptions: { ...DEFAULT_LIMITS.subscriptions, ...subscriptions } },
  };
}

/**
 * Sign and POST one `callin` of a new session to the webhook, over HTTP (an in-process request would run
 * as microtasks alone and starve the gateway's timers, the keep-alive among them); its status.
 */
async function push(gw: TestGateway, sessionId: string, index: number): Promise<number> {
  const response = await fetch(`${gw.gateway.url}/notify`, {
    method: "POST",
    headers: signedHeaders(),
    body: JSON.stringify(callEvent("callin", sessionId, new Date(T0.getTime() + index * 1000))),
  });
  await response.arrayBuffer();
  return response.status;
}

/** A graphql-transport-ws socket driven by hand: what a client that misbehaves looks like to the gateway. */
interface RawSocket {
  ws: WebSocket;
  /** Every message received, parsed. */
  messages: { id?: string; type: string; payload?: unknown }[];
  /** Resolves with the close code and reason. */
  closed: Promise<{ code: number; reason: string }>;
  subscribe(id: string, query: string): void;
}

/** Open a socket, authenticate as admin and wait for `connection_ack`. */
async function rawSocket(gw: TestGateway, options: WebSocket.ClientOptions = {}): Promise<RawSocket> {
  const ws = new WebSocket(gw.gateway.graphqlUrl.replace(/^http/, "ws"), "graphql-transport-ws", options);
  const messages: RawSocket["messages"] = [];
  const closed = new Promise<{ code: number; reason: string }>((resolve) =>
    ws.on("close", (code, reason) => resolve({ code, reason: reason.toString() })),
  );
  ws.on("message", (data) => messages.push(JSON.parse(String(data))));
  await new Promise<void>((resolve, reject) => {
    ws.once("open", () => resolve());
    ws.once("error", reject);
  });
  ws.send(
    JSON.stringify({ type: "connection_init", payload: { authorization: `Bearer ${TEST_API_KEYS.admin}` } }),
  );
  await until(() => messages.some((m) => m.type === "connection_ack"), "connection_ack");
  return {
    ws,
    messages,
    closed,
    subscribe(id, query) {
      ws.send(JSON.stringify({ id, type: "subscribe", payload: { query } }));
    },
  };
}

/** Try an upgrade; the HTTP answer when it is refused, or the open socket. */
function upgrade(
  gw: TestGateway,
): Promise<{ refused: IncomingMessage; body: string } | { socket: WebSocket }> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(gw.gateway.graphqlUrl.replace(/^http/, "ws"), "graphql-transport-ws");
    ws.once("open", () => resolve({ socket: ws }));
    ws.once("unexpected-response", (_request, response) => {
      let body = "";
      response.on("data", (chunk: Buffer) => {
        body += chunk.toString();
      });
      response.on("end", () => resolve({ refused: response, body }));
    });
    ws.once("error", reject);
  });
}

describe("WebSocket limits", () => {
  let gw: TestGateway | undefined;
  const sockets: WebSocket[] = [];
  afterEach(async () => {
    for (const socket of sockets.splice(0)) socket.terminate();
    await gw?.stop();
    gw = undefined;
  });

  it("answers the subscribe beyond WS_MAX_SUBSCRIPTIONS_PER_SOCKET with an error, keeps the socket, and frees a slot on complete", async () => {
    gw = await startGateway(limits({ maxPerSocket: 3 }));
    const { changes } = gw.gateway.services;
    const client = await rawSocket(gw);
    sockets.push(client.ws);
    for (const id of ["1", "2", "3"]) client.subscribe(id, SESSION_UPDATES);
    await until(() => gw!.gateway.webSocket.openSubscriptions === 3, "three subscriptions");
    expect(changes.listenerCount()).toBe(3);

    client.subscribe("4", SESSION_UPDATES);
    await until(() => client.messages.some((m) => m.id === "4"), "an answer to the fourth");
    expect(client.messages.filter((m) => m.id === "4")).toEqual([
      {
        id: "4",
        type: "error",
        payload: [
          {
            message: expect.stringMatching(/already runs 3 operations.*WS_MAX_SUBSCRIPTIONS_PER_SOCKET/),
            extensions: { code: "SUBSCRIPTION_LIMIT_EXCEEDED", limit: 3 },
          },
        ],
      },
    ]);
    expect(changes.listenerCount()).toBe(3);
    expect(gw.gateway.webSocket.openSubscriptions).toBe(3);

    // The socket is still open and its three subscriptions still deliver.
    expect(await push(gw, "per-socket-1", 1)).toBe(200);
    await until(() => client.messages.filter((m) => m.type === "next").length === 3, "three deliveries");
    expect(client.ws.readyState).toBe(WebSocket.OPEN);

    // Completing one frees its slot.
    client.ws.send(JSON.stringify({ id: "2", type: "complete" }));
    await until(() => changes.listenerCount() === 2, "the completed one to go");
    client.subscribe("5", SESSION_UPDATES);
    await until(() => changes.listenerCount() === 3, "the fifth to run");
    expect(client.messages.filter((m) => m.type === "error")).toHaveLength(1);
    expect(gw.gateway.webSocket.openSockets).toBe(1);
  });

  it("refuses the upgrade beyond WS_MAX_SOCKETS with 503 and Retry-After, before graphql-ws sees it", async () => {
    gw = await startGateway(limits({ maxSockets: 2 }));
    const first = await upgrade(gw);
    const second = await upgrade(gw);
    for (const opened of [first, second]) {
      if (!("socket" in opened)) throw new Error("expected the first two upgrades to open");
      sockets.push(opened.socket);
    }
    expect(gw.gateway.webSocket.openSockets).toBe(2);

    const third = await upgrade(gw);
    if (!("refused" in third)) throw new Error("expected the third upgrade to be refused");
    expect(third.refused.statusCode).toBe(503);
    expect(third.refused.headers["retry-after"]).toBe("5");
    expect(third.body).toMatch(/Too many open WebSockets \(WS_MAX_SOCKETS\)/);
    expect(gw.gateway.webSocket.openSockets).toBe(2);

    // A closed socket frees its place.
    const [gone] = sockets.splice(0, 1);
    gone!.close();
    await until(() => gw!.gateway.webSocket.openSockets === 1, "the closed socket to go");
    const fourth = await upgrade(gw);
    if (!("socket" in fourth)) throw new Error("expected an upgrade to open again");
    sockets.push(fourth.socket);
    expect(gw.gateway.webSocket.openSockets).toBe(2);
  });

  it("terminates a socket that does not answer pings and releases its subscriptions; one that answers stays", async () => {
    // Short, yet long enough that the healthy client always answers within one interval on a busy machine.
    gw = await startGateway({}, { webSocketKeepAliveMs: 1_000 });
    const { feed } = gw.gateway.services;
    const healthy = collect<{ sessionId: string }>(gw.wsClient(), CALL_EVENTS, {}, "callEvents");
    await until(() => feed.listenerCount() === 1, "the healthy subscription");

    // A peer gone silent: it never answers a ping (nor reads anything of its own accord).
    const silent = await rawSocket(gw, { autoPong: false });
    sockets.push(silent.ws);
    silent.subscribe("1", CALL_EVENTS);
    await until(() => gw!.gateway.webSocket.openSubscriptions === 2, "the silent socket's subscription");
    expect(feed.listenerCount()).toBe(2);

    const { code } = await silent.closed;
    expect(code).toBe(1006); // terminated: no close frame
    await until(() => feed.listenerCount() === 1, "the silent socket's listener to be removed");
    await until(() => gw!.gateway.webSocket.openSockets === 1, "the silent socket to be gone");
    expect(gw.gateway.webSocket.openSubscriptions).toBe(1);

    // Several pings later the healthy socket is still served.
    expect(await push(gw, "keepalive-1", 1)).toBe(200);
    expect((await healthy.waitFor(1))[0]?.sessionId).toBe("keepalive-1");
    expect(healthy.errors).toEqual([]);
  });

  it("closes a consumer that stops reading with 4008, releases its subscriptions, and others get every event in order", async () => {
    // Long enough that the healthy client, in this busy process, always answers within one interval.
    gw = await startGateway({}, { webSocketKeepAliveMs: 3_000 });
    const { feed } = gw.gateway.services;
    const healthy = collect<{ cursor: string; sessionId: string }>(
      gw.wsClient(),
      CALL_EVENTS,
      {},
      "callEvents",
    );
    await until(() => feed.listenerCount() === 1, "the healthy subscription");

    const SLOW_SUBSCRIPTIONS = 80;
    const slow = await rawSocket(gw);
    sockets.push(slow.ws);
    for (let id = 1; id <= SLOW_SUBSCRIPTIONS; id++) slow.subscribe(String(id), CALL_EVENTS);
    await until(() => feed.listenerCount() === 1 + SLOW_SUBSCRIPTIONS, "the slow socket's subscriptions");
    // The client stops reading: what the gateway sends piles up in the TCP buffers, then in the socket's.
    slow.ws.pause();

    let pushed = 0;
    while (feed.listenerCount() > 1) {
      if (pushed >= 3_000) throw new Error(`the slow consumer was not closed after ${pushed} pushes`);
      const batch = Array.from({ length: 10 }, (_, j) => push(gw!, `slow-${pushed + j}`, pushed + j));
      expect(new Set(await Promise.all(batch))).toEqual(new Set([200]));
      pushed += batch.length;
    }
    // Released at once, while the close waits for the client: the healthy subscriber is all that is left.
    expect(feed.listenerCount()).toBe(1);
    expect(gw.gateway.webSocket.openSubscriptions).toBe(1);

    // The healthy subscriber got every event, in stream order.
    const got = await healthy.waitFor(pushed, 60_000);
    expect(got.map((e) => e.sessionId)).toEqual(Array.from({ length: pushed }, (_, i) => `slow-${i}`));
    const positions = got.map((e) => Number(Buffer.from(e.cursor, "base64url").toString().split(":")[1]));
    expect(positions).toEqual([...positions].sort((a, b) => a - b));
    expect(healthy.errors).toEqual([]);

    // Once it reads again, the slow client finds the close code and reason after what was already sent.
    slow.ws.resume();
    expect(await slow.closed).toEqual({
      code: SLOW_CONSUMER_CLOSE_CODE,
      reason: expect.stringMatching(/^Subscriber too slow: reconnect and resume with `after`/),
    });
    await until(() => gw!.gateway.webSocket.openSockets === 1, "the slow socket to be gone");
  });
});
