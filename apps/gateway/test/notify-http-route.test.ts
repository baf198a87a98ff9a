import { connect } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { captureLog } from "./support/captured-log.js";
import { startGateway, type TestGateway, until } from "./support/gateway.js";
import { callEvent, signedHeaders } from "./support/notifications.js";
import { parsePrometheusText, sampleValue } from "./support/prometheus-text.js";

const T0 = new Date("2026-06-01T10:00:00Z");

// The webhook paths are answered on Node's request and response, ahead of Yoga (notify-http-route.ts): what
// only that route does. The handler's own behaviour is in notify.test.ts, over HTTP and in-process.

describe("/notify over the HTTP server", () => {
  let gw: TestGateway;
  const log = captureLog("info");
  beforeAll(async () => {
    gw = await startGateway({}, { logger: log.logger });
  });
  afterAll(async () => {
    await gw?.stop();
  });
  const db = () => gw.gateway.services.db;
  const keptRows = async () =>
    Number(
      (
        await db()
          .selectFrom("received_notifications")
          .select((eb) => eb.fn.countAll().as("n"))
          .executeTakeFirstOrThrow()
      ).n,
    );
  const abortedNotifyRequests = async () => {
    const text = await (await fetch(`${gw.gateway.url}/metrics`)).text();
    return (
      sampleValue(parsePrometheusText(text), "privnum_http_request_duration_seconds_count", {
        method: "POST",
        route: "notify",
        status_class: "aborted",
      }) ?? 0
    );
  };

  it("a client that goes away mid-body: nothing kept or stored, no error logged, and the next push is stored", async () => {
    const keptBefore = await keptRows();
    const abortedBefore = await abortedNotifyRequests();
    const body = JSON.stringify(callEvent("callin", "s-gone-mid-body", T0));
    const { hostname, port } = new URL(gw.gateway.url);
    const socket = connect({ host: hostname, port: Number(port) });
    await new Promise<void>((resolve) => socket.once("connect", resolve));
    const head = [
      "POST /notify HTTP/1.1",
      `host: ${hostname}:${port}`,
      "content-type: application/json",
      `content-length: ${body.length}`,
      ...Object.entries(signedHeaders()).map(([name, value]) => `${name}: ${value}`),
    ];
    socket.write(`${head.join("\r\n")}\r\n\r\n${body.slice(0, 40)}`);
    // The request reached the handler (its body is being read) before the client goes.
    await new Promise((resolve) => setTimeout(resolve, 100));
    socket.destroy();
    await until(async () => (await abortedNotifyRequests()) === abortedBefore + 1, "the abort seen");

    expect(await keptRows()).toBe(keptBefore);
    expect(
      await db().selectFrom("call_events").select("id").where("session_id", "=", "s-gone-mid-body").execute(),
    ).toEqual([]);
    expect(log.lines.filter((line) => (line.level as number) >= 50)).toEqual([]);

    const next = await fetch(`${gw.gateway.url}/notify`, {
      method: "POST",
      headers: signedHeaders(),
      body,
    });
    expect(next.status).toBe(200);
    expect(await next.json()).toEqual({ resultcode: "0", resultdesc: "Success" });
    expect(await keptRows()).toBe(keptBefore + 1);
  });

  it("answers with the platform's JSON content type and a length, and keeps the connection alive", async () => {
    const response = await fetch(`${gw.gateway.url}/notify/call-events/`, {
      method: "POST",
      headers: signedHeaders(),
      body: JSON.stringify(callEvent("callin", "s-http-answer", T0)),
    });
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toBe("application/json;charset=UTF-8");
    const text = await response.text();
    expect(response.headers.get("content-length")).toBe(String(Buffer.byteLength(text)));
    expect(response.headers.get("connection")).toBe("keep-alive");
    expect(JSON.parse(text)).toEqual({ resultcode: "0", resultdesc: "Success" });
    // Kept under the path as the routes match it.
    const kept = await db()
      .selectFrom("received_notifications")
      .select(["path", "verdict"])
      .orderBy("id", "desc")
      .executeTakeFirstOrThrow();
    expect(kept).toEqual({ path: "/notify/call-events", verdict: "accepted" });
  });
});
