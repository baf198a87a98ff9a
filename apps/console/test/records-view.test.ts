import { describe, expect, it } from "vitest";
import {
  feedFilter,
  filterableNumbers,
  formatRecordsView,
  fromLocalInput,
  isFirstPage,
  PAGE_SIZE,
  parseRecordsView,
  queryVariables,
  rangeError,
  toLocalInput,
  withFilters,
} from "../src/records/records-view.js";

const parse = (query: string) => parseRecordsView(new URLSearchParams(query));

describe("the records view in the URL", () => {
  it("reads filters and page, and writes them back the same", () => {
    const query =
      "x=%2B8617000000001&outcome=FAILED&recording=PENDING&from=2026-06-01T00%3A00%3A00.000Z&to=2026-06-02T00%3A00%3A00.000Z&after=c25";
    const view = parse(query);
    expect(view).toEqual({
      virtualNum: "+8617000000001",
      outcome: "FAILED",
      recordingState: "PENDING",
      from: "2026-06-01T00:00:00.000Z",
      to: "2026-06-02T00:00:00.000Z",
      after: "c25",
    });
    expect(formatRecordsView(view)).toBe(query);
  });

  it("drops what the gateway would refuse: unknown outcome or state, bad dates, an inverted range", () => {
    expect(parse("outcome=MAYBE&recording=LOST&from=yesterday")).toEqual({});
    expect(parse("from=2026-06-02T00:00:00Z&to=2026-06-01T00:00:00Z")).toEqual({
      from: "2026-06-02T00:00:00.000Z",
    });
  });

  it("keeps one paging direction: after wins over before", () => {
    expect(parse("after=a&before=b")).toEqual({ after: "a" });
    expect(parse("before=b")).toEqual({ before: "b" });
    expect(isFirstPage(parse("before=b"))).toBe(false);
    expect(isFirstPage(parse("outcome=ANSWERED"))).toBe(true);
  });

  it("changing a filter goes back to the first page and removes cleared filters", () => {
    const view = parse("outcome=FAILED&x=123&after=c");
    expect(withFilters(view, { outcome: undefined })).toEqual({ virtualNum: "123" });
  });
});

describe("what the page asks the gateway", () => {
  it("asks 25 newest after a cursor, or the 25 before one", () => {
    expect(queryVariables(parse("after=c"))).toEqual({ first: PAGE_SIZE, after: "c", filter: {} });
    expect(queryVariables(parse("before=c"))).toEqual({ last: PAGE_SIZE, before: "c", filter: {} });
    expect(PAGE_SIZE).toBe(25);
  });

  it("filters the query by recording state, but never the subscription, which refuses it", () => {
    const view = parse("x=1234&outcome=ANSWERED&recording=FAILED&from=2026-06-01T00:00:00Z");
    expect(queryVariables(view).filter).toEqual({
      virtualNum: "1234",
      outcome: "ANSWERED",
      callStartFrom: "2026-06-01T00:00:00.000Z",
      recordingState: "FAILED",
    });
    expect(feedFilter(view)).toEqual({
      virtualNum: "1234",
      outcome: "ANSWERED",
      callStartFrom: "2026-06-01T00:00:00.000Z",
    });
  });
});

describe("the time range inputs", () => {
  it("turn a local date and time into an instant and back", () => {
    const iso = fromLocalInput("2026-06-01T09:30");
    expect(iso).toBe(new Date(2026, 5, 1, 9, 30).toISOString());
    expect(toLocalInput(iso)).toBe("2026-06-01T09:30");
    expect(toLocalInput(undefined)).toBe("");
    expect(fromLocalInput("")).toBeUndefined();
    expect(fromLocalInput("2026-13-45T99:99")).toBeUndefined();
  });

  it("say inline why a range cannot be used: from must be before to", () => {
    expect(rangeError("", "")).toBeUndefined();
    expect(rangeError("2026-06-01T09:30", "")).toBeUndefined();
    expect(rangeError("2026-06-01T09:30", "2026-06-01T10:00")).toBeUndefined();
    expect(rangeError("2026-06-01T10:00", "2026-06-01T10:00")).toMatch(/before/);
    expect(rangeError("2026-06-01T11:00", "2026-06-01T10:00")).toMatch(/before/);
    expect(rangeError("garbage", "")).toMatch(/not a date/);
  });
});

describe("the X filter", () => {
  it("offers only whole numbers: a masked one would match nothing", () => {
    expect(filterableNumbers(["+8617000000001", "+86170****0002"])).toEqual(["+8617000000001"]);
    expect(filterableNumbers(["+86170****0001"])).toEqual([]);
  });
});
