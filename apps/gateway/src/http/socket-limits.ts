import { GraphQLError } from "graphql";

/** Seconds a client refused for the socket limit is told to wait (`Retry-After`) before trying again. */
export const SOCKET_LIMIT_RETRY_AFTER_SECONDS = 5;

/** How `ws` refuses an upgrade: the status, its text and headers, sent before the connection is closed. */
export interface UpgradeRefusal {
  status: number;
  message: string;
  headers: Record<string, string>;
}

/**
 * The refusal of a new WebSocket when `openSockets` already reach `maxSockets` (`WS_MAX_SOCKETS`): 503 with
 * `Retry-After`, answered at the upgrade, before graphql-ws spends anything on the socket. Undefined: admit it.
 */
export function refuseBeyondSocketLimit(openSockets: number, maxSockets: number): UpgradeRefusal | undefined {
  if (openSockets < maxSockets) return undefined;
  return {
    status: 503,
    message: "Too many open WebSockets (WS_MAX_SOCKETS); retry later",
    headers: { "Retry-After": String(SOCKET_LIMIT_RETRY_AFTER_SECONDS) },
  };
}

/**
 * The error answered to a `subscribe` message when the socket already runs `maxPerSocket` operations
 * (`WS_MAX_SUBSCRIPTIONS_PER_SOCKET`), counting this one. The socket stays open; completing an operation
 * frees its slot. Undefined: admit it.
 */
export function refuseBeyondSubscriptionLimit(
  operationsWithThis: number,
  maxPerSocket: number,
): GraphQLError | undefined {
  if (operationsWithThis <= maxPerSocket) return undefined;
  return new GraphQLError(
    `This socket already runs ${maxPerSocket} operations, the most one socket may (WS_MAX_SUBSCRIPTIONS_PER_SOCKET). ` +
      "Complete one first, or open another socket.",
    { extensions: { code: "SUBSCRIPTION_LIMIT_EXCEEDED", limit: maxPerSocket } },
  );
}
