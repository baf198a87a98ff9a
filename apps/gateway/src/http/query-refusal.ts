import { GraphQLError } from "graphql";
import type { Plugin } from "graphql-yoga";
import { logExcerpt } from "../shared/log-excerpt.js";
import type { Logger } from "../shared/logger.js";
import { sampledLog } from "../shared/sampled-log.js";

/** The codes (`extensions.code`) of documents refused before execution for what they would cost. */
export const QUERY_REFUSAL_CODES = [
  "TOKEN_LIMIT_EXCEEDED",
  "DEPTH_LIMIT_EXCEEDED",
  "ALIAS_LIMIT_EXCEEDED",
  "DIRECTIVE_LIMIT_EXCEEDED",
  "COST_LIMIT_EXCEEDED",
] as const;

/** One of {@link QUERY_REFUSAL_CODES}. */
export type QueryRefusalCode = (typeof QUERY_REFUSAL_CODES)[number];

const refusalCodes: ReadonlySet<string> = new Set(QUERY_REFUSAL_CODES);

/**
 * The error a refused document is answered with: `code` in `extensions.code`, and HTTP status 400 (see
 * {@link useRefusalStatus}; Yoga leaves `extensions.http` out of the response, and graphql-ws answers the error
 * as an `error` message).
 */
export function queryRefusal(code: QueryRefusalCode, message: string): GraphQLError {
  return new GraphQLError(message, { extensions: { code, http: { status: 400 } } });
}

/** Whether `error` is a {@link queryRefusal}. */
function isQueryRefusal(error: unknown): boolean {
  return error instanceof GraphQLError && refusalCodes.has(String(error.extensions.code));
}

/**
 * Answer a refused document with 400 for every client. Yoga marks parse and validation errors as ordinary
 * GraphQL-over-HTTP ones (`spec: true`), which it answers with 200 to `Accept: application/json`; the status set
 * on the result itself wins, so that a refusal shows in access logs and load-balancer metrics.
 */
export function useRefusalStatus(): Plugin {
  return {
    onResultProcess({ result, setResult }) {
      if (Array.isArray(result) || !("errors" in result) || !result.errors?.some(isQueryRefusal)) return;
      const extensions = result.extensions ?? {};
      const http = (extensions.http ?? {}) as Record<string, unknown>;
      setResult({ ...result, extensions: { ...extensions, http: { ...http, status: 400 } } });
    },
  };
}

/** Log a refusal (sampled per code, with at most 1 KB of the document). */
export function logQueryRefusal(logger: Logger, error: GraphQLError, query: string | undefined): void {
  const code = String(error.extensions.code);
  sampledLog(logger).write(
    "info",
    `refused:${code}`,
    { refused: code, reason: error.message, ...(query === undefined ? {} : { query: logExcerpt(query) }) },
    "GraphQL document refused",
  );
}
