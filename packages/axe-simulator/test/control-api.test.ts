import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { MAX_CONTROL_BODY_BYTES } from "../src/control-routes.js";
import { createSimulator, type Simulator } from "../src/index.js";
import {
  APP_KEY,
  APP_SECRET,
  call,
  chunked,
  type Receiver,
  rawRequest,
  startReceiver,
  startSimulator,
  X1,
  X2,
} from "./helpers.js";

const A = "+8613800000021";
const B = "+8613900000031";

async function control(sim: Simulator, method: string, path: string, body?: unknown, token?: string) {
  const res = await fetch(`${sim.url}/simulator${path}`, {
    method,
    headers: {
      "content-type": "application/json",
      ...(token ? { authorization: `Bearer ${token}` } : {}),
    },
    ...(body !== undefined ? { body: typeof body === "string" ? body : JSON.stringify(body) } : {}),
  });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

describe("control API (/simulator)", () => {
  let sim: Simulator;
  let receiver: Receiver;
  beforeEach(async () => {
    receiver = await startReceiver();
  });
  afterEach(async () => {
    await sim.stop();
    await receiver.close();
  });

  async function start(): Promise<Simulator> {
    sim = await startSimulator({
      apps: [{ appKey: APP_KEY, appSecret: APP_SECRET, virtualNumbers: [X1, X2], notifyUrl: receiver.url }],
    });
    return sim;
  }

  it("seeds bindings, plays a call, advances the clock and shows state and deliveries", async () => {
    await start();
    const seeded = await control(sim, "POST", "/bindings", {
      bindings: [{ virtualNum: X1, bindNum: A }, { bindNum: "x" }],
    });
    expect(seeded.status).toBe(200);
    expect(seeded.body.results).toEqual([
      expect.objectContaining({ httpStatus: 200, resultcode: "0", extendNum: "0001" }),
      { httpStatus: 403, resultcode: "1010002", resultdesc: "Invalid request. bindNum" },
    ]);

    const played = await control(sim, "POST", "/calls", {
      caller: B,
      virtualNum: X1,
      digits: "0001",
      talkSeconds: 9,
    });
    expect(played.status).toBe(200);
    expect(played.body).toMatchObject({ scenario: "callee", stateCode: 0, sessionId: expect.any(String) });
    expect((played.body.notifications as unknown[]).length).toBe(6);

    const advanced = await control(sim, "POST", "/clock/advance", { ms: 60_000 });
    expect(advanced.body).toEqual({ now: "2026-01-27T08:01:00.000Z" });
    expect(receiver.received.map((r) => r.body.eventType)).toEqual([
      "callin",
      "collectInfo",
      "callout",
      "alerting",
      "answer",
      "disconnect",
      "fee",
    ]);

    const deliveries = await control(sim, "GET", "/deliveries");
    expect((deliveries.body.deliveries as unknown[]).length).toBe(7);
    const fees = await control(sim, "GET", "/deliveries?kind=fee");
    expect(fees.body.deliveries).toEqual([
      expect.objectContaining({ kind: "fee", outcome: "delivered", status: 200 }),
    ]);
    expect((await control(sim, "GET", "/deliveries?kind=bogus")).status).toBe(400);

    const state = await control(sim, "GET", "/state");
    expect(state.body).toMatchObject({
      now: "2026-01-27T08:01:00.000Z",
      bindings: [{ bindNum: A, extendNum: "0001", callbackRecord: { caller: B } }],
      apps: [
        {
          appKey: APP_KEY,
          virtualNumbers: [
            { number: X1, status: "5" },
            { number: X2, status: "5" },
          ],
        },
      ],
    });
    expect(JSON.stringify(state.body)).not.toContain(APP_SECRET);
  });

  it("changes number status and pushes numStatus", async () => {
    await start();
    const res = await control(sim, "POST", "/number-status", { number: X2, status: "10", cause: "1" });
    expect(res.status).toBe(200);
    expect((await control(sim, "POST", "/flush")).status).toBe(200);
    expect(receiver.received[0]?.body).toEqual({
      eventType: "numStatus",
      numInfo: [{ number: X2, status: "10", cause: "1" }],
    });
    const bad = await control(sim, "POST", "/number-status", { number: X2, status: "5", cause: "1" });
    expect(bad.status).toBe(400);
    expect(bad.body.error).toMatchObject({ issues: [{ path: "cause", message: expect.any(String) }] });
    const foreign = await control(sim, "POST", "/number-status", { number: "+8617000000999", status: "5" });
    expect(foreign.status).toBe(400);
  });

  it("reads and replaces faults at run time", async () => {
    await start();
    expect((await control(sim, "GET", "/faults")).body).toEqual({});
    const set = await control(sim, "PUT", "/faults", { api: { flowControl: 1 } });
    expect(set.body).toEqual({ api: { flowControl: 1 } });
    const res = await call(sim, { query: { virtualNum: X1, extendNum: "0001" } });
    expect(res.body.resultcode).toBe("1010010");
    expect((await control(sim, "PUT", "/faults", { api: { flowControl: 5 } })).status).toBe(400);
    expect((await control(sim, "PUT", "/faults", { api: {} })).body).toEqual({ api: {} });
  });

  it("flushes whatever the body: none, empty, an empty JSON object, JSON, chunked JSON", async () => {
    await start();
    await sim.setNumberStatus({ number: X2, status: "9" });
    const json = "Content-Type: application/json";
    const requests: Array<[string, string, string]> = [
      // curl -X POST: neither Content-Length nor Transfer-Encoding (this answered 500).
      ["no body", "POST /simulator/flush HTTP/1.1", ""],
      ["empty body", `POST /simulator/flush HTTP/1.1\r\n${json}\r\nContent-Length: 0`, ""],
      ["empty JSON object", `POST /simulator/flush HTTP/1.1\r\n${json}\r\nContent-Length: 2`, "{}"],
      ["JSON body", `POST /simulator/flush HTTP/1.1\r\n${json}\r\nContent-Length: 14`, '{"why":"test"}'],
      [
        "chunked JSON",
        `POST /simulator/flush HTTP/1.1\r\n${json}\r\nTransfer-Encoding: chunked`,
        chunked('{"why":"test"}', 4),
      ],
    ];
    for (const [what, head, body] of requests) {
      const res = await rawRequest(sim.url, head, body);
      expect(res.status, what).toBe(200);
      expect(JSON.parse(res.body), what).toEqual({ now: "2026-01-27T08:00:00.000Z" });
    }
    // The first flush ran the pending push.
    expect(receiver.received.map((r) => r.body.eventType)).toEqual(["numStatus"]);
  });

  it("reads chunked bodies and still limits them", async () => {
    await start();
    const body = JSON.stringify({ caller: B, virtualNum: X1, outcome: "caller-hangup-before-digits" });
    const head =
      "POST /simulator/calls HTTP/1.1\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked";
    const played = await rawRequest(sim.url, head, chunked(body));
    expect(played.status).toBe(200);
    expect(JSON.parse(played.body)).toMatchObject({ scenario: "callee", stateCode: 7516 });
    const huge = `{"pad":"${"x".repeat(MAX_CONTROL_BODY_BYTES)}"}`;
    const refused = await rawRequest(sim.url, head, chunked(huge, 1024 * 1024));
    expect(refused.status).toBe(413);
  });

  it("sets the clock to a given time", async () => {
    await start();
    expect((await control(sim, "POST", "/clock/set", { time: "2026-02-01T00:00:00Z" })).body).toEqual({
      now: "2026-02-01T00:00:00.000Z",
    });
    expect((await control(sim, "GET", "/clock")).body).toEqual({ now: "2026-02-01T00:00:00.000Z" });
    expect((await control(sim, "POST", "/clock/set", { time: "yesterday" })).status).toBe(400);
  });

  it("answers 400 with issues to invalid input", async () => {
    await start();
    for (const [path, body] of [
      ["/calls", { caller: "1", virtualNum: X1 }],
      ["/calls", { caller: B, virtualNum: X1 }],
      ["/calls", "not json"],
      ["/calls", { caller: B, virtualNum: X1, digits: "1", extra: true }],
      ["/clock/advance", { ms: -5 }],
      ["/clock/advance", {}],
      ["/bindings", { bindings: "x" }],
    ] as const) {
      const res = await control(sim, "POST", path, body);
      expect(res.status, `${path} ${JSON.stringify(body)}`).toBe(400);
      expect(res.body.error).toMatchObject({ message: expect.any(String) });
    }
  });

  it("requires the bearer token when one is configured", async () => {
    sim = createSimulator({ timeScale: 0, control: { token: "s3cret-token" } });
    await sim.start();
    expect((await control(sim, "GET", "/state")).status).toBe(401);
    expect((await control(sim, "GET", "/state", undefined, "wrong-token!")).status).toBe(401);
    expect((await control(sim, "GET", "/state", undefined, "s3cret-token")).status).toBe(200);
  });

  it("can be switched off", async () => {
    sim = createSimulator({ control: { enabled: false } });
    await sim.start();
    expect((await fetch(`${sim.url}/simulator/state`)).status).toBe(404);
  });
});
