// GET /exports/call-records.csv and .jsonl: content, credentials, parameters and range boundaries (PGlite,
// in-process). The streaming at scale (100,000 rows on PostgreSQL) is call-record-export-postgres.test.ts.
import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { captureLog } from "./support/captured-log.js";
import { type As, authorizationFor, startGateway, type TestGateway } from "./support/gateway.js";
import { cdr, signedHeaders } from "./support/notifications.js";
import { parsePrometheusText, sampleValue } from "./support/prometheus-text.js";

const T0 = new Date("2026-06-01T10:00:00Z");
const at = (minutes: number) => new Date(T0.getTime() + minutes * 60_000);
const FROM = "2026-06-01T10:00:00Z";
const TO = "2026-06-01T11:00:00Z";

const HEADER =
  "icid,sessionId,subscriptionId,virtualNum,bindNum,extendNum,direction,callerNum,calleeNum,fwdDstNum," +
  "callInTime,fwdAnswerTime,callEndTime,talkSeconds,outcome,recordingState,ulFailReason,fwdUnaswRsn,recordFlag,receivedAt," +
  "conflict";

describe("call-record export", () => {
  let gw: TestGateway;
  const log = captureLog();

  beforeAll(async () => {
    // A page per row, so that a small range is read in several queries.
    gw = await startGateway({}, { logger: log.logger, exportPageSize: 1 });
    const push = await gw.gateway.yoga.fetch("http://gateway.test/notify", {
      method: "POST",
      headers: signedHeaders(),
      body: JSON.stringify({
        eventType: "fee",
        feeLst: [
          // Exactly at `from`: in the range. A sessionId with a comma and a quote, to be quoted in CSV.
          cdr("icid-x-1", 's-x,1 "quoted"', at(0), { ulFailReason: 0, fwdUnaswRsn: 0 }),
          // Unanswered: rang, no answer.
          cdr("icid-x-2", "s-x-2", at(30), {
            fwdAnswerTime: undefined,
            fwdAlertingTime: "2026-06-01 10:30:07",
            callEndTime: "2026-06-01 10:31:02",
            ulFailReason: 8101,
            fwdUnaswRsn: 19,
          }),
          // Failed: no binding matched (direction 2), another X.
          cdr("icid-x-3", "s-x-3", at(59), {
            direction: 2,
            bindNum: "+8617000000002",
            calleeNum: "+8617000000002",
            fwdDstNum: undefined,
            fwdAnswerTime: undefined,
            ulFailReason: 8022,
          }),
          // Exactly at `to`: outside the range.
          cdr("icid-x-4", "s-x-4", at(60)),
          // Before `from`: outside.
          cdr("icid-x-0", "s-x-0", at(-1)),
        ],
      }),
    });
    expect(push.status).toBe(200);
  });
  afterAll(async () => {
    await gw?.stop();
  });

  async function exportFile(query: string, as: As = "operator", init: RequestInit = {}) {
    const authorization = authorizationFor(as);
    return gw.gateway.yoga.fetch(`http://gateway.test/exports/call-records.${query}`, {
      ...init,
      headers: { ...(authorization ? { authorization } : {}) },
    });
  }

  it("writes CSV with a header row, whole numbers, ISO-8601 UTC times and quoted values", async () => {
    const response = await exportFile(`csv?from=${FROM}&to=${TO}`);
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toBe("text/csv; charset=utf-8");
    expect(response.headers.get("cache-control")).toBe("no-store");
    expect(response.headers.get("content-disposition")).toBe(
      'attachment; filename="call-records-2026-06-01T100000Z-2026-06-01T110000Z.csv"',
    );
    const lines = (await response.text()).split("\n");
    expect(lines.at(-1)).toBe("");
    expect(lines[0]).toBe(HEADER);
    expect(lines).toHaveLength(5);
    const [first, second, third] = lines.slice(1);
    expect(first).toMatch(
      /^icid-x-1,"s-x,1 ""quoted""",,\+8617000000001,\+8613800000021,0001,0,\+8613900000001,\+8617000000001,\+8613800000021,2026-06-01T10:00:00\.000Z,2026-06-01T10:00:05\.000Z,2026-06-01T10:00:35\.000Z,30,ANSWERED,NONE,0,0,false,\d{4}-[^,]+Z,false$/,
    );
    expect(second).toContain("icid-x-2,s-x-2,");
    expect(second).toContain(
      ",2026-06-01T10:30:00.000Z,,2026-06-01T10:31:02.000Z,,UNANSWERED,NONE,8101,19,false,",
    );
    expect(third).toContain("icid-x-3,s-x-3,,+8617000000002,");
    expect(third).toContain(",FAILED,NONE,8022,,false,");
  });

  it("writes JSONL, one object per line, keyed by the same columns", async () => {
    const response = await exportFile(`jsonl?from=${FROM}&to=${TO}`, "admin");
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toBe("application/x-ndjson");
    expect(response.headers.get("content-disposition")).toContain("call-records-2026-06-01T100000Z");
    const text = await response.text();
    expect(text.endsWith("\n")).toBe(true);
    const rows = text
      .trimEnd()
      .split("\n")
      .map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(rows.map((r) => r.icid)).toEqual(["icid-x-1", "icid-x-2", "icid-x-3"]);
    expect(Object.keys(rows[0]!).join(",")).toBe(HEADER);
    expect(rows[0]).toMatchObject({
      sessionId: 's-x,1 "quoted"',
      virtualNum: "+8617000000001",
      callerNum: "+8613900000001",
      fwdDstNum: "+8613800000021",
      direction: 0,
      talkSeconds: 30,
      outcome: "ANSWERED",
      recordingState: "NONE",
      recordFlag: false,
      conflict: false,
      callInTime: "2026-06-01T10:00:00.000Z",
    });
    expect(rows[1]).toMatchObject({ outcome: "UNANSWERED", fwdAnswerTime: null, talkSeconds: null });
  });

  it("filters by X and by outcome", async () => {
    const byX = await exportFile(`jsonl?from=${FROM}&to=${TO}&virtualNum=%2B8617000000002`);
    expect(
      (await byX.text())
        .trimEnd()
        .split("\n")
        .map((l) => JSON.parse(l).icid),
    ).toEqual(["icid-x-3"]);
    const unanswered = await exportFile(`jsonl?from=${FROM}&to=${TO}&outcome=UNANSWERED`);
    expect(
      (await unanswered.text())
        .trimEnd()
        .split("\n")
        .map((l) => JSON.parse(l).icid),
    ).toEqual(["icid-x-2"]);
  });

  it("writes the header alone for an empty range", async () => {
    const response = await exportFile("csv?from=2020-01-01T00:00:00Z&to=2020-01-02T00:00:00Z");
    expect(response.status).toBe(200);
    expect(await response.text()).toBe(`${HEADER}\n`);
    const jsonl = await exportFile("jsonl?from=2020-01-01T00:00:00Z&to=2020-01-02T00:00:00Z");
    expect(await jsonl.text()).toBe("");
  });

  it("includes a call starting at `from`, excludes one starting at `to` (the range is [from, to))", async () => {
    const response = await exportFile("jsonl?from=2026-06-01T09:59:00Z&to=2026-06-01T10:00:00Z");
    expect(
      (await response.text())
        .trimEnd()
        .split("\n")
        .map((l) => JSON.parse(l).icid),
    ).toEqual(["icid-x-0"]);
    const edge = await exportFile("jsonl?from=2026-06-01T11:00:00%2B00:00&to=2026-06-01T11:00:01Z");
    expect(
      (await edge.text())
        .trimEnd()
        .split("\n")
        .map((l) => JSON.parse(l).icid),
    ).toEqual(["icid-x-4"]);
  });

  it("asks for credentials (401 with WWW-Authenticate) and refuses viewers (403)", async () => {
    for (const as of [null, { authorization: "Bearer not-a-key" }, { authorization: "Basic abc" }] as As[]) {
      const response = await exportFile(`csv?from=${FROM}&to=${TO}`, as);
      expect(response.status).toBe(401);
      expect(response.headers.get("www-authenticate")).toBe('Bearer realm="privnum"');
      expect(typeof ((await response.json()) as { error: unknown }).error).toBe("string");
    }
    const viewer = await exportFile(`jsonl?from=${FROM}&to=${TO}`, "viewer");
    expect(viewer.status).toBe(403);
    expect(((await viewer.json()) as { error: string }).error).toContain("viewer");
  });

  it("answers 400 naming the parameter that is missing or wrong", async () => {
    const cases: [string, string][] = [
      [`csv?to=${TO}`, "from"],
      [`csv?from=${FROM}`, "to"],
      [`csv?from=yesterday&to=${TO}`, "from"],
      [`csv?from=${FROM}&to=2026-06-01`, "to"],
      [`csv?from=${FROM}&to=2026-06-01T11:00:00`, "to"],
      [`csv?from=${TO}&to=${FROM}`, "to must be after from"],
      [`csv?from=${FROM}&to=${FROM}`, "to must be after from"],
      [`csv?from=${FROM}&from=${FROM}&to=${TO}`, "from"],
      [`jsonl?from=${FROM}&to=${TO}&outcome=MAYBE`, "outcome"],
      [`jsonl?from=${FROM}&to=${TO}&virtualNum=x`, "virtualNum"],
      [`jsonl?from=${FROM}&to=${TO}&virtualnum=%2B8617000000001`, "virtualnum"],
    ];
    for (const [query, named] of cases) {
      const response = await exportFile(query);
      expect(response.status, query).toBe(400);
      expect(response.headers.get("content-type")).toBe("application/json");
      expect(((await response.json()) as { error: string }).error, query).toContain(named);
    }
  });

  it("answers 405 to other methods", async () => {
    for (const method of ["POST", "PUT", "DELETE"]) {
      const response = await exportFile(`csv?from=${FROM}&to=${TO}`, "operator", { method });
      expect(response.status).toBe(405);
      expect(response.headers.get("allow")).toBe("GET, HEAD");
    }
  });

  it("logs one audit line per export: actor, range, rows, result, and no phone number", async () => {
    const before = log.lines.length;
    await (await exportFile(`csv?from=${FROM}&to=${TO}&virtualNum=%2B8617000000001`)).text();
    const audit = log.lines.slice(before).filter((l) => l.msg === "call-record export");
    expect(audit).toEqual([
      expect.objectContaining({
        component: "exports",
        actor: "test-operator",
        from: "2026-06-01T10:00:00.000Z",
        to: "2026-06-01T11:00:00.000Z",
        byVirtualNum: true,
        rows: 2,
        result: "completed",
      }),
    ]);
    expect(JSON.stringify(audit)).not.toMatch(/8617000000001|8613900000001/);
  });

  it("errors the body on a database error mid-stream (never a file that looks complete)", async () => {
    const response = await exportFile(`csv?from=${FROM}&to=${TO}`);
    const reader = response.body!.getReader();
    const first = await reader.read();
    expect(new TextDecoder().decode(first.value)).toContain("icid,sessionId");
    const { db } = gw.gateway.services;
    await sql`alter table call_records rename to call_records_away`.execute(db);
    try {
      await expect(
        (async () => {
          for (;;) if ((await reader.read()).done) return;
        })(),
      ).rejects.toThrow(/call_records/);
    } finally {
      await sql`alter table call_records_away rename to call_records`.execute(db);
    }
    expect(log.lines.filter((l) => l.msg === "call-record export failed").at(-1)).toMatchObject({
      result: "failed",
    });
  });

  it("counts export requests under the route label `exports` over HTTP", async () => {
    const response = await fetch(`${gw.gateway.url}/exports/call-records.jsonl?from=${FROM}&to=${TO}`, {
      headers: { authorization: authorizationFor("operator")! },
    });
    expect(response.status).toBe(200);
    await response.text();
    const metrics = parsePrometheusText(await (await fetch(`${gw.gateway.url}/metrics`)).text());
    expect(
      sampleValue(metrics, "privnum_http_request_duration_seconds_count", {
        method: "GET",
        route: "exports",
        status_class: "2xx",
      }),
    ).toBeGreaterThanOrEqual(1);
  });
});
