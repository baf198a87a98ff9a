import { GraphQLError } from "graphql";
import { logExcerpt } from "../shared/log-excerpt.js";

/** Longest stack written for one error, in characters. */
const MAX_STACK = 2048;

/**
 * What the log keeps of an error met while serving a GraphQL request: its name, message, code, path, stack and
 * an excerpt of the query it came from, each bounded (a 100 KB document or a message that quotes one costs the
 * log at most a few kilobytes per line). Variables are never written.
 */
export function errorLogRecord(error: unknown): Record<string, unknown> {
  if (!(error instanceof Error)) return { message: logExcerpt(String(error)) };
  const record: Record<string, unknown> = { name: error.name, message: logExcerpt(error.message) };
  if (error instanceof GraphQLError) {
    if (error.extensions.code !== undefined) record.code = error.extensions.code;
    if (error.path) record.path = error.path.join(".");
    if (error.source) record.query = logExcerpt(error.source.body);
    const original = error.originalError;
    if (original && original !== error) record.cause = errorLogRecord(original);
    else if (error.stack) record.stack = logExcerpt(error.stack, MAX_STACK);
  } else if (error.stack) {
    record.stack = logExcerpt(error.stack, MAX_STACK);
  }
  return record;
}

/**
 * The kind of an error, for sampling its log lines: its name and code, and the start of its message with digits
 * left out (so that "row 17 failed" and "row 18 failed" are one kind).
 */
export function errorKind(error: unknown): string {
  if (!(error instanceof Error)) return "non-error";
  const original = error instanceof GraphQLError && error.originalError ? error.originalError : error;
  const code = error instanceof GraphQLError ? String(error.extensions.code ?? "") : "";
  return `${original.name}:${code}:${original.message.slice(0, 120).replace(/\d+/g, "#")}`;
}
