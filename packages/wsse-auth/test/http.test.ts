// The README's integration examples, run for real: a node:http server on an ephemeral port and a Hono app.
import { once } from "node:events";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { Hono } from "hono";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createMemoryNonceStore, createVerifier, signUsernameToken } from "../src/index.js";

const APP_KEY = "privnum-test-app";
const APP_SECRET = "privnum-test-secret";
const PUSH = { eventType: "callin", statusInfo: { sessionId: "s-1" } };

function webhookVerifier() {
  const secrets = new Map([[APP_KEY, APP_SECRET]]);
  return createVerifier({
    lookupSecret: async (appKey) => secrets.get(appKey),
    nonceStore: createMemoryNonceStore(),
  });
}

describe("verifying pushes with node:http", () => {
  const received: unknown[] = [];
  let server: Server;
  let url: string;

  beforeAll(async () => {
    const verifier = webhookVerifier();
    server = createServer(async (req, res) => {
      const result = await verifier.verify(req.headers);
      if (!result.ok) {
        res.writeHead(result.httpStatus, { "content-type": "application/json;charset=UTF-8" });
        res.end(JSON.stringify({ resultcode: result.resultcode, resultdesc: result.resultdesc }));
        return;
      }
      const chunks: Buffer[] = [];
      for await (const chunk of req) chunks.push(chunk as Buffer);
      received.push({
        appKey: result.appKey,
        scheme: result.scheme,
        body: JSON.parse(Buffer.concat(chunks).toString("utf8")),
      });
      res.writeHead(200).end();
    });
    server.listen(0, "127.0.0.1");
    await once(server, "listening");
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/notify`;
  });

  afterAll(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });

  const post = (headers: Record<string, string>) =>
    fetch(url, { method: "POST", headers, body: JSON.stringify(PUSH) });

  it("accepts a signed push in every scheme and refuses its replay with 401 1010010", async () => {
    for (const scheme of ["aksk", "wsse-hex", "wsse-raw"] as const) {
      const { headers } = signUsernameToken({ appKey: APP_KEY, appSecret: APP_SECRET, scheme });
      const first = await post(headers);
      expect(first.status).toBe(200);
      const replay = await post(headers);
      expect(replay.status).toBe(401);
      expect(await replay.json()).toEqual({ resultcode: "1010010", resultdesc: "Invalid digest." });
    }
    expect(received).toEqual([
      { appKey: APP_KEY, scheme: "aksk", body: PUSH },
      { appKey: APP_KEY, scheme: "wsse-hex", body: PUSH },
      { appKey: APP_KEY, scheme: "wsse-raw", body: PUSH },
    ]);
  });

  it("answers a push without headers with 400 1023006", async () => {
    const response = await fetch(url, { method: "POST", body: "{}" });
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({ resultcode: "1023006" });
  });

  it("answers a push signed with the wrong secret with 401 and one from an unknown app with 403", async () => {
    const forged = signUsernameToken({ appKey: APP_KEY, appSecret: "guess" });
    expect((await post(forged.headers)).status).toBe(401);
    const stranger = signUsernameToken({ appKey: "someone-else", appSecret: APP_SECRET });
    const response = await post(stranger.headers);
    expect(response.status).toBe(403);
    expect(await response.json()).toEqual({ resultcode: "1010003", resultdesc: "Invalid app_key." });
  });
});

describe("verifying pushes with Hono", () => {
  const verifier = webhookVerifier();
  const app = new Hono();
  app.post("/notify", async (c) => {
    const result = await verifier.verify(c.req.raw.headers);
    if (!result.ok) {
      return c.json({ resultcode: result.resultcode, resultdesc: result.resultdesc }, result.httpStatus);
    }
    const body = await c.req.json();
    return c.json({ appKey: result.appKey, scheme: result.scheme, eventType: body.eventType });
  });

  const post = (headers: Record<string, string>) =>
    app.request("/notify", { method: "POST", headers, body: JSON.stringify(PUSH) });

  it("accepts a signed push once", async () => {
    const { headers } = signUsernameToken({ appKey: APP_KEY, appSecret: APP_SECRET, scheme: "wsse-raw" });
    const response = await post(headers);
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ appKey: APP_KEY, scheme: "wsse-raw", eventType: "callin" });
    expect((await post(headers)).status).toBe(401);
  });

  it("answers a token that is too old with 401 1010013", async () => {
    const { headers } = signUsernameToken({
      appKey: APP_KEY,
      appSecret: APP_SECRET,
      now: () => new Date(Date.now() - 301_000),
    });
    const response = await post(headers);
    expect(response.status).toBe(401);
    expect(await response.json()).toEqual({ resultcode: "1010013", resultdesc: "Time out limit." });
  });
});
