import { describe, expect, it } from "vitest";
import {
  ParseOptionsError,
  parseCallEvent,
  parseFeeNotification,
  parseNotification,
  parseNumStatusNotification,
} from "../src/index.js";
import { expectIssues, expectOk, fixtureBody, fixtureText } from "./helpers.js";

// Every malformed body gives issues with a JSON path and a readable message, and never a throw.

const callin = () => fixtureBody("callee/01-callin.json");
const disconnect = () => fixtureBody("callee/06-disconnect.json");
const feeRecord = () =>
  (fixtureBody("callee/07-fee.json").feeLst as Record<string, unknown>[])[0] as Record<string, unknown>;
const statusInfoOf = (body: Record<string, unknown>) => body.statusInfo as Record<string, unknown>;
const ONE_MB = "x".repeat(1_000_000);

describe("bodies that are not JSON objects", () => {
  it("reports text that is not JSON, without quoting the body", () => {
    const issues = expectIssues(
      parseNotification('{"eventType":"callin","statusInfo":{"caller":"+8613900139000"'),
    );
    expect(issues).toEqual([expect.objectContaining({ code: "invalid-json", path: "$", segments: [] })]);
    expect(issues[0]?.message).toMatch(/^the body is not valid JSON/);
    expect(issues[0]?.message).not.toContain("+8613900139000");
  });

  it("never quotes the body in JSON syntax errors, wherever the error is", () => {
    const long = `{"note":"${"n".repeat(200)}","caller":+8613900139000}`;
    for (const text of ['{"caller":+8613900139000}', long, '{"caller":"+8613900139000",}']) {
      const message = expectIssues(parseNotification(text))[0]?.message ?? "";
      expect(message).toMatch(/^the body is not valid JSON/);
      expect(message).not.toContain("8613900139000");
    }
  });

  it("reports an empty body as not JSON", () => {
    expect(expectIssues(parseNotification(""))[0]).toMatchObject({ code: "invalid-json", path: "$" });
    expect(expectIssues(parseNotification(new Uint8Array()))[0]).toMatchObject({ code: "invalid-json" });
  });

  it("reports a JSON array", () => {
    expect(expectIssues(parseNotification("[]"))).toEqual([
      { code: "not-an-object", path: "$", segments: [], message: "expected a JSON object, got array" },
    ]);
    expect(expectIssues(parseNotification([fixtureBody("callee/01-callin.json")]))[0]?.code).toBe(
      "not-an-object",
    );
  });

  it.each([
    ["a number", 42, "integer"],
    ["null", null, "null"],
    ["undefined", undefined, "undefined"],
    ["a boolean", true, "boolean"],
    ["a JSON string", '"callin"', "string"],
  ])("reports %s", (_name, input, type) => {
    expect(expectIssues(parseNotification(input))).toEqual([
      expect.objectContaining({
        code: "not-an-object",
        path: "$",
        message: `expected a JSON object, got ${type}`,
      }),
    ]);
  });

  it("reports invalid UTF-8 bytes instead of replacing them", () => {
    // "{"  then a lone continuation byte, then an overlong encoding of "/", then "}"
    const bytes = new Uint8Array([0x7b, 0x80, 0xc0, 0xaf, 0x7d]);
    expect(expectIssues(parseNotification(bytes))).toEqual([
      { code: "invalid-utf8", path: "$", segments: [], message: "the body is not valid UTF-8" },
    ]);
    const valid = new TextEncoder().encode(fixtureText("callee/01-callin.json"));
    const truncated = new Uint8Array([...valid.slice(0, -2), 0xe6, 0x9d]);
    expect(expectIssues(parseNotification(truncated))[0]?.code).toBe("invalid-utf8");
  });

  it("reads bytes given as an ArrayBuffer", () => {
    const bytes = new TextEncoder().encode(fixtureText("callee/01-callin.json"));
    expect(expectOk(parseNotification(bytes.buffer)).kind).toBe("callEvent");
  });

  it("refuses a body longer than maxInputLength before parsing it", () => {
    const text = fixtureText("fee/fifty-records.json");
    expect(expectIssues(parseNotification(text, { maxInputLength: 1000 }))).toEqual([
      expect.objectContaining({
        code: "input-too-large",
        path: "$",
        message: `the body is ${text.length} characters; at most 1000 are accepted (maxInputLength)`,
      }),
    ]);
    const bytes = Buffer.from(text);
    expect(expectIssues(parseNotification(bytes, { maxInputLength: 1000 }))[0]?.message).toMatch(
      new RegExp(`^the body is ${bytes.length} bytes`),
    );
  });
});

describe("envelopes", () => {
  it("reports an empty object: eventType is missing", () => {
    expect(expectIssues(parseNotification({}))).toEqual([
      {
        code: "missing-field",
        path: "$.eventType",
        segments: ["eventType"],
        message: "required field is missing (expected a string)",
      },
    ]);
  });

  it("reports a body without eventType even when the rest looks like a call event", () => {
    const body = callin();
    delete body.eventType;
    expect(expectIssues(parseNotification(body))).toEqual([
      expect.objectContaining({ code: "missing-field", path: "$.eventType" }),
    ]);
  });

  it.each([
    ["a number", 1, "invalid-type"],
    ["an empty string", "", "invalid-value"],
    ["a 65-character string", "e".repeat(65), "invalid-value"],
  ])("reports an eventType that is %s", (_name, eventType, code) => {
    expect(expectIssues(parseNotification({ eventType }))[0]).toMatchObject({ code, path: "$.eventType" });
  });

  it("reports a call event without statusInfo", () => {
    for (const eventType of ["callin", "collectInfo", "callout", "alerting", "answer", "disconnect"]) {
      expect(expectIssues(parseNotification({ eventType }))).toEqual([
        {
          code: "missing-field",
          path: "$.statusInfo",
          segments: ["statusInfo"],
          message: `statusInfo is required in a ${eventType} event`,
        },
      ]);
    }
  });

  it("reports a statusInfo that is not an object", () => {
    expect(expectIssues(parseNotification({ eventType: "answer", statusInfo: "x" }))).toEqual([
      expect.objectContaining({ code: "invalid-type", path: "$.statusInfo", message: "expected an object" }),
    ]);
  });
});

describe("call event fields", () => {
  it('reports "stateCode":"abc"', () => {
    const body = disconnect();
    statusInfoOf(body).stateCode = "abc";
    expect(expectIssues(parseCallEvent(body))).toEqual([
      {
        code: "invalid-value",
        path: "$.statusInfo.stateCode",
        segments: ["statusInfo", "stateCode"],
        message: "expected an integer code (a JSON integer or a string of digits)",
      },
    ]);
  });

  it.each([
    ["a fraction", 1.5],
    ["a boolean", true],
    ["null", null],
    ["an unsafe integer", 2 ** 60],
    ["too many digits", "1234567890123456"],
  ])("reports a stateCode that is %s", (_name, stateCode) => {
    const body = disconnect();
    statusInfoOf(body).stateCode = stateCode;
    expect(expectIssues(parseCallEvent(body))[0]).toMatchObject({
      code: "invalid-value",
      path: "$.statusInfo.stateCode",
    });
  });

  it("reports every missing required field of a disconnect, each at its own path", () => {
    const issues = expectIssues(parseCallEvent({ eventType: "disconnect", statusInfo: {} }));
    expect(issues.find((found) => found.path === "$.statusInfo.stateCode")?.message).toBe(
      "required field is missing",
    );
    expect(issues.map((found) => [found.code, found.path])).toEqual([
      ["missing-field", "$.statusInfo.timestamp"],
      ["missing-field", "$.statusInfo.sessionId"],
      ["missing-field", "$.statusInfo.caller"],
      ["missing-field", "$.statusInfo.called"],
      ["missing-field", "$.statusInfo.stateCode"],
    ]);
  });

  it("reports format problems alongside missing fields, in one pass", () => {
    const body = callin();
    delete statusInfoOf(body).sessionId;
    statusInfoOf(body).timestamp = "2026-02-30 08:00:00";
    const issues = expectIssues(parseCallEvent(body));
    expect(issues.map((found) => found.path).sort()).toEqual([
      "$.statusInfo.sessionId",
      "$.statusInfo.timestamp",
    ]);
  });

  it.each([
    ["a 30 February", "2026-02-30 08:00:00"],
    ["29 February in a common year", "2023-02-29 08:00:00"],
    ["29 February 1900", "1900-02-29 08:00:00"],
    ["an ISO instant", "2026-01-27T08:00:00Z"],
    ["a UNIX timestamp", "1769500800"],
    ["hour 24", "2026-01-27 24:00:00"],
    ["a missing second", "2026-01-27 08:00"],
  ])("reports a timestamp that is %s", (_name, timestamp) => {
    const body = callin();
    statusInfoOf(body).timestamp = timestamp;
    expect(expectIssues(parseCallEvent(body))).toEqual([
      expect.objectContaining({
        code: "invalid-value",
        path: "$.statusInfo.timestamp",
        message: expect.stringMatching(/yyyy-MM-dd HH:mm:ss/),
      }),
    ]);
  });

  it("accepts 29 February in leap years", () => {
    for (const year of ["2024", "2000"]) {
      const body = callin();
      statusInfoOf(body).timestamp = `${year}-02-29 23:59:59`;
      expect(expectOk(parseCallEvent(body)).statusInfo.timestampIso).toBe(`${year}-02-29T23:59:59Z`);
    }
  });

  it.each([
    ["without +", "8613900139000"],
    ["with a leading zero country code", "+0613900139000"],
    ["with spaces", "+86 139 0013 9000"],
    ["longer than 15 digits", "+8613900139000123"],
    ["masked (strict mode)", "+86139****9000"],
    ["empty", ""],
  ])("reports a caller number %s, without quoting it", (_name, caller) => {
    const body = callin();
    statusInfoOf(body).caller = caller;
    const issues = expectIssues(parseCallEvent(body));
    expect(issues).toEqual([expect.objectContaining({ code: "invalid-value", path: "$.statusInfo.caller" })]);
    if (caller !== "") expect(issues[0]?.message).not.toContain(caller);
  });

  it.each([
    ["2 digits", "+12"],
    ["5 digits", "+12345"],
    ["15 digits", "+123456789012345"],
  ])("accepts a pushed number of %s in both modes, shorter than the strict rule allows", (_name, number) => {
    const body = callin();
    statusInfoOf(body).caller = number;
    expect(expectOk(parseCallEvent(body)).statusInfo.caller).toBe(number);
    expect(expectOk(parseCallEvent(body, { lenient: true })).statusInfo.caller).toBe(number);
  });

  it("accepts masked numbers in lenient mode only", () => {
    const body = callin();
    statusInfoOf(body).caller = "+86139****9000";
    expect(expectOk(parseCallEvent(body, { lenient: true })).statusInfo).toMatchObject({
      caller: "+86139****9000",
    });
    expect(expectIssues(parseCallEvent(body))[0]?.path).toBe("$.statusInfo.caller");
  });

  it("reports keyed digits that are not digits", () => {
    const body = fixtureBody("callee/02-collectInfo.json");
    statusInfoOf(body).digitInfo = "12a";
    expect(expectIssues(parseCallEvent(body))[0]).toMatchObject({
      code: "invalid-value",
      path: "$.statusInfo.digitInfo",
    });
  });

  it("reports a field of the wrong type once, as a type problem", () => {
    const body = callin();
    statusInfoOf(body).timestamp = 1769500800;
    expect(expectIssues(parseCallEvent(body))).toEqual([
      expect.objectContaining({
        code: "invalid-type",
        path: "$.statusInfo.timestamp",
        message: "expected a string, got integer",
      }),
    ]);
  });
});

describe("fee pushes", () => {
  it("reports an empty feeLst", () => {
    expect(expectIssues(parseFeeNotification({ eventType: "fee", feeLst: [] }))).toEqual([
      {
        code: "invalid-length",
        path: "$.feeLst",
        segments: ["feeLst"],
        message: "feeLst is empty; a fee notification carries 1 to 50 records",
      },
    ]);
  });

  it("reports a feeLst of 51 records", () => {
    const records = Array.from({ length: 51 }, (_, i) => ({ ...feeRecord(), icid: `icid-${i}` }));
    expect(expectIssues(parseFeeNotification({ eventType: "fee", feeLst: records }))).toEqual([
      expect.objectContaining({
        code: "invalid-length",
        path: "$.feeLst",
        message: "feeLst holds more than 50 records; the platform sends at most 50 per push",
      }),
    ]);
  });

  it("reports a missing or mistyped feeLst", () => {
    expect(expectIssues(parseFeeNotification({ eventType: "fee" }))).toEqual([
      expect.objectContaining({
        code: "missing-field",
        path: "$.feeLst",
        message: "feeLst is required in a fee notification",
      }),
    ]);
    expect(expectIssues(parseFeeNotification({ eventType: "fee", feeLst: {} }))[0]).toMatchObject({
      code: "invalid-type",
      path: "$.feeLst",
    });
  });

  it("reports problems in a record at the record's index", () => {
    const records = [feeRecord(), { ...feeRecord(), callerNum: "13900139000", direction: "x" }, feeRecord()];
    delete (records[2] as Record<string, unknown>).icid;
    const issues = expectIssues(parseFeeNotification({ eventType: "fee", feeLst: records }));
    expect(issues.map((found) => [found.code, found.path]).sort()).toEqual([
      ["invalid-value", "$.feeLst[1].callerNum"],
      ["invalid-value", "$.feeLst[1].direction"],
      ["missing-field", "$.feeLst[2].icid"],
    ]);
  });
});

describe("numStatus pushes", () => {
  it("reports numInfo with 101 entries", () => {
    const numInfo = Array.from({ length: 101 }, (_, i) => ({
      number: `+86170000${String(i).padStart(5, "0")}`,
      status: "5",
    }));
    expect(expectIssues(parseNumStatusNotification({ eventType: "numStatus", numInfo }))).toEqual([
      expect.objectContaining({
        code: "invalid-length",
        path: "$.numInfo",
        message: "numInfo holds more than 100 entries; the platform sends at most 100",
      }),
    ]);
  });

  it("accepts exactly 100 entries and reports an empty numInfo", () => {
    const numInfo = Array.from({ length: 100 }, (_, i) => ({
      number: `+86170000${String(i).padStart(5, "0")}`,
      status: "5",
    }));
    expect(expectOk(parseNumStatusNotification({ eventType: "numStatus", numInfo })).numInfo).toHaveLength(
      100,
    );
    expect(
      expectIssues(parseNumStatusNotification({ eventType: "numStatus", numInfo: [] }))[0],
    ).toMatchObject({
      code: "invalid-length",
      path: "$.numInfo",
    });
  });

  it("reports a status that is not a code", () => {
    const body = { eventType: "numStatus", numInfo: [{ number: "+8617000000001", status: "normal" }] };
    expect(expectIssues(parseNumStatusNotification(body))[0]).toMatchObject({
      code: "invalid-value",
      path: "$.numInfo[0].status",
    });
  });
});

describe("limits", () => {
  it("reports a 1 MB string in a known field against the field's documented length", () => {
    const body = disconnect();
    statusInfoOf(body).stateDesc = ONE_MB;
    expect(expectIssues(parseCallEvent(JSON.stringify(body)))).toEqual([
      {
        code: "string-too-long",
        path: "$.statusInfo.stateDesc",
        segments: ["statusInfo", "stateDesc"],
        message: "string of 1000000 characters; at most 128 allowed",
      },
    ]);
  });

  it("reports a 1 MB string in a field the package does not know against maxStringLength", () => {
    const body = fixtureBody("callee/07-fee.json");
    ((body.feeLst as Record<string, unknown>[])[0] as Record<string, unknown>).vendorNote = ONE_MB;
    expect(expectIssues(parseFeeNotification(JSON.stringify(body)))).toEqual([
      {
        code: "string-too-long",
        path: "$.feeLst[0].vendorNote",
        segments: ["feeLst", 0, "vendorNote"],
        message: "string of 1000000 characters; at most 4096 allowed (maxStringLength)",
      },
    ]);
  });

  it("reports a long string nested deep in an unknown field, and in a body of unknown eventType", () => {
    const body = callin();
    body.extra = { list: [{ note: "y".repeat(5000) }] };
    expect(expectIssues(parseCallEvent(body))).toEqual([
      expect.objectContaining({ code: "string-too-long", path: "$.extra.list[0].note" }),
    ]);
    expect(expectIssues(parseNotification({ eventType: "future", data: { text: ONE_MB } }))).toEqual([
      expect.objectContaining({ code: "string-too-long", path: "$.data.text" }),
    ]);
  });

  it("reports an over-long key without putting it in the path", () => {
    const issues = expectIssues(parseNotification({ eventType: "future", data: { ["k".repeat(5000)]: 1 } }));
    expect(issues).toEqual([expect.objectContaining({ code: "string-too-long", path: "$.data" })]);
  });

  it("honours a lower maxStringLength", () => {
    const body = callin();
    body.note = "z".repeat(20);
    expect(expectIssues(parseCallEvent(body, { maxStringLength: 10 }))[0]).toMatchObject({
      code: "string-too-long",
      path: "$.note",
      message: "string of 20 characters; at most 10 allowed (maxStringLength)",
    });
    expect(expectOk(parseCallEvent(body, { maxStringLength: 20 })).kind).toBe("callEvent");
  });

  it("reports nesting deeper than maxDepth, in text too deep for a naive recursive walk", () => {
    const deep = `{"eventType":"future","data":${"[".repeat(5000)}${"]".repeat(5000)}}`;
    expect(expectIssues(parseNotification(deep))).toEqual([
      // The body is depth 1 and data depth 2, so the first array past depth 16 sits 15 levels below data.
      expect.objectContaining({
        code: "too-deep",
        path: `$.data${"[0]".repeat(15)}`,
        message: "objects and arrays nested deeper than 16 levels (maxDepth)",
      }),
    ]);
    const body = callin();
    body.extra = { a: { b: { c: 1 } } };
    // extra is at depth 2, extra.a at 3, extra.a.b at 4.
    expect(expectIssues(parseCallEvent(body, { maxDepth: 3 }))[0]).toMatchObject({
      code: "too-deep",
      path: "$.extra.a.b",
    });
    expect(expectOk(parseCallEvent(body, { maxDepth: 4 })).kind).toBe("callEvent");
  });

  it("terminates on a cyclic object and reports it as too deep", () => {
    const body = callin();
    const cycle: Record<string, unknown> = {};
    cycle.self = cycle;
    body.extra = cycle;
    expect(expectIssues(parseCallEvent(body))[0]).toMatchObject({ code: "too-deep" });
  });

  it("caps the number of issues at maxIssues and says how many were left out", () => {
    const numInfo = Array.from({ length: 100 }, () => ({ number: "bad", status: "x" }));
    const issues = expectIssues(
      parseNumStatusNotification({ eventType: "numStatus", numInfo }, { maxIssues: 10 }),
    );
    expect(issues).toHaveLength(11);
    expect(issues[10]).toEqual({
      code: "too-many-issues",
      path: "$",
      segments: [],
      message: "190 more issues were left out",
    });
  });
});

describe("prototype pollution", () => {
  const pollutionFree = () => {
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(Object.prototype).not.toHaveProperty("polluted");
  };

  it("refuses a __proto__ key in the envelope", () => {
    const text = fixtureText("callee/01-callin.json").replace("{", '{"__proto__":{"polluted":true},');
    expect(expectIssues(parseNotification(text))).toEqual([
      {
        code: "forbidden-key",
        path: "$.__proto__",
        segments: ["__proto__"],
        message: 'the key "__proto__" is not allowed',
      },
    ]);
    pollutionFree();
  });

  it("refuses __proto__, constructor and prototype keys in statusInfo, records and numInfo entries", () => {
    const event = fixtureText("callee/06-disconnect.json").replace(
      '"statusInfo": {',
      '"statusInfo": {"constructor":{"prototype":{"polluted":1}},',
    );
    expect(expectIssues(parseNotification(event))[0]).toMatchObject({
      code: "forbidden-key",
      path: "$.statusInfo.constructor",
    });

    const fee = fixtureText("callee/07-fee.json").replace(
      '"direction"',
      '"__proto__":{"subscriptionId":"spoofed"},"direction"',
    );
    expect(expectIssues(parseNotification(fee))[0]).toMatchObject({
      code: "forbidden-key",
      path: "$.feeLst[0].__proto__",
    });

    const status =
      '{"eventType":"numStatus","numInfo":[{"number":"+8617000000001","status":"5","prototype":{}}]}';
    expect(expectIssues(parseNotification(status))[0]).toMatchObject({
      code: "forbidden-key",
      path: "$.numInfo[0].prototype",
    });
    pollutionFree();
  });

  it("refuses a forbidden key nested in an unknown field, and one spelled with \\u escapes", () => {
    const nested = fixtureText("callee/01-callin.json").replace(
      "{",
      '{"extra":{"list":[{"__proto__":{"polluted":1}}]},',
    );
    expect(expectIssues(parseNotification(nested))[0]).toMatchObject({
      code: "forbidden-key",
      path: "$.extra.list[0].__proto__",
    });

    const escaped = fixtureText("callee/01-callin.json").replace(
      "{",
      '{"\\u005f\\u005fproto\\u005f\\u005f":{"polluted":1},',
    );
    expect(expectIssues(parseNotification(escaped))[0]).toMatchObject({
      code: "forbidden-key",
      path: "$.__proto__",
    });
    pollutionFree();
  });

  it("refuses a forbidden key in a body of unknown eventType", () => {
    expect(expectIssues(parseNotification('{"eventType":"future","constructor":1}'))[0]).toMatchObject({
      code: "forbidden-key",
      path: "$.constructor",
    });
  });

  it("never lets a __proto__ key supply a field a record lacks", () => {
    const record = feeRecord();
    delete record.subscriptionId;
    const text = JSON.stringify({ eventType: "fee", feeLst: [record] }).replace(
      '"direction"',
      '"__proto__":{"subscriptionId":"spoofed"},"direction"',
    );
    const result = parseFeeNotification(text);
    expect(result.ok).toBe(false);
    pollutionFree();
  });
});

describe("options", () => {
  it("refuses an invalid option with ParseOptionsError naming it, whatever the body", () => {
    for (const options of [
      { maxInputLength: 0 },
      { maxStringLength: -1 },
      { maxDepth: 1.5 },
      { maxIssues: Number.NaN },
    ]) {
      const name = Object.keys(options)[0];
      expect(() => parseNotification("{}", options)).toThrow(
        expect.objectContaining({ name: "ParseOptionsError", code: "invalid-option", option: name }),
      );
    }
    expect(() => parseNotification("{}", { lenient: "yes" as unknown as boolean })).toThrow(
      ParseOptionsError,
    );
  });
});

describe("input that misbehaves", () => {
  it("turns a throwing getter into an issue instead of a throw", () => {
    const body = callin();
    Object.defineProperty(statusInfoOf(body), "caller", {
      enumerable: true,
      get() {
        throw new Error("boom");
      },
    });
    expect(expectIssues(parseNotification(body))).toEqual([
      expect.objectContaining({ code: "internal", path: "$", message: expect.stringContaining("boom") }),
    ]);
  });
});
