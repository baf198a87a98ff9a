// SQLSTATE classes and codes that mean "the database cannot serve us right now", as opposed to a bug
// in a query: connection exceptions (08), shutdown and crash (57P01–57P03), too many connections and
// resource exhaustion (53), serialisation/deadlock failures (40) that a retry resolves, and the server-side
// timeouts every connection sets (see database.ts): a statement cancelled by `statement_timeout` (57014), a
// lock not granted within `lock_timeout` (55P03), and a session ended by `idle_in_transaction_session_timeout`
// (25P03).
const UNAVAILABLE_SQLSTATE = /^(08|53|57P0[1-3]|57014|55P03|25P03|40001|40P01)/;
const UNAVAILABLE_ERRNO = new Set([
  "ECONNREFUSED",
  "ECONNRESET",
  "ETIMEDOUT",
  "ENOTFOUND",
  "EPIPE",
  "EHOSTUNREACH",
]);
// pg's own words for a connection that failed, timed out (`connectionTimeoutMillis`, `query_timeout`:
// "Query read timeout") or died, and Kysely's and PGlite's for a handle closed under a query.
const UNAVAILABLE_MESSAGE =
  /timeout exceeded when trying to connect|Query read timeout|Connection terminated|connection timeout|Client has encountered a connection error|Client was closed and is not queryable|Cannot use a pool after calling end|PGlite is closed|driver has already been destroyed/i;

/**
 * The database did not answer in time: a write waited longer than its bound for its commit, or a check for
 * its statement. Answered like an unreachable database (503, retry later); the work may still complete, which
 * is harmless for writes the gateway deduplicates.
 */
export class DatabaseTimeoutError extends Error {
  override name = "DatabaseTimeoutError";
  constructor(what: string, timeoutMs: number, options?: ErrorOptions) {
    super(`${what} got no answer from the database within ${timeoutMs} ms`, options);
  }
}

/** Whether `error` means the database is unreachable or overloaded (answer 503 and let the sender retry). */
export function isDatabaseUnavailable(error: unknown): boolean {
  for (let current = error, depth = 0; current && depth < 5; depth++) {
    if (typeof current !== "object") return false;
    if (current instanceof DatabaseTimeoutError) return true;
    const { code, message, errors } = current as { code?: unknown; message?: unknown; errors?: unknown };
    if (typeof code === "string" && (UNAVAILABLE_SQLSTATE.test(code) || UNAVAILABLE_ERRNO.has(code)))
      return true;
    if (typeof message === "string" && UNAVAILABLE_MESSAGE.test(message)) return true;
    // Node reports a refused connection to a dual-stack host as an AggregateError of per-address errors.
    if (Array.isArray(errors) && errors.some((inner) => isDatabaseUnavailable(inner))) return true;
    current = (current as { cause?: unknown }).cause;
  }
  return false;
}
