// One urql client per signed-in credential: queries and mutations over HTTP POST to /graphql, subscriptions over
// graphql-ws on the same origin, both carrying the credential (the gateway serves the console itself: no CORS).
import { Client, cacheExchange, fetchExchange, mapExchange, subscriptionExchange } from "@urql/core";
import { createClient as createWsClient, type Client as WsClient } from "graphql-ws";
import { SocketStatusStore, trackSocket } from "./socket-status.js";

/** The urql client, its WebSocket client and the socket's status, for one credential. */
export interface GatewayClient {
  urql: Client;
  ws: WsClient;
  socketStatus: SocketStatusStore;
  /** Close the socket and stop every subscription (sign-out). */
  dispose(): void;
}

/** Options of {@link createGatewayClient}. */
export interface GatewayClientOptions {
  /** The API key or JWT. */
  credential: string;
  /** The gateway's origin. @default window.location.origin */
  origin?: string;
  /** Told when the gateway refuses the credential (401: a JWT expired, a key was revoked). */
  onUnauthorized?: (message: string) => void;
}

/** The close code the gateway ends a socket with when its credential is missing, refused or expired. */
export const FORBIDDEN_CLOSE_CODE = 4403;

/** A subscription ended because its socket closed for good (graphql-ws hands the close event over). */
export class SocketClosedError extends Error {
  override name = "SocketClosedError";
  constructor(
    readonly closeCode: number | undefined,
    reason: string,
  ) {
    super(
      reason ? `The live connection closed: ${reason}` : `The live connection closed (code ${closeCode}).`,
    );
  }
}

function closeCodeOf(event: unknown): number | undefined {
  return typeof event === "object" && event !== null && "code" in event && typeof event.code === "number"
    ? event.code
    : undefined;
}

// graphql-ws errors a sink with an Error, a list of GraphQL errors, or a CloseEvent; urql takes the first two.
function asError(error: unknown): unknown {
  if (error instanceof Error || Array.isArray(error)) return error;
  const reason = typeof error === "object" && error !== null && "reason" in error ? String(error.reason) : "";
  return new SocketClosedError(closeCodeOf(error), reason);
}

/** The WebSocket URL of the gateway at `origin` (`http:` → `ws:`, `https:` → `wss:`). */
export function webSocketUrl(origin: string): string {
  return `${origin.replace(/^http/, "ws")}/graphql`;
}

/** A client for the gateway at `origin`, signed in with `credential`. */
export function createGatewayClient(options: GatewayClientOptions): GatewayClient {
  const origin = options.origin ?? window.location.origin;
  const authorization = `Bearer ${options.credential}`;
  const socketStatus = new SocketStatusStore();
  const tracker = trackSocket(socketStatus);
  const ws = createWsClient({
    url: webSocketUrl(origin),
    connectionParams: { authorization },
    lazy: true,
    // Kept open a moment after the last subscription ends, so that a page switch or a new filter reuses the socket:
    // closed at once, a subscription made meanwhile would wait for graphql-ws's retry (1–4 s) on a new one.
    lazyCloseTimeout: 2_000,
    // Subscriptions that must not miss anything resume from their own cursor (see live feeds); a retry here only
    // brings the socket back.
    retryAttempts: Number.POSITIVE_INFINITY,
    // A refused credential (4403) stays refused: signing in again is the way back.
    shouldRetry: (event) => closeCodeOf(event) !== FORBIDDEN_CLOSE_CODE,
    keepAlive: 10_000,
    on: {
      ...tracker,
      closed: (event) => {
        // The gateway closes with 4403 when the credential is refused or expires (a JWT's exp): sign in again.
        if (closeCodeOf(event) === FORBIDDEN_CLOSE_CODE) {
          const reason = (event as { reason?: string }).reason;
          options.onUnauthorized?.(reason || "the gateway no longer accepts the credential.");
          return;
        }
        tracker.closed(event);
      },
    },
  });
  const urql = new Client({
    url: `${origin}/graphql`,
    preferGetMethod: false,
    requestPolicy: "cache-and-network",
    fetchOptions: () => ({ headers: { authorization } }),
    exchanges: [
      mapExchange({
        onError(error) {
          const status = (error.response as Response | undefined)?.status;
          const closedUnauthorized =
            error.networkError instanceof SocketClosedError &&
            error.networkError.closeCode === FORBIDDEN_CLOSE_CODE;
          if (status === 401 || closedUnauthorized) {
            options.onUnauthorized?.(
              error.graphQLErrors[0]?.message ?? "The gateway refused the credential.",
            );
          }
        },
      }),
      cacheExchange,
      fetchExchange,
      subscriptionExchange({
        forwardSubscription: (request) => ({
          subscribe: (sink) => ({
            unsubscribe: ws.subscribe(
              { ...request, query: request.query ?? "" },
              {
                next: sink.next.bind(sink),
                complete: sink.complete.bind(sink),
                error: (e) => sink.error(asError(e)),
              },
            ),
          }),
        }),
      }),
    ],
  });
  return {
    urql,
    ws,
    socketStatus,
    dispose: () => {
      void ws.dispose();
    },
  };
}
