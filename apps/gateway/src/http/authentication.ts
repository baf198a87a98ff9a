import { GraphQLError } from "graphql";
import type { Plugin } from "graphql-yoga";
import type { Authenticator } from "../auth/authenticator.js";
import { AuthenticationError, type Caller } from "../auth/caller.js";
import type { Logger } from "../shared/logger.js";
import { sampledLog } from "../shared/sampled-log.js";

/**
 * Logs a refused credential: a warning when the gateway could not check it (a JWKS it could not fetch: the
 * operator must know; sampled, as every client's request meets it), else at debug (clients get it wrong all
 * day long). Never the credential itself.
 */
export function logRefusal(logger: Logger | undefined, error: AuthenticationError): void {
  if (error.cause !== undefined) {
    if (!logger) return;
    sampledLog(logger).write(
      "warn",
      `credentials-unchecked:${error.reason}`,
      { err: error.cause, reason: error.reason },
      `credentials could not be checked: ${error.message}`,
    );
  } else {
    logger?.debug({ reason: error.reason }, `credentials refused: ${error.message}`);
  }
}

/** GraphQL over HTTP, authenticated: {@link useAuthentication}'s plugin and what it found for each request. */
export interface HttpAuthentication {
  plugin: Plugin;
  /** The caller of a request the plugin let through (for the GraphQL context). */
  callerOf(request: Request): Caller;
}

/**
 * Checks `Authorization: Bearer <API key or JWT>` on every GraphQL request over HTTP before its document is
 * even parsed, so that a caller without credentials learns nothing, not even the schema through validation
 * errors: 401 with `WWW-Authenticate`. Pages (GraphiQL), the webhook and the health check are answered
 * before this runs. Over WebSocket, graphql-websocket.ts checks the same credentials at `connection_init`.
 */
export function useAuthentication(authenticator: Authenticator, logger?: Logger): HttpAuthentication {
  const callers = new WeakMap<Request, Caller>();
  return {
    plugin: {
      async onRequestParse({ request }) {
        try {
          callers.set(request, await authenticator.authenticate(request.headers.get("authorization")));
        } catch (error) {
          if (!(error instanceof AuthenticationError)) throw error;
          logRefusal(logger, error);
          throw new GraphQLError(error.message, {
            extensions: {
              code: "UNAUTHENTICATED",
              http: { status: 401, headers: { "www-authenticate": 'Bearer realm="privnum"' } },
            },
          });
        }
      },
    },
    callerOf(request) {
      const caller = callers.get(request);
      // Unreachable for a request that went through the plugin: a missing caller is a wiring mistake.
      if (!caller) throw new Error("a GraphQL request reached its context without authentication");
      return caller;
    },
  };
}
