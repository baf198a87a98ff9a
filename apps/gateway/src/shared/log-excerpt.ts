/** Longest excerpt of a client's text (a query, an error message) written to the log, in characters. */
export const MAX_LOG_EXCERPT = 1024;

/**
 * At most {@link MAX_LOG_EXCERPT} characters of `text`, marked when cut: a log line names what failed
 * without carrying a client's whole document (which may be hundreds of kilobytes, repeated on every error).
 */
export function logExcerpt(text: string, max = MAX_LOG_EXCERPT): string {
  if (text.length <= max) return text;
  const mark = `… (${text.length} characters)`;
  return text.slice(0, Math.max(0, max - mark.length)) + mark;
}
