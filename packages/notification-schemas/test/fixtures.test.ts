import { describe, expect, it } from "vitest";
import {
  CALL_EVENT_TYPES,
  describeNumStatus,
  describeNumStatusCause,
  describeStateCode,
  NUM_STATUS_CAUSES,
  NUM_STATUSES,
  parseCallEvent,
  parseFeeNotification,
  parseNotification,
  parseNumStatusNotification,
} from "../src/index.js";
import {
  allFixtures,
  expectIssues,
  expectOk,
  fixtureBody,
  fixtureText,
  parseFixture,
  sessionFiles,
} from "./helpers.js";

const HUAWEI = ["huawei/disconnect-sample.json", "huawei/fee-sample.json"];

describe("the fixture corpus", () => {
  it.each(allFixtures().filter((name) => !HUAWEI.includes(name)))("%s parses in strict mode", (name) => {
    const notification = parseFixture(name);
    expect(notification.kind).not.toBe("unknown");
  });

  it("holds every call event type in the callee scenario and every one but collectInfo in the callback scenario", () => {
    const types = (folder: string) =>
      sessionFiles(folder).map((file) => {
        const parsed = parseFixture(file);
        return parsed.kind === "callEvent" ? parsed.eventType : parsed.kind;
      });
    expect(types("callee")).toEqual([...CALL_EVENT_TYPES, "fee"]);
    expect(types("callback")).toEqual(["callin", "callout", "alerting", "answer", "disconnect", "fee"]);
  });

  it.each([
    ["failure-8022-no-binding", 8022],
    ["failure-8033-empty-extension", 8033],
    ["failure-7516-hung-up-before-digits", 7516],
    ["failure-8019-no-callback-record", 8019],
    ["failure-8025-unknown-x", 8025],
  ])("%s ends with a disconnect carrying stateCode %i, a documented code", (folder, code) => {
    const last = sessionFiles(folder).filter((file) => file.includes("disconnect"))[0] as string;
    const event = expectOk(parseCallEvent(fixtureText(last)));
    if (event.eventType !== "disconnect") expect.fail("not a disconnect");
    expect(event.statusInfo.stateCode).toBe(code);
    expect(describeStateCode(event.statusInfo.stateCode).known).toBe(true);
  });
});

describe("call events", () => {
  it("keep the wire shape and add the ISO instant beside the original time", () => {
    const event = expectOk(parseCallEvent(fixtureText("callee/01-callin.json")));
    expect(event.kind).toBe("callEvent");
    expect(event.eventType).toBe("callin");
    expect(event.statusInfo).toMatchObject({
      timestamp: "2026-01-27 08:00:00",
      timestampIso: "2026-01-27T08:00:00Z",
      caller: "+8613900139000",
      called: "+8617000000001",
      userData: "order-1001",
    });
    expect(event.statusInfo).not.toHaveProperty("subscriptionId");
  });

  it("give collectInfo's keyed digits, including an empty entry", () => {
    const keyed = expectOk(parseCallEvent(fixtureText("callee/02-collectInfo.json")));
    const empty = expectOk(parseCallEvent(fixtureText("failure-8033-empty-extension/02-collectInfo.json")));
    if (keyed.eventType !== "collectInfo" || empty.eventType !== "collectInfo")
      expect.fail("not collectInfo");
    expect(keyed.statusInfo.digitInfo).toBe("0001");
    expect(empty.statusInfo.digitInfo).toBe("");
  });

  it("turn a stateCode sent as a digit string into a number, keeping the string in raw", () => {
    const body = fixtureBody("failure-8022-no-binding/03-disconnect.json");
    (body.statusInfo as Record<string, unknown>).stateCode = "8022";
    const event = expectOk(parseCallEvent(body));
    if (event.eventType !== "disconnect") expect.fail("not a disconnect");
    expect(event.statusInfo.stateCode).toBe(8022);
    expect((event.raw.statusInfo as Record<string, unknown>).stateCode).toBe("8022");
  });

  it("keep fields the package does not know, in the envelope and in statusInfo", () => {
    const body = fixtureBody("callee/05-answer.json");
    body.traceId = "t-1";
    (body.statusInfo as Record<string, unknown>).extendNum = "0001";
    (body.statusInfo as Record<string, unknown>).vendorInfo = { region: "cn-north-1", hops: [1, 2] };
    const event = expectOk(parseCallEvent(body));
    expect(event).toMatchObject({ traceId: "t-1" });
    expect(event.statusInfo).toMatchObject({
      extendNum: "0001",
      vendorInfo: { region: "cn-north-1", hops: [1, 2] },
    });
  });

  it("keep the original object as raw: the very object given, or what the text parses to", () => {
    const body = fixtureBody("callee/06-disconnect.json");
    expect(expectOk(parseNotification(body)).raw).toBe(body);
    const text = fixtureText("callee/06-disconnect.json");
    expect(expectOk(parseNotification(text)).raw).toEqual(JSON.parse(text));
    expect(expectOk(parseNotification(new TextEncoder().encode(text))).raw).toEqual(JSON.parse(text));
    expect(expectOk(parseNotification(Buffer.from(text))).raw).toEqual(JSON.parse(text));
  });

  it("do not change the object given", () => {
    const body = fixtureBody("callee/06-disconnect.json");
    const copy = structuredClone(body);
    parseNotification(body);
    expect(body).toEqual(copy);
  });

  it("accept a UTF-8 byte order mark before the JSON", () => {
    const bytes = Buffer.concat([
      Buffer.from([0xef, 0xbb, 0xbf]),
      Buffer.from(fixtureText("callee/01-callin.json")),
    ]);
    expect(expectOk(parseNotification(bytes)).kind).toBe("callEvent");
  });
});

describe("fee notifications", () => {
  it("normalise a one-record push: ISO instants, extendNumber exposed as extendNum, recording fields kept", () => {
    const fee = expectOk(parseFeeNotification(fixtureText("callee/07-fee.json")));
    expect(fee.kind).toBe("fee");
    expect(fee.feeLst).toHaveLength(1);
    const record = fee.feeLst[0];
    expect(record).toMatchObject({
      direction: 0,
      callInTime: "2026-01-27 08:00:00",
      callInTimeIso: "2026-01-27T08:00:00Z",
      fwdStartTimeIso: "2026-01-27T08:00:05Z",
      fwdAlertingTimeIso: "2026-01-27T08:00:06Z",
      fwdAnswerTimeIso: "2026-01-27T08:00:10Z",
      callEndTimeIso: "2026-01-27T08:01:15Z",
      recordStartTimeIso: "2026-01-27T08:00:10Z",
      extendNum: "0001",
      recordFlag: 1,
      recordDomain: "record.privnum.test",
      recordBucketName: "privnum-recordings",
      recordObjectName: "1201_0001_20260127080010.wav",
      serviceType: "005",
    });
    expect(record).not.toHaveProperty("extendNumber");
    expect(record?.raw).toMatchObject({ extendNumber: "0001" });
    expect(record?.raw).toBe((fee.raw.feeLst as unknown[])[0]);
  });

  it("normalise all 50 records of a full push", () => {
    const fee = expectOk(parseFeeNotification(fixtureText("fee/fifty-records.json")));
    expect(fee.feeLst).toHaveLength(50);
    for (const record of fee.feeLst) {
      expect(record.extendNum).toBe("0001");
      expect(record.callInTimeIso).toBe(`${record.callInTime?.replace(" ", "T")}Z`);
      expect(record.recordFileDownloadUrl).toMatch(/^https:\/\/record\.privnum\.test\//);
    }
    expect(new Set(fee.feeLst.map((record) => record.icid)).size).toBe(50);
  });

  it("accept the extendNum spelling as well", () => {
    const fee = expectOk(parseFeeNotification(fixtureText("fee/extend-num-spelling.json")));
    expect(fee.feeLst[0]?.extendNum).toBe("0001");
  });

  it("report an extension spelled both ways with different values", () => {
    const body = fixtureBody("callee/07-fee.json");
    (body.feeLst as Record<string, unknown>[])[0] = {
      ...(body.feeLst as Record<string, unknown>[])[0],
      extendNumber: "0001",
      extendNum: "0002",
    };
    expect(expectIssues(parseFeeNotification(body))).toEqual([
      expect.objectContaining({ code: "invalid-value", path: "$.feeLst[0].extendNumber" }),
    ]);
  });

  it("accept the same extension spelled both ways", () => {
    const body = fixtureBody("callee/07-fee.json");
    (body.feeLst as Record<string, unknown>[])[0] = {
      ...(body.feeLst as Record<string, unknown>[])[0],
      extendNum: "0001",
    };
    const record = expectOk(parseFeeNotification(body)).feeLst[0];
    expect(record?.extendNum).toBe("0001");
    expect(record).not.toHaveProperty("extendNumber");
  });

  it("treat an empty optional time as not set, and codes sent as digit strings as numbers", () => {
    const body = fixtureBody("fee/unanswered-busy.json");
    const record = (body.feeLst as Record<string, unknown>[])[0] as Record<string, unknown>;
    record.fwdAnswerTime = "";
    record.direction = "0";
    record.fwdUnaswRsn = "17";
    const parsed = expectOk(parseFeeNotification(body)).feeLst[0];
    expect(parsed).toMatchObject({ fwdAnswerTime: "", direction: 0, fwdUnaswRsn: 17, ulFailReason: 8102 });
    expect(parsed).not.toHaveProperty("fwdAnswerTimeIso");
  });

  it("keep fields the package does not know on the record", () => {
    const body = fixtureBody("callee/07-fee.json");
    Object.assign((body.feeLst as Record<string, unknown>[])[0] as object, {
      newField: "x",
      nested: { a: [1] },
    });
    expect(expectOk(parseFeeNotification(body)).feeLst[0]).toMatchObject({
      newField: "x",
      nested: { a: [1] },
    });
  });
});

describe("numStatus notifications", () => {
  it("carry every documented status as a number, with the string sent kept in raw", () => {
    const notification = expectOk(parseNumStatusNotification(fixtureText("num-status/every-status.json")));
    expect(notification.numInfo.map((entry) => entry.status)).toEqual([5, 9, 10, 11]);
    expect(notification.numInfo.map((entry) => Number(entry.raw.status))).toEqual([5, 9, 10, 11]);
    expect(notification.numInfo[0]?.raw.status).toBe("5");
    expect(notification.numInfo.map((entry) => entry.status).sort()).toEqual(
      Object.keys(NUM_STATUSES).map(Number).sort(),
    );
    for (const entry of notification.numInfo) expect(describeNumStatus(entry.status).known).toBe(true);
  });

  it("carry every documented cause", () => {
    const notification = expectOk(parseNumStatusNotification(fixtureText("num-status/every-cause.json")));
    const causes = notification.numInfo.map((entry) => entry.cause);
    expect(causes).toEqual(Object.keys(NUM_STATUS_CAUSES).map(Number));
    for (const cause of causes) expect(describeNumStatusCause(cause as number).known).toBe(true);
  });
});

describe("Huawei's published samples (docs/axe-platform.md §8.1, §8.2)", () => {
  it("are refused in strict mode, since their numbers are masked, with an issue naming each number", () => {
    const issues = expectIssues(parseNotification(fixtureText("huawei/disconnect-sample.json")));
    expect(issues.map((found) => found.path)).toEqual(["$.statusInfo.caller", "$.statusInfo.called"]);
    expect(issues[0]?.message).toMatch(/E\.164/);
  });

  it("parse in lenient mode: the disconnect sample", () => {
    const event = expectOk(parseCallEvent(fixtureText("huawei/disconnect-sample.json"), { lenient: true }));
    expect(event).toMatchObject({
      eventType: "disconnect",
      statusInfo: {
        sessionId: "1202_1051_4294967295_20190124070250@callenabler246.huaweicaas.com",
        timestampIso: "2019-01-24T07:03:28Z",
        caller: "+86138****0022",
        stateCode: 0,
        stateDesc: "The user releases the call.",
      },
    });
  });

  it("parse in lenient mode: the fee sample", () => {
    const fee = expectOk(parseFeeNotification(fixtureText("huawei/fee-sample.json"), { lenient: true }));
    expect(fee.feeLst[0]).toMatchObject({
      direction: 1,
      icid: "ba171f34e6953fcd751edc77127748f4.3757285803.338666679.5",
      callEndTimeIso: "2019-01-24T02:30:22Z",
      recordObjectName: "****.wav",
      serviceType: "003",
    });
  });
});

describe("unknown and unexpected event types", () => {
  it("keep a well-formed envelope with an unknown eventType whole, as kind unknown", () => {
    const body = { eventType: "smsEvent", smsInfo: { sessionId: "s", body: "hello" } };
    const notification = expectOk(parseNotification(body));
    expect(notification).toEqual({ kind: "unknown", eventType: "smsEvent", raw: body });
  });

  it("refuse another kind in the kind-specific parsers", () => {
    const fee = fixtureText("callee/07-fee.json");
    const event = fixtureText("callee/01-callin.json");
    const status = fixtureText("num-status/every-status.json");
    expect(expectIssues(parseCallEvent(fee))).toEqual([
      expect.objectContaining({
        code: "unexpected-event-type",
        path: "$.eventType",
        message: expect.stringMatching(/fee/),
      }),
    ]);
    expect(expectIssues(parseFeeNotification(event))[0]).toMatchObject({ code: "unexpected-event-type" });
    expect(expectIssues(parseNumStatusNotification(event))[0]).toMatchObject({
      code: "unexpected-event-type",
    });
    expect(expectIssues(parseCallEvent(status))[0]).toMatchObject({ code: "unexpected-event-type" });
    expect(expectIssues(parseFeeNotification({ eventType: "smsEvent" }))[0]?.message).toMatch(
      /unknown eventType "smsEvent"/,
    );
    // Repeated JSON-quoted, so a line break in it cannot forge a log line.
    const forged = expectIssues(parseFeeNotification({ eventType: "x\nERROR forged" }))[0]?.message;
    expect(forged).toContain('"x\\nERROR forged"');
    expect(forged).not.toContain("\n");
  });
});
