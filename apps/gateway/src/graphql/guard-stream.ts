import { GraphQLError } from "graphql";
import type { Logger } from "pino";
import { GatewayError } from "../shared/errors.js";
import { sampledLog } from "../shared/sampled-log.js";
import { errorKind, errorLogRecord } from "./error-log-record.js";

/**
 * graphql-ws forwards the message of an error thrown by a subscription's source stream to the client as is,
 * outside Yoga's masking. Pass the gateway's own (expected, client-facing) errors through with their code,
 * and mask everything else after logging it (bounded and sampled per kind: every subscriber of a failing
 * stream fails alike).
 */
export function guardStream<T>(source: AsyncIterableIterator<T>, logger: Logger): AsyncIterableIterator<T> {
  const mapError = (error: unknown): never => {
    if (error instanceof GraphQLError) throw error;
    if (error instanceof GatewayError)
      throw new GraphQLError(error.message, { extensions: { code: error.code } });
    sampledLog(logger).write(
      "error",
      `stream:${errorKind(error)}`,
      { error: errorLogRecord(error) },
      "subscription stream failed",
    );
    throw new GraphQLError("Unexpected error.", { extensions: { code: "INTERNAL_SERVER_ERROR" } });
  };
  return {
    next: () => source.next().catch(mapError),
    return: () => source.return?.() ?? Promise.resolve({ value: undefined, done: true }),
    throw: (error?: unknown) => source.throw?.(error) ?? Promise.reject(error),
    [Symbol.asyncIterator]() {
      return this;
    },
  };
}
