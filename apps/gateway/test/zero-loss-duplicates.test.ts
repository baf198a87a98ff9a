// Zero duplicates: the platform sends the same push again (its retry after a lost answer, several workers at
// once) and CDR pushes overlap. Each copy is acknowledged and kept with its verdict, and what it carries is
// stored and delivered once. (notify.test.ts covers one re-sent event and a 2-CDR overlap, one at a time.)
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ENGINES } from "./support/databases.js";
import { collect, startGateway, subscriptionCounter, type TestGateway } from "./support/gateway.js";
import { callEvent, cdr, signedHeaders } from "./support/notifications.js";
import { eventKeyOfBody, eventKeyOfSeen } from "./support/stored-pushes.js";

const COPIES = 10;
/** Copies in flight at once. */
const CONCURRENT = 5;
const CDRS_PER_PUSH = 50;
const OVERLAP = 25;
const T0 = new Date("2026-06-01T10:00:00Z");

const CALL_EVENTS = "subscription { callEvents { cursor sessionId eventType platformTimestamp } }";

describe.each(ENGINES)("duplicate pushes on $engine", ({ create }) => {
  let gw: TestGateway;
  let dropDatabase: () => Promise<void> = async () => {};

  beforeAll(async () => {
    const database = await create();
    dropDatabase = database.drop;
    gw = await startGateway({ database: database.config });
  }, 60_000);

  afterAll(async () => {
    await gw?.stop();
    await dropDatabase();
  });

  /** POST the exact bytes of `body`, freshly signed (a new nonce) as each attempt of the platform is. */
  async function post(body: string): Promise<number> {
    const response = await fetch(`${gw.gateway.url}/notify`, {
      method: "POST",
      headers: signedHeaders(),
      body,
      signal: AbortSignal.timeout(30_000),
    });
    await response.arrayBuffer();
    return response.status;
  }

  /** The kept rows of the pushes whose body is exactly `body`. */
  async function keptCopiesOf(body: string) {
    const rows = await gw.gateway.services.db
      .selectFrom("received_notifications")
      .select(["verdict", "reason", "http_status", "item_count", "new_item_count", "body"])
      .orderBy("id")
      .execute();
    return rows.filter((row) => row.body !== null && Buffer.from(row.body).toString("utf8") === body);
  }

  it(`the same event ${COPIES} times, ${CONCURRENT} at once: ${COPIES} × 200, one row, one delivery, one accepted and the rest kept as duplicates`, async () => {
    const subscribed = subscriptionCounter(gw.gateway);
    const live = collect<{ cursor: string; sessionId: string; eventType: string; platformTimestamp: string }>(
      gw.wsClient(),
      CALL_EVENTS,
      {},
      "callEvents",
    );
    await subscribed(1);

    const event = callEvent("answer", "dup-answer", T0, { subscriptionId: "dup-sub" });
    const body = JSON.stringify(event);
    const statuses: number[] = [];
    for (let sent = 0; sent < COPIES; sent += CONCURRENT) {
      statuses.push(...(await Promise.all(Array.from({ length: CONCURRENT }, () => post(body)))));
    }
    expect(statuses).toEqual(Array.from({ length: COPIES }, () => 200));

    const rows = await gw.gateway.services.db
      .selectFrom("call_events")
      .select("id")
      .where("session_id", "=", "dup-answer")
      .execute();
    expect(rows).toHaveLength(1);

    const kept = await keptCopiesOf(body);
    expect(kept).toHaveLength(COPIES);
    expect(kept.every((row) => row.http_status === 200)).toBe(true);
    expect(kept.filter((row) => row.verdict === "accepted")).toHaveLength(1);
    const duplicates = kept.filter((row) => row.verdict === "duplicate");
    expect(duplicates).toHaveLength(COPIES - 1);
    for (const row of duplicates) {
      expect(row).toMatchObject({ reason: "event already stored", item_count: 1, new_item_count: 0 });
    }

    // One delivery: a different event pushed after all copies arrives right after it, so no copy is still on
    // its way.
    const next = callEvent("disconnect", "dup-answer", new Date(T0.getTime() + 30_000));
    expect(await post(JSON.stringify(next))).toBe(200);
    await live.waitFor(2);
    expect(live.items.map(eventKeyOfSeen)).toEqual([eventKeyOfBody(event), eventKeyOfBody(next)]);
    expect(live.errors).toEqual([]);
    live.unsubscribe();
  });

  it(`a ${CDRS_PER_PUSH}-CDR push, then ${CDRS_PER_PUSH} CDRs of which ${OVERLAP} are stored already: ${2 * CDRS_PER_PUSH - OVERLAP} rows, and the second verdict says so`, async () => {
    const fee = (from: number) =>
      JSON.stringify({
        eventType: "fee",
        feeLst: Array.from({ length: CDRS_PER_PUSH }, (_, k) =>
          cdr(
            `overlap-icid-${from + k}`,
            `overlap-${from + k}`,
            new Date(T0.getTime() + (from + k) * 60_000),
          ),
        ),
      });
    const first = fee(0);
    const second = fee(CDRS_PER_PUSH - OVERLAP);
    expect(await post(first)).toBe(200);
    expect(await post(second)).toBe(200);

    const icids = await gw.gateway.services.db
      .selectFrom("call_records")
      .select("icid")
      .where("icid", "like", "overlap-icid-%")
      .execute();
    expect(icids).toHaveLength(2 * CDRS_PER_PUSH - OVERLAP);
    expect(new Set(icids.map((row) => row.icid)).size).toBe(icids.length);

    expect(await keptCopiesOf(first)).toEqual([
      expect.objectContaining({
        verdict: "accepted",
        reason: null,
        item_count: CDRS_PER_PUSH,
        new_item_count: CDRS_PER_PUSH,
      }),
    ]);
    expect(await keptCopiesOf(second)).toEqual([
      expect.objectContaining({
        verdict: "accepted",
        reason: `${OVERLAP} of ${CDRS_PER_PUSH} CDRs already stored`,
        item_count: CDRS_PER_PUSH,
        new_item_count: CDRS_PER_PUSH - OVERLAP,
      }),
    ]);
  });
});
