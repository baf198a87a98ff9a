// The Live calls page's filter by X: what the user typed, checked before it reaches the gateway, and kept in the
// page's address (`?x=+8617000000001`) so that a reload or a shared link shows the same calls.

/** The query-string parameter that holds the X filter. */
export const X_PARAMETER = "x";

/** What the filter box holds after a check: an X to filter by, none (every X), or why the text is refused. */
export type VirtualNumberFilter =
  | { ok: true; virtualNum: string | undefined }
  | { ok: false; message: string };

// E.164 as the gateway takes it: "+", a country code that does not start with 0, at most 15 digits in all.
const E164 = /^\+[1-9]\d{5,14}$/;

/** Check the filter box's text: empty means every X; spaces and dashes people type between digits are dropped. */
export function parseVirtualNumberFilter(text: string): VirtualNumberFilter {
  const compact = text.replace(/[\s-]/g, "");
  if (compact === "") return { ok: true, virtualNum: undefined };
  if (!E164.test(compact)) {
    return {
      ok: false,
      message:
        "Enter X in international format: + and the country code, then the number (e.g. +8617000000001).",
    };
  }
  return { ok: true, virtualNum: compact };
}

/** The X filter held by a query string (`?x=…`); undefined when it holds none or a malformed one. */
export function virtualNumberFromSearch(search: string): string | undefined {
  const value = new URLSearchParams(search).get(X_PARAMETER);
  if (value === null) return undefined;
  const parsed = parseVirtualNumberFilter(value);
  return parsed.ok ? parsed.virtualNum : undefined;
}
