// SQLSTATE classes and codes that mean "the database cannot serve us right now", as opposed to a bug
// in a query: connection exceptions (08), shutdown and crash (57P01–57P03), too many connections and
// resource exhaustion (53), and serialisation/deadlock failures (40) that a retry resolves.
const UNAVAILABLE_SQLSTATE = /^(08|53|57P0[1-3]|40001|40P01)/;
const UNAVAILABLE_ERRNO = new Set([
  "ECONNREFUSED",
  "ECONNRESET",
  "ETIMEDOUT",
  "ENOTFOUND",
  "EPIPE",
  "EHOSTUNREACH",
]);
const UNAVAILABLE_MESSAGE =
  /timeout exceeded when trying to connect|Connection terminated|connection timeout|Client has encountered a connection error|PGlite is closed|driver has already been destroyed/i;

/** Whether `error` means the database is unreachable or overloaded (answer 503 and let the sender retry). */
export function isDatabaseUnavailable(error: unknown): boolean {
  for (let current = error, depth = 0; current && depth < 5; depth++) {
    if (typeof current !== "object") return false;
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
