// Anything that authenticates the request; a digest is replayable within the platform's window.
const SECRET_HEADER = /authorization|aksk|wsse|token|cookie|secret|password/i;

/** Request headers safe to show: credentials replaced by `[redacted]`. */
export function redactHeaders(headers: Record<string, string>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    out[name] = SECRET_HEADER.test(name) ? "[redacted]" : value;
  }
  return out;
}
