// PGlite is one connection inside the process: it cannot stall like a link, but it can be busy. A push then
// waits a bounded time (notifyTimeoutMs) and is answered 503; pushes still queued are dropped, never stored
// behind their sender's back.
import { afterEach, describe, expect, it } from "vitest";
import { startGateway, type TestGateway } from "./support/gateway.js";
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
  it("are answered 503 with Retry-After after the bounded wait for their nonce check, and 200 once it is free", async () => {
    gw = await startGateway({}, { notifyTimeoutMs: NOTIFY_TIMEOUT_MS });
    const release = await holdTheConnection(gw);
    const answers = await Promise.all([push(gw, "busy-1", true), push(gw, "busy-2", true)]);
    expect(answers).toEqual([
      { status: 503, retryAfter: "60" },
      { status: 503, retryAfter: "60" },
    ]);
    await release();
    expect((await push(gw, "busy-3", true)).status).toBe(200);
    // No push is stored unless accepted: a verified nonce alone stores nothing.
    expect(await storedSessions(gw)).toEqual(["busy-3"]);
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
