// The bindings list's filters and page, kept in the URL's query string: a reload or a shared link shows the same
// page. Pure functions between URLSearchParams and the query's variables.

/** Rows on one page of the bindings table. */
export const BINDINGS_PAGE_SIZE = 25;

/** The binding states the gateway's schema names. */
export const BINDING_STATES = ["ACTIVE", "EXPIRED", "DELETED", "MISSING"] as const;

/** A binding state. */
export type BindingStateValue = (typeof BINDING_STATES)[number];

/** What the bindings list shows: filters and the page's cursor. */
export interface BindingsListState {
  /** X; "" for every X. */
  virtualNum: string;
  /** E; "" for every extension. */
  extendNum: string;
  /** A; "" for every A (operators only). */
  bindNum: string;
  /** Which states; never empty (ACTIVE when the URL names none). */
  states: BindingStateValue[];
  /** The page: after a cursor (next), before one (previous), or the first page. */
  page: { after: string } | { before: string } | { first: true };
}

/** The first page of active bindings, nothing filtered. */
export const DEFAULT_LIST_STATE: BindingsListState = {
  virtualNum: "",
  extendNum: "",
  bindNum: "",
  states: ["ACTIVE"],
  page: { first: true },
};

function isState(value: string): value is BindingStateValue {
  return (BINDING_STATES as readonly string[]).includes(value);
}

/** The list state a query string names; what it does not name (or names wrongly) falls back to the default. */
export function parseListState(params: URLSearchParams): BindingsListState {
  const states = (params.get("state") ?? "")
    .split(",")
    .map((s) => s.trim().toUpperCase())
    .filter(isState);
  const after = params.get("after");
  const before = params.get("before");
  return {
    virtualNum: params.get("x")?.trim() ?? "",
    extendNum: params.get("e")?.trim() ?? "",
    bindNum: params.get("a")?.trim() ?? "",
    states: states.length > 0 ? [...new Set(states)] : ["ACTIVE"],
    page: after ? { after } : before ? { before } : { first: true },
  };
}

/** The query string of `state`: only what differs from the default, in a stable order. */
export function formatListState(state: BindingsListState): URLSearchParams {
  const params = new URLSearchParams();
  if (state.virtualNum) params.set("x", state.virtualNum);
  if (state.extendNum) params.set("e", state.extendNum);
  if (state.bindNum) params.set("a", state.bindNum);
  const states = BINDING_STATES.filter((s) => state.states.includes(s));
  if (!(states.length === 1 && states[0] === "ACTIVE")) params.set("state", states.join(","));
  if ("after" in state.page) params.set("after", state.page.after);
  else if ("before" in state.page) params.set("before", state.page.before);
  return params;
}

/** The `bindings` query's variables for `state`; `mayFilterByA` false drops the A filter (a viewer's). */
export function listVariables(state: BindingsListState, mayFilterByA: boolean) {
  const filter = {
    states: state.states,
    ...(state.virtualNum ? { virtualNum: state.virtualNum } : {}),
    ...(state.extendNum ? { extendNum: state.extendNum } : {}),
    ...(state.bindNum && mayFilterByA ? { bindNum: state.bindNum } : {}),
  };
  if ("after" in state.page) return { filter, first: BINDINGS_PAGE_SIZE, after: state.page.after };
  if ("before" in state.page) return { filter, last: BINDINGS_PAGE_SIZE, before: state.page.before };
  return { filter, first: BINDINGS_PAGE_SIZE };
}

/** Whether the table offers a previous and a next page, from the page asked for and the answer's pageInfo. */
export function pageLinks(
  page: BindingsListState["page"],
  info: {
    hasNextPage: boolean;
    hasPreviousPage: boolean;
    startCursor?: string | null;
    endCursor?: string | null;
  },
): { previous?: string; next?: string } {
  // Relay reports the far side of a page only in the direction it paged: coming back (before) there is always
  // a next page, going forward (after) there is always a previous one.
  const hasPrevious = "before" in page ? info.hasPreviousPage : "after" in page;
  const hasNext = "before" in page ? true : info.hasNextPage;
  return {
    ...(hasPrevious && info.startCursor ? { previous: info.startCursor } : {}),
    ...(hasNext && info.endCursor ? { next: info.endCursor } : {}),
  };
}
