// PGlite is one connection inside the process: it cannot stall like a link, but it can be busy. A push then
// waits a bounded time (notifyTimeoutMs) and is answered 503; pushes still queued are dropped, never stored
// behind their sender's back, and their Nonces stay unused.
import { afterEach, describe, expect, it } from "vitest";
import { startGateway, type TestGateway, until } from "./support/gateway.js";
import { callEvent, signedHeaders } from "./support/notifications.js";

const NOTIFY_TIMEOUT_MS = 500;

let gw: TestGateway | undefined;

afterEach(async () => {
  await gw?.stop();
  gw = undefined;
});

/** Hold PGlite's one connection until the returned function is called. */
async function holdTheConnection(test: TestGateway): Promise<() => Promise<void>> {
  let release!: () => void;
  let holding!: () => void;
  const held = new Promise<void>((resolve) => {
    holding = resolve;
  });
  const done = test.gateway.services.db.transaction().execute(async () => {
    holding();
    await new Promise<void>((resolve) => {
      release = resolve;
    });
  });
  await held;
  return async () => {
    release();
    await done;
  };
}

async function push(test: TestGateway, sessionId: string, signed: boolean) {
  const response = await fetch(`${test.gateway.url}/notify`, {
    method: "POST",
    headers: signed ? signedHeaders() : { "content-type": "application/json" },
    body: JSON.stringify(callEvent("callin", sessionId, new Date())),
  });
  return { status: response.status, retryAfter: response.headers.get("retry-after") };
}

async function storedSessions(test: TestGateway): Promise<string[]> {
  const rows = await test.gateway.services.db
    .selectFrom("call_events")
    .select("session_id")
    .orderBy("session_id")
    .execute();
  return rows.map((row) => row.session_id);
}

describe("pushes while PGlite's one connection is busy", () => {
  it("signed pushes answered 503 while it is busy are stored when sent again with the same headers, unless already committed", async () => {
    gw = await startGateway({}, { notifyTimeoutMs: NOTIFY_TIMEOUT_MS });
    const test = gw;
    const headers = new Map(["busy-0", "busy-1", "busy-2"].map((id) => [id, signedHeaders()]));
    const send = async (sessionId: string) => {
      const response = await fetch(`${test.gateway.url}/notify`, {
        method: "POST",
        headers: headers.get(sessionId)!,
        body: JSON.stringify(callEvent("callin", sessionId, new Date())),
      });
      return { status: response.status, retryAfter: response.headers.get("retry-after") };
    };
    const release = await holdTheConnection(gw);
    // busy-0 takes the call-event lane's one transaction slot (waiting for the connection); the others queue.
    const first = send("busy-0");
    await new Promise((resolve) => setTimeout(resolve, 50));
    const answers = await Promise.all([first, send("busy-1"), send("busy-2")]);
    expect(answers).toEqual([
      { status: 503, retryAfter: "60" },
      { status: 503, retryAfter: "60" },
      { status: 503, retryAfter: "60" },
    ]);
    await release();
    // busy-0's transaction goes ahead once the connection is free, its Nonce with it.
    await until(async () => (await storedSessions(test)).includes("busy-0"), "busy-0 committed");
    expect(await storedSessions(gw)).toEqual(["busy-0"]);
    // The queued ones recorded nothing, their Nonces included: sent again as they were, they are stored.
    expect((await send("busy-1")).status).toBe(200);
    expect((await send("busy-2")).status).toBe(200);
    // busy-0 sent again as it was is a replay: refused, and it is stored once.
    expect((await send("busy-0")).status).toBe(401);
    expect(await storedSessions(gw)).toEqual(["busy-0", "busy-1", "busy-2"]);
  });

  it("drop the pushes still queued for a transaction: never stored after their 503", async () => {
    gw = await startGateway({ notifyVerify: false }, { notifyTimeoutMs: NOTIFY_TIMEOUT_MS });
    const release = await holdTheConnection(gw);
    // The first push takes the call-event lane's one transaction slot (waiting for the connection); the
    // others queue behind it.
    const first = push(gw, "queued-0", false);
    await new Promise((resolve) => setTimeout(resolve, 50));
    const queued = await Promise.all([push(gw, "queued-1", false), push(gw, "queued-2", false)]);
    expect(queued.map((answer) => answer.status)).toEqual([503, 503]);
    expect((await first).status).toBe(503);
    await release();
    expect((await push(gw, "queued-3", false)).status).toBe(200);
    // The first push's transaction went ahead once the connection was free (a 503 for a push that did
    // commit is harmless: the platform sends it again and it is recognised); the queued ones never ran.
    const stored = await storedSessions(gw);
    expect(stored).not.toContain("queued-1");
    expect(stored).not.toContain("queued-2");
    expect(stored).toContain("queued-3");
  });
});
