import type { IncomingMessage } from "node:http";
import type { BodyLimit, BodyPolicy, EarlyAnswer } from "./http-server.js";
import { tooLargeGraphQLBody } from "./request-size-limit.js";

/** Largest body of a path no route claims: none of them reads one. */
export const OTHER_PATHS_MAX_BODY_BYTES = 64 * 1024;

/** A route's body rules: its limit and 413 answer, and optionally an admission check before the body. */
export interface BodyRoute {
  paths: readonly string[];
  maxBytes: number;
  tooLarge: EarlyAnswer;
  /** See {@link BodyPolicy.admit}. */
  admit?: (request: IncomingMessage) => Promise<EarlyAnswer | undefined>;
  /** See {@link BodyLimit.onTooLarge}. */
  onTooLarge?: (request: IncomingMessage, declaredBytes: number) => void;
}

/**
 * The server's body policy from the routes' rules: each route's paths get its limit, 413 answer and
 * admission check; every other path gets {@link OTHER_PATHS_MAX_BODY_BYTES} and is marked as reading no
 * body, so that the server itself counts a streamed one there.
 */
export function createBodyPolicy(
  routes: readonly BodyRoute[],
  onAdmitError: (error: unknown) => void,
): BodyPolicy {
  const byPath = new Map<string, { limit: BodyLimit; route: BodyRoute }>();
  for (const route of routes) {
    const limit: BodyLimit = {
      maxBytes: route.maxBytes,
      tooLarge: route.tooLarge,
      readsBody: true,
      ...(route.onTooLarge ? { onTooLarge: route.onTooLarge } : {}),
    };
    for (const path of route.paths) byPath.set(path, { limit, route });
  }
  const otherPaths: BodyLimit = {
    maxBytes: OTHER_PATHS_MAX_BODY_BYTES,
    tooLarge: { status: 413, body: tooLargeGraphQLBody(OTHER_PATHS_MAX_BODY_BYTES) },
    readsBody: false,
  };
  return {
    limitFor: (path) => byPath.get(path)?.limit ?? otherPaths,
    admit: (request, path) => byPath.get(path)?.route.admit?.(request),
    onAdmitError,
  };
}
