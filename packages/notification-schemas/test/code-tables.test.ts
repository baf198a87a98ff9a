import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import {
  describeDirection,
  describeNumStatus,
  describeNumStatusCause,
  describeQ850Cause,
  describeResultCode,
  describeStateCode,
  describeUlFailReason,
  FEE_DIRECTIONS,
  NUM_STATUS_CAUSES,
  NUM_STATUSES,
  Q850_CAUSES,
  RESULT_CODES,
  STATE_CODE_CATEGORY_ZH,
  STATE_CODES,
  UL_FAIL_REASONS,
} from "../src/index.js";

// The tables are checked against the code tables of the platform contract (docs/axe-platform.md §10, §11,
// §16.2), copied verbatim into a fixture so that the package's tests stand alone.
const contract = readFileSync(new URL("./fixtures/code-tables.md", import.meta.url), "utf8");

function section(heading: string): string {
  const start = contract.indexOf(heading);
  if (start < 0) throw new Error(`contract section not found: ${heading}`);
  const next = contract.slice(start + heading.length).search(/\n#{2,3} /);
  return next < 0 ? contract.slice(start) : contract.slice(start, start + heading.length + next);
}

const tableRows = (text: string) =>
  text.split("\n").filter((line) => /^\| /.test(line) && !/^\|[-| ]+\|$/.test(line));
const codesIn = (cell: string) => [...cell.matchAll(/\b\d+\b/g)].map((match) => Number(match[0]));
const CJK = /[\u4e00-\u9fff]/;

describe("the stateCode table (docs/axe-platform.md §11.1)", () => {
  const rows = tableRows(section("### 11.1")).slice(1);
  const published = rows.flatMap((row) => codesIn(row.split("|")[2] ?? ""));

  it("holds every published code, in its published category", () => {
    expect(published.length).toBeGreaterThan(60);
    for (const row of rows) {
      const [, category, codes] = row.split("|").map((cell) => cell.trim());
      for (const code of codesIn(codes ?? "")) {
        const found = describeStateCode(code);
        expect(found, `stateCode ${code}`).toMatchObject({ code, known: true });
        const expected = category === "—" ? "normal" : category?.toLowerCase();
        if (found.known) expect(found.category).toBe(expected);
      }
    }
  });

  it("adds only the two codes of the older table (7103, 7104)", () => {
    const extra = Object.keys(STATE_CODES)
      .map(Number)
      .filter((code) => !published.includes(code));
    expect(extra.sort()).toEqual([7103, 7104]);
  });

  it("describes the AXE failures in English and Chinese", () => {
    expect(describeStateCode(8022)).toEqual({
      code: 8022,
      known: true,
      category: "binding",
      description: "Binding missing or expired (AXE: B calls X)",
      zh: "绑定关系不存在或已过期(AXE模式,B呼X场景)",
    });
    expect(describeStateCode("8033")).toMatchObject({ code: 8033, known: true, zh: "收到的分机号为空" });
    expect(STATE_CODE_CATEGORY_ZH.binding).toBe("绑定关系");
  });
});

describe("the Q.850 table (docs/axe-platform.md §11.2)", () => {
  it("holds every published cause value", () => {
    const rows = tableRows(section("### 11.2")).slice(1);
    const published = rows.flatMap((row) => {
      const cells = row.split("|").map((cell) => cell.trim());
      return [cells[1], cells[3]].filter((cell): cell is string => !!cell && /^\d+$/.test(cell)).map(Number);
    });
    expect(published.length).toBeGreaterThan(60);
    expect(
      Object.keys(Q850_CAUSES)
        .map(Number)
        .sort((a, b) => a - b),
    ).toEqual(published.sort((a, b) => a - b));
    expect(describeQ850Cause(17)).toMatchObject({ known: true, description: "User busy", zh: "用户忙" });
  });
});

describe("the ulFailReason table (docs/axe-platform.md §11.3)", () => {
  it("holds every published teardown point", () => {
    const rows = tableRows(section("### 11.3")).slice(1);
    const published = rows.flatMap((row) => codesIn(row.split("|")[1] ?? ""));
    expect(
      Object.keys(UL_FAIL_REASONS)
        .map(Number)
        .sort((a, b) => a - b),
    ).toEqual(published.sort((a, b) => a - b));
    expect(describeUlFailReason(7516)).toMatchObject({ known: true, zh: expect.stringContaining("分机号") });
  });
});

describe("the resultcode table (docs/axe-platform.md §10)", () => {
  const rows = tableRows(section("## 10.")).slice(1);
  // A row's codes: one code, or several joined by " / "; ranges and "(code UNKNOWN)" name none.
  const codesOf = (code: string | undefined) =>
    (code ?? "").replaceAll("`", "").match(/^\d+$/)
      ? [code?.replaceAll("`", "") as string]
      : (code ?? "")
          .split("/")
          .map((part) => part.trim())
          .filter((part) => /^\d+$/.test(part));

  it("holds every published code with its resultdesc and HTTP status", () => {
    let checked = 0;
    for (const row of rows) {
      const [, status, code, resultdesc] = row.split("|").map((cell) => cell.trim());
      const codes = codesOf(code);
      for (const value of codes) {
        if (resultdesc?.includes("UNKNOWN")) continue;
        const httpStatus = /^\d{3}$/.test(status ?? "") ? Number(status) : undefined;
        const found = describeResultCode(value, httpStatus);
        checked++;
        expect(found, `resultcode ${value}`).toMatchObject({ code: value, known: true });
        if (httpStatus !== undefined && found.known) expect(found.httpStatus).toBe(httpStatus);
        if (found.known && codes.length === 1 && !resultdesc?.includes("…")) {
          expect(resultdesc).toContain(found.description.replace(/\.$/, ""));
        }
      }
    }
    expect(checked).toBeGreaterThan(45);
  });

  it("adds no code the table does not publish", () => {
    const published = new Set(rows.flatMap((row) => codesOf(row.split("|")[2]?.trim())));
    expect(Object.keys(RESULT_CODES).filter((code) => !published.has(code))).toEqual([]);
  });

  it("tells the two meanings of 1010010 apart by HTTP status", () => {
    expect(describeResultCode("1010010", 401)).toMatchObject({
      known: true,
      description: "Invalid digest.",
      httpStatus: 401,
    });
    expect(describeResultCode("1010010", 403)).toMatchObject({
      known: true,
      description: "The flow control upper limit is reached on the platform.",
      httpStatus: 403,
    });
    const unqualified = describeResultCode(1010010);
    expect(unqualified).toMatchObject({ code: "1010010", known: true, httpStatus: 401 });
    if (unqualified.known) expect(unqualified.alternatives?.[0]?.httpStatus).toBe(403);
  });

  it("returns unknown for codes whose text was not recovered", () => {
    expect(describeResultCode("1023014")).toEqual({ code: "1023014", known: false });
  });
});

describe("numStatus, cause and direction tables (docs/axe-platform.md §16.2, §8.2, §11.4)", () => {
  // The values of a bullet of the contract, e.g. `"5"` normal, `"9"` paused → [5, 9].
  const quotedCodes = (line: string | undefined) =>
    [...(line ?? "").matchAll(/`"(\d+)"`/g)].map((match) => Number(match[1])).sort((a, b) => a - b);
  const keys = (table: object) =>
    Object.keys(table)
      .map(Number)
      .sort((a, b) => a - b);
  const bullet = (text: string, start: string) =>
    text.split("\n").find((line) => line.trimStart().startsWith(start));

  it("hold exactly the published numStatus statuses and causes", () => {
    const numStatus = section("### 16.2");
    const statuses = quotedCodes(bullet(numStatus, "* `status`"));
    const causes = quotedCodes(bullet(numStatus, "* `cause`"));
    expect(statuses.length).toBeGreaterThan(3);
    expect(causes.length).toBeGreaterThan(7);
    expect(keys(NUM_STATUSES)).toEqual(statuses);
    expect(keys(NUM_STATUS_CAUSES)).toEqual(causes);
  });

  it("hold exactly the published CDR directions", () => {
    const line = bullet(section("### 11.4"), "* `direction`") ?? "";
    const directions = [...line.matchAll(/(?:: |, )(\d+) /g)].map((match) => Number(match[1]));
    expect(directions).toEqual([0, 1, 2]);
    expect(keys(FEE_DIRECTIONS)).toEqual(directions);
  });

  it("describe every documented value, whether given as a number or as the string the platform sends", () => {
    expect(describeNumStatus("11")).toMatchObject({
      code: 11,
      known: true,
      zh: "冻结绑定",
      canBind: false,
      canCall: true,
    });
    expect(describeNumStatus(5)).toMatchObject({ known: true, canBind: true, canCall: true });
    expect(describeNumStatusCause("2")).toMatchObject({
      code: 2,
      known: true,
      description: "Account in arrears",
    });
    expect(describeNumStatusCause(4)).toEqual({ code: 4, known: false });
    expect(describeDirection(0)).toMatchObject({ known: true, scenario: "callee", zh: "A被叫" });
    expect(describeDirection("1")).toMatchObject({ known: true, scenario: "callback" });
    expect(describeDirection(2)).not.toHaveProperty("scenario");
  });
});

describe("every table", () => {
  const tables: Record<string, Record<string, { description: string; zh: string }>> = {
    STATE_CODES,
    Q850_CAUSES,
    UL_FAIL_REASONS,
    NUM_STATUSES,
    NUM_STATUS_CAUSES,
    FEE_DIRECTIONS,
    RESULT_CODES,
  };

  it.each(Object.keys(tables))("%s gives each code an English description and a Chinese term", (name) => {
    for (const [code, entry] of Object.entries(tables[name] ?? {})) {
      expect(entry.description.length, `${name} ${code}`).toBeGreaterThan(2);
      expect(entry.zh, `${name} ${code}`).toMatch(CJK);
    }
  });
});

describe("lookups", () => {
  const lookups = {
    describeStateCode,
    describeQ850Cause,
    describeUlFailReason,
    describeNumStatus,
    describeNumStatusCause,
    describeDirection,
    describeResultCode,
  } as Record<string, (code: unknown) => unknown>;

  it.each(Object.keys(lookups))(
    "%s returns { code, known: false } for codes not in its table and never throws",
    (name) => {
      const lookup = lookups[name] as (code: unknown) => unknown;
      expect(lookup(99999)).toEqual({ code: name === "describeResultCode" ? "99999" : 99999, known: false });
      expect(lookup("abc")).toEqual({ code: "abc", known: false });
      expect(lookup("")).toEqual({ code: "", known: false });
      expect(lookup(1.5)).toEqual({ code: 1.5, known: false });
      expect(lookup(Number.NaN)).toEqual({ code: Number.NaN, known: false });
      expect(lookup(null)).toEqual({ code: "null", known: false });
      expect(lookup(undefined)).toEqual({ code: "undefined", known: false });
      expect(lookup({})).toEqual({ code: "[object Object]", known: false });
      expect(lookup(Symbol("s"))).toEqual({ code: "Symbol(s)", known: false });
      expect(lookup("constructor")).toEqual({ code: "constructor", known: false });
      expect(lookup("__proto__")).toEqual({ code: "__proto__", known: false });
      expect(lookup(Object.create(null))).toMatchObject({ known: false });
      // A value that throws on every conversion (a revoked proxy, a hostile toString) is still just unknown.
      const { proxy, revoke } = Proxy.revocable({}, {});
      revoke();
      expect(lookup(proxy)).toEqual({ code: "object", known: false });
      const hostile = new Proxy(
        {},
        {
          get() {
            throw new Error("no");
          },
        },
      );
      expect(lookup(hostile)).toEqual({ code: "object", known: false });
    },
  );
});
