// The webhook on PostgreSQL through a TCP proxy that stalls, slows down and resets the link, with the
// gateway's default timeouts: ingest never wedges, answers 503 with Retry-After while the database cannot
// commit, recovers once it can, and answers 200 only for pushes it committed.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createProxiedPostgresDatabase, type ProxiedPostgres } from "./support/databases.js";
import { startGateway, type TestGateway } from "./support/gateway.js";
import { callEvent, cdr, signedHeaders } from "./support/notifications.js";
import type { TcpProxy } from "./support/tcp-proxy.js";

/** How long the link stays silent: the figure of issue 15's probe. */
const STALL_MS = 20_000;
/** Liveness guard on each answer (not a speed requirement): a wedged webhook never answers. */
const ANSWER_BOUND_MS = 15_000;
/** The gateway must answer 200 again within this after the link returns. */
const RECOVERY_BOUND_MS = 10_000;

interface Answer {
  id: string;
  kind: "event" | "fee";
  sentAt: number;
  answeredAt: number;
  status: number;
  retryAfter: string | null;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const CDRS_PER_FEE_PUSH = 5;

let postgres: ProxiedPostgres;
let proxy: TcpProxy;
let gw: TestGateway;

beforeAll(async () => {
  postgres = await createProxiedPostgresDatabase();
  proxy = postgres.proxy;
  // The default timeouts (no `database` or `notifyTimeoutMs` option).
  gw = await startGateway({ database: postgres.config });
});

afterAll(async () => {
  proxy?.resume();
  await gw?.stop();
  await postgres?.close();
});

/** Send one push (a call event, or a fee push of CDRS_PER_FEE_PUSH CDRs) and note how it was answered. */
async function send(id: string, kind: Answer["kind"]): Promise<Answer> {
  const at = new Date();
  const body =
    kind === "event"
      ? callEvent("callin", id, at)
      : {
          eventType: "fee",
          feeLst: Array.from({ length: CDRS_PER_FEE_PUSH }, (_, k) => cdr(`${id}-icid-${k}`, id, at)),
        };
  const sentAt = Date.now();
  const response = await fetch(`${gw.gateway.url}/notify`, {
    method: "POST",
    headers: signedHeaders(),
    body: JSON.stringify(body),
    signal: AbortSignal.timeout(60_000),
  });
  await response.arrayBuffer();
  return {
    id,
    kind,
    sentAt,
    answeredAt: Date.now(),
    status: response.status,
    retryAfter: response.headers.get("retry-after"),
  };
}

/** Session ids stored with call events, and CDR counts per session id, for ids starting with `prefix`. */
async function stored(prefix: string) {
  const { db } = gw.gateway.services;
  const events = await db
    .selectFrom("call_events")
    .select("session_id")
    .where("session_id", "like", `${prefix}%`)
    .execute();
  const records = await db
    .selectFrom("call_records")
    .select(["session_id", (eb) => eb.fn.countAll<number>().as("count")])
    .where("session_id", "like", `${prefix}%`)
    .groupBy("session_id")
    .execute();
  return {
    events: new Set(events.map((row) => row.session_id)),
    records: new Map(records.map((row) => [row.session_id!, Number(row.count)])),
  };
}

/** Every push answered 200 is stored whole; no push is stored in part. */
async function expectAcceptedStored(prefix: string, answers: readonly Answer[]): Promise<void> {
  const { events, records } = await stored(prefix);
  const accepted = answers.filter((answer) => answer.status === 200);
  for (const answer of accepted) {
    if (answer.kind === "event") expect(events.has(answer.id), answer.id).toBe(true);
    else expect(records.get(answer.id), answer.id).toBe(CDRS_PER_FEE_PUSH);
  }
  for (const count of records.values()) expect(count).toBe(CDRS_PER_FEE_PUSH);
}

describe("the webhook on a PostgreSQL link that fails", () => {
  it(`answers 503 with Retry-After during a ${STALL_MS / 1000} s silent stall mid-stream, 200 again within ${RECOVERY_BOUND_MS / 1000} s after, and stores every push it accepted`, async () => {
    const answers: Answer[] = [];
    let running = true;
    let n = 0;
    // Pushes flow continuously (call events and CDRs, four senders) before, during and after the stall.
    const sender = async (kind: Answer["kind"]) => {
      while (running) {
        answers.push(await send(`stall-${kind}-${n++}`, kind));
        await sleep(100);
      }
    };
    const senders = [sender("event"), sender("event"), sender("fee"), sender("fee")];
    await sleep(1500);
    expect(answers.filter((answer) => answer.status === 200).length).toBeGreaterThan(0);

    proxy.stall();
    const stalledAt = Date.now();
    await sleep(STALL_MS);
    proxy.resume();
    const resumedAt = Date.now();

    // After the link returns, pushes are stored again within the bound.
    let recoveredAt: number | undefined;
    while (recoveredAt === undefined && Date.now() - resumedAt < RECOVERY_BOUND_MS + 5000) {
      const answer = await send(`stall-event-probe-${n++}`, "event");
      answers.push(answer);
      if (answer.status === 200) recoveredAt = answer.answeredAt;
      else await sleep(250);
    }
    await sleep(1500);
    running = false;
    await Promise.all(senders);

    expect(recoveredAt, "a push answered 200 after the link returned").toBeDefined();
    expect(recoveredAt! - resumedAt).toBeLessThan(RECOVERY_BOUND_MS);
    for (const answer of answers) {
      expect([200, 503]).toContain(answer.status);
      expect(answer.answeredAt - answer.sentAt).toBeLessThan(ANSWER_BOUND_MS);
    }
    // Sent and answered while the link was silent: refused with Retry-After, none accepted.
    const duringStall = answers.filter((a) => a.sentAt > stalledAt && a.answeredAt < resumedAt);
    expect(duringStall.length).toBeGreaterThanOrEqual(4);
    for (const answer of duringStall) {
      expect(answer.status, answer.id).toBe(503);
      expect(answer.retryAfter).toMatch(/^\d+$/);
    }
    expect(duringStall.filter((answer) => answer.kind === "fee").length).toBeGreaterThan(0);
    // Accepted after the link returned, in both lanes.
    const after = answers.filter((a) => a.sentAt > resumedAt && a.status === 200);
    expect(after.some((answer) => answer.kind === "event")).toBe(true);
    expect(after.some((answer) => answer.kind === "fee")).toBe(true);
    await expectAcceptedStored("stall-", answers);
  }, 90_000);

  it("stores every push over a slow but working link", async () => {
    proxy.delay(40);
    try {
      const answers = await Promise.all(
        Array.from({ length: 16 }, (_, i) => send(`slow-${i}`, i % 2 === 0 ? "event" : "fee")),
      );
      expect(answers.map((answer) => answer.status)).toEqual(answers.map(() => 200));
      await expectAcceptedStored("slow-", answers);
      const { events, records } = await stored("slow-");
      expect(events.size + records.size).toBe(16);
    } finally {
      proxy.resume();
    }
  }, 60_000);

  it("answers 503 for the pushes whose connections are reset mid-transaction, 200 after, and keeps no partial push", async () => {
    // A slow link keeps transactions open long enough for the reset to land inside them.
    proxy.delay(100);
    const inFlight = Array.from({ length: 12 }, (_, i) => send(`reset-${i}`, i % 3 === 0 ? "event" : "fee"));
    await sleep(700);
    proxy.reset();
    proxy.resume();
    const answers = await Promise.all(inFlight);
    for (const answer of answers) expect([200, 503]).toContain(answer.status);
    const refused = answers.filter((answer) => answer.status === 503);
    expect(refused.length).toBeGreaterThan(0);
    for (const answer of refused) expect(answer.retryAfter).toMatch(/^\d+$/);
    await expectAcceptedStored("reset-", answers);

    // The platform sends the refused pushes again: now stored, each exactly once.
    const retried = await Promise.all(refused.map((answer) => send(answer.id, answer.kind)));
    expect(retried.map((answer) => answer.status)).toEqual(retried.map(() => 200));
    await expectAcceptedStored("reset-", [...answers, ...retried]);
    const { events, records } = await stored("reset-");
    expect(events.size + records.size).toBe(12);
  }, 60_000);
});
