// The export at scale on PostgreSQL: 100,000 CDRs exported completely over HTTP, read in pages only as fast as
// the client reads (a client that stops reading stops the queries), and a client that goes away stops them.
import { get, type IncomingMessage } from "node:http";
import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { captureLog } from "./support/captured-log.js";
import { createPostgresDatabase, type TestDatabase } from "./support/databases.js";
import { authorizationFor, startGateway, type TestGateway, until } from "./support/gateway.js";

const ROWS = 100_000;
const PAGE_SIZE = 1000;
const FROM = "2026-06-01T00:00:00Z";
const TO = "2026-06-03T00:00:00Z";

describe("call-record export on PostgreSQL, 100,000 rows", () => {
  let database: TestDatabase;
  let gw: TestGateway;
  const log = captureLog();

  beforeAll(async () => {
    database = await createPostgresDatabase();
    // No polling in the background: every statement counted is the export's.
    gw = await startGateway(
      { database: database.config },
      {
        logger: log.logger,
        exportPageSize: PAGE_SIZE,
        feedPollIntervalMs: 3_600_000,
        degradedFeedPollIntervalMs: 3_600_000,
        reconcileIntervalMs: 3_600_000,
      },
    );
    const { db } = gw.gateway.services;
    const { id } = await db
      .insertInto("received_notifications")
      .values({
        path: "/notify",
        content_type: null,
        app_key: null,
        kind: "fee",
        verdict: "accepted",
        reason: null,
        http_status: 200,
        body: null,
        body_size: 0,
        item_count: ROWS,
        new_item_count: ROWS,
      })
      .returning("id")
      .executeTakeFirstOrThrow();
    // One statement: a CDR a second from FROM on, each with its own icid and call.
    await sql`
      insert into call_records (icid, session_id, virtual_num, bind_num, extend_num, direction, caller_num,
        callee_num, call_in_time, fwd_answer_time, call_end_time, outcome, record_flag, record,
        received_notification_id, content_hash)
      select 'icid-' || lpad(g::text, 6, '0'), 's-' || g, '+8617000000001', '+8613800000021', '0001', 0,
        '+8613900000001', '+8617000000001', ${FROM}::timestamptz + g * interval '1 second',
        ${FROM}::timestamptz + g * interval '1 second' + interval '5 seconds',
        ${FROM}::timestamptz + g * interval '1 second' + interval '35 seconds', 'answered', false,
        jsonb_build_object('icid', 'icid-' || g, 'fwdDstNum', '+8613800000021', 'ulFailReason', 0,
          'fwdUnaswRsn', 0, 'direction', 0),
        ${id}, sha256(convert_to('icid-' || g, 'UTF8'))
      from generate_series(1, ${ROWS}) as g`.execute(db);
  }, 120_000);
  afterAll(async () => {
    await gw?.stop();
    await database?.drop();
  });

  const url = () => `${gw.gateway.url}/exports/call-records.csv?from=${FROM}&to=${TO}`;
  const queries = () => gw.gateway.databaseQueryCount();
  const headers = { authorization: authorizationFor("operator")! };

  /** A GET whose response the test reads (or not) itself. */
  function open(): Promise<IncomingMessage> {
    return new Promise((resolve, reject) => get(url(), { headers }, resolve).on("error", reject));
  }

  /** The number of statements once they stop growing (the same 5 times, 100 ms apart). */
  async function settledQueries(): Promise<number> {
    let last = queries();
    let still = 0;
    for (let round = 0; still < 5; round++) {
      if (round > 600) throw new Error("the statement count kept growing");
      await new Promise((resolve) => setTimeout(resolve, 100));
      const now = queries();
      still = now === last ? still + 1 : 0;
      last = now;
    }
    return last;
  }

  function readAll(response: IncomingMessage): Promise<string> {
    return new Promise((resolve, reject) => {
      const chunks: Buffer[] = [];
      response.on("data", (chunk: Buffer) => chunks.push(chunk));
      response.on("end", () => resolve(Buffer.concat(chunks).toString("utf8")));
      response.on("error", reject);
    });
  }

  function check(text: string) {
    const lines = text.split("\n");
    expect(lines.at(-1)).toBe("");
    expect(lines).toHaveLength(ROWS + 2);
    expect(lines[0]!.startsWith("icid,sessionId,")).toBe(true);
    expect(lines[1]!.startsWith("icid-000001,s-1,,+8617000000001,+8613800000021,")).toBe(true);
    expect(lines[ROWS]!.startsWith("icid-100000,s-100000,")).toBe(true);
    expect(new Set(lines.slice(1, -1).map((line) => line.split(",", 1)[0])).size).toBe(ROWS);
  }

  it("exports every row of the range, in call-start order, over HTTP", async () => {
    const before = queries();
    const response = await fetch(url(), { headers });
    expect(response.status).toBe(200);
    check(await response.text());
    // A page per 1,000 rows (and the upper bound), not one statement per row, not one for everything.
    const used = queries() - before;
    expect(used).toBeGreaterThanOrEqual(ROWS / PAGE_SIZE);
    expect(used).toBeLessThanOrEqual(ROWS / PAGE_SIZE + 3);
    expect(log.lines.filter((l) => l.msg === "call-record export").at(-1)).toMatchObject({
      rows: ROWS,
      result: "completed",
    });
  }, 120_000);

  it("queries no further while the client does not read, then resumes and completes", async () => {
    const before = await settledQueries();
    const response = await open();
    response.pause();
    const whilePaused = (await settledQueries()) - before;
    // What the socket's buffers hold (the kernel's, a few MB on loopback: about 20 pages of ~200 KB here)
    // was read; the rest of the 100 pages wait for the client. The count settles, whatever the range.
    expect(whilePaused).toBeGreaterThan(0);
    expect(whilePaused).toBeLessThan(ROWS / PAGE_SIZE / 2);
    const text = readAll(response);
    response.resume();
    check(await text);
    expect(queries() - before).toBeGreaterThanOrEqual(ROWS / PAGE_SIZE);
  }, 120_000);

  it("stops querying when the client goes away, and logs it", async () => {
    const before = await settledQueries();
    const response = await open();
    response.pause();
    const atDestroy = await settledQueries();
    response.destroy();
    await until(
      () => log.lines.some((l) => l.msg === "call-record export" && l.result === "client went away"),
      "the export's audit line",
    );
    // The statements stop: at most the page the response asked for as the socket went down (its buffer can
    // drain once more before the close is seen), then none.
    expect((await settledQueries()) - atDestroy).toBeLessThanOrEqual(1);
    expect(atDestroy - before).toBeLessThan(ROWS / PAGE_SIZE / 2);
  }, 120_000);

  it("breaks the connection on a database error mid-stream: the file never looks complete", async () => {
    const { db } = gw.gateway.services;
    const response = await open();
    response.pause();
    await settledQueries();
    // The next page's query fails.
    await sql`alter table call_records rename to call_records_away`.execute(db);
    try {
      const text = readAll(response);
      response.resume();
      await expect(text).rejects.toThrow();
    } finally {
      await sql`alter table call_records_away rename to call_records`.execute(db);
    }
    expect(log.lines.filter((l) => l.msg === "call-record export failed").at(-1)).toMatchObject({
      result: "failed",
      actor: "test-operator",
    });
  }, 120_000);

  it("reads a range through the (start, id) index, for export pages and GraphQL lists alike", async () => {
    const { db } = gw.gateway.services;
    await sql`analyze call_records`.execute(db);
    const plan = async (query: ReturnType<typeof sql>) =>
      (await sql<{ "QUERY PLAN": string }>`explain ${query}`.execute(db)).rows
        .map((r) => r["QUERY PLAN"])
        .join("\n");
    // An export page after a position, as readExportPage asks it.
    const page = await plan(sql`
      select id, icid, call_in_time from call_records
       where call_in_time >= ${"2026-06-01T06:00:00Z"}::timestamptz and call_in_time < ${"2026-06-01T07:00:00Z"}::timestamptz
         and id <= ${ROWS} and (call_in_time, id) > (${"2026-06-01T06:30:00Z"}::timestamptz, ${1})
       order by call_in_time, id limit 1000`);
    expect(page).toContain("call_records_call_in_time_idx");
    expect(page).not.toContain("Seq Scan");
    expect(page).not.toContain("Sort");
    // A GraphQL page of callRecords(filter: { callStartFrom, callStartTo }), newest first.
    const list = await plan(sql`
      select id, icid from call_records
       where call_in_time >= ${"2026-06-01T06:00:00Z"}::timestamptz and call_in_time < ${"2026-06-01T07:00:00Z"}::timestamptz
         and id < ${50_000}
       order by id desc limit 21`);
    expect(list).toMatch(/Index (Only )?Scan/);
    expect(list).not.toContain("Seq Scan");
  });
});
