import { describe, expect, it } from "vitest";
import {
  DEFAULT_LIST_STATE,
  formatListState,
  listVariables,
  pageLinks,
  parseListState,
} from "../src/bindings/bindings-url-state.js";

const parse = (query: string) => parseListState(new URLSearchParams(query));

describe("the bindings list in the URL", () => {
  it("reads nothing as the first page of active bindings, and writes it as nothing", () => {
    expect(parse("")).toEqual(DEFAULT_LIST_STATE);
    expect(formatListState(DEFAULT_LIST_STATE).toString()).toBe("");
  });

  it("round-trips filters, states and the page", () => {
    const state = parse("x=%2B8617000000001&e=0001&a=%2B8613800000021&state=deleted,ACTIVE,bogus&after=abc");
    expect(state).toEqual({
      virtualNum: "+8617000000001",
      extendNum: "0001",
      bindNum: "+8613800000021",
      states: ["DELETED", "ACTIVE"],
      page: { after: "abc" },
    });
    expect(parse(formatListState(state).toString())).toEqual({ ...state, states: ["ACTIVE", "DELETED"] });
    expect(parse("before=xyz").page).toEqual({ before: "xyz" });
    expect(parse("state=nothing").states).toEqual(["ACTIVE"]);
  });

  it("asks for 25 rows forward or backward, and leaves A out for a viewer", () => {
    const state = parse("a=%2B8613800000021&before=c1");
    expect(listVariables(state, true)).toEqual({
      filter: { states: ["ACTIVE"], bindNum: "+8613800000021" },
      last: 25,
      before: "c1",
    });
    expect(listVariables(state, false)).toEqual({ filter: { states: ["ACTIVE"] }, last: 25, before: "c1" });
    expect(listVariables(parse("after=c2"), true)).toEqual({
      filter: { states: ["ACTIVE"] },
      first: 25,
      after: "c2",
    });
  });

  it("offers previous and next pages by the direction it paged", () => {
    const info = { startCursor: "s", endCursor: "e" };
    expect(pageLinks({ first: true }, { ...info, hasNextPage: true, hasPreviousPage: false })).toEqual({
      next: "e",
    });
    expect(pageLinks({ first: true }, { ...info, hasNextPage: false, hasPreviousPage: false })).toEqual({});
    expect(pageLinks({ after: "c" }, { ...info, hasNextPage: false, hasPreviousPage: false })).toEqual({
      previous: "s",
    });
    expect(pageLinks({ before: "c" }, { ...info, hasNextPage: false, hasPreviousPage: false })).toEqual({
      next: "e",
    });
    expect(pageLinks({ before: "c" }, { ...info, hasNextPage: false, hasPreviousPage: true })).toEqual({
      previous: "s",
      next: "e",
    });
    expect(
      pageLinks(
        { after: "c" },
        { startCursor: null, endCursor: null, hasNextPage: false, hasPreviousPage: false },
      ),
    ).toEqual({});
  });
});
