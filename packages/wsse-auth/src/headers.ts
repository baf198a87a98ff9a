import type { IncomingHttpHeaders } from "node:http";

/**
 * Request headers in any of the shapes servers hand out: a WHATWG `Headers` (fetch, Hono, Next.js…), Node's
 * `IncomingHttpHeaders` (`req.headers`), or a plain record whose keys may use any case.
 */
export type HeaderSource =
  | Headers
  | IncomingHttpHeaders
  | Readonly<Record<string, string | readonly string[] | undefined>>;

/** Returned by {@link readHeader} when a header occurs more than once and so has no single value. */
export const MULTIPLE_VALUES: unique symbol = Symbol("multiple header values");

interface HeadersLike {
  get(name: string): string | null;
}

function isHeadersLike(source: HeaderSource): source is Headers {
  return typeof (source as Partial<HeadersLike>).get === "function";
}

/**
 * The value of one header, matched case-insensitively. `name` must be lower case. A header sent twice (an array
 * with several entries, or two record keys differing only in case) yields {@link MULTIPLE_VALUES}; `Headers`
 * joins repeats with ", " itself, which the parsers then reject as malformed.
 */
export function readHeader(source: HeaderSource, name: string): string | undefined | typeof MULTIPLE_VALUES {
  if (isHeadersLike(source)) {
    return source.get(name) ?? undefined;
  }
  const record = source as Readonly<Record<string, unknown>>;
  let found: unknown;
  let count = 0;
  for (const key of Object.keys(record)) {
    if (key.length !== name.length || key.toLowerCase() !== name) continue;
    const value = record[key];
    if (value === undefined) continue;
    found = value;
    count += 1;
  }
  if (count > 1) return MULTIPLE_VALUES;
  if (found === undefined) return undefined;
  if (Array.isArray(found)) {
    if (found.length === 0) return undefined;
    if (found.length > 1) return MULTIPLE_VALUES;
    found = found[0];
  }
  return typeof found === "string" ? found : String(found);
}
