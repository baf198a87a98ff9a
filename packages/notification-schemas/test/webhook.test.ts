import { once } from "node:events";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { buffer } from "node:stream/consumers";
import { createMemoryNonceStore, createVerifier, signUsernameToken } from "@privnum/wsse-auth";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Notification, parseNotification } from "../src/index.js";
import { fixtureText } from "./helpers.js";

// The README's webhook handler, run for real: a server on port 0, pushes signed with @privnum/wsse-auth.

const APP_KEY = "privnum-sim-app";
const APP_SECRET = "privnum-sim-secret";
const received: Notification[] = [];

const verifier = createVerifier({
  lookupSecret: (appKey) => (appKey === APP_KEY ? APP_SECRET : undefined),
  nonceStore: createMemoryNonceStore(),
});

const server: Server = createServer(async (req, res) => {
  const auth = await verifier.verify(req.headers);
  if (!auth.ok) return res.writeHead(auth.httpStatus).end(JSON.stringify({ resultcode: auth.resultcode }));
  const parsed = parseNotification(await buffer(req));
  if (!parsed.ok) return res.writeHead(400).end(JSON.stringify({ issues: parsed.issues }));
  received.push(parsed.notification);
  res.writeHead(200).end();
});

let url = "";
beforeAll(async () => {
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/notify`;
});
afterAll(async () => {
  server.close();
  await once(server, "close");
});

const push = (body: string | Uint8Array, appSecret = APP_SECRET) =>
  fetch(url, { method: "POST", headers: signUsernameToken({ appKey: APP_KEY, appSecret }).headers, body });

describe("the README's webhook handler", () => {
  it("acknowledges signed pushes of every kind and hands over typed notifications", async () => {
    received.length = 0;
    for (const name of [
      "callee/06-disconnect.json",
      "fee/fifty-records.json",
      "num-status/every-status.json",
    ]) {
      expect((await push(fixtureText(name))).status).toBe(200);
    }
    expect((await push('{"eventType":"smsEvent","smsInfo":{}}')).status).toBe(200);
    expect(received.map((notification) => notification.kind)).toEqual([
      "callEvent",
      "fee",
      "numStatus",
      "unknown",
    ]);
  });

  it("answers 400 with the issues to a signed body that is not a notification", async () => {
    const response = await push(new Uint8Array([0x7b, 0xff, 0x7d]));
    expect(response.status).toBe(400);
    expect(await response.json()).toEqual({
      issues: [{ code: "invalid-utf8", path: "$", segments: [], message: "the body is not valid UTF-8" }],
    });
  });

  it("refuses a push signed with the wrong secret before parsing it", async () => {
    const response = await push(fixtureText("callee/06-disconnect.json"), "wrong-secret");
    expect(response.status).toBe(401);
    expect(await response.json()).toEqual({ resultcode: "1010010" });
  });
});
