import type { Server } from "node:http";
import { type ExecutionArgs, GraphQLError } from "graphql";
import { CloseCode, type Context } from "graphql-ws";
import { type WebSocket, WebSocketServer } from "ws";
import type { Authenticator } from "../auth/authenticator.js";
import { AuthenticationError, type Caller } from "../auth/caller.js";
import type { Logger } from "../shared/logger.js";
import { type WaitUntil, waitUntil } from "../shared/wait-until.js";
import { logRefusal } from "./authentication.js";
import { serveGraphQLOverWebSocket, type SocketExtra as TransportExtra } from "./graphql-ws-transport.js";
import type { OriginPolicy } from "./origin-policy.js";
import { keepSocketsAlive } from "./socket-keepalive.js";
import { refuseBeyondSocketLimit, refuseBeyondSubscriptionLimit } from "./socket-limits.js";
import type { GatewayYoga } from "./yoga.js";

/** Largest WebSocket message accepted (a subscribe message with its query and variables). */
const MAX_MESSAGE_BYTES = 64 * 1024;

/**
 * The close code of a socket whose client stopped reading while events were sent to it (it did not answer,
 * within a keep-alive interval, a ping queued behind them). Not fatal to graphql-ws clients: they reconnect, and a
 * `callEvents` subscriber resumes with `after` set to the last cursor it received.
 */
export const SLOW_CONSUMER_CLOSE_CODE = 4008;

/** The reason sent with {@link SLOW_CONSUMER_CLOSE_CODE} (at most 123 bytes, as WebSocket allows). */
export const SLOW_CONSUMER_CLOSE_REASON =
  "Subscriber too slow: reconnect and resume with `after` set to the last cursor";

/** What the gateway keeps on each socket, beside the socket and its upgrade request. */
interface SocketExtra extends TransportExtra {
  caller?: Caller;
  /** The wait for the caller's JWT to expire, if it has one. */
  expiry?: WaitUntil;
}

/** graphql-ws served on the same server and path as GraphQL over HTTP. */
export interface GraphQLWebSocket {
  /** WebSocket connections open now (authenticated or still before `connection_init`). */
  readonly openSockets: number;
  /** Subscriptions (streaming operations) running now, over every socket. */
  readonly openSubscriptions: number;
  /** Close every socket (1001 "Going away") and stop accepting new ones. Idempotent. */
  close(): Promise<void>;
}

/** What {@link attachGraphQLWebSocket} needs. */
export interface GraphQLWebSocketOptions {
  server: Server;
  yoga: GatewayYoga;
  /** Checks `connectionParams.authorization` at `connection_init`. */
  authenticator: Authenticator;
  /** Which pages may open a socket (the upgrade's `Origin`). */
  origins: OriginPolicy;
  logger: Logger;
  /** Most open sockets (`WS_MAX_SOCKETS`); beyond it an upgrade is answered 503 with `Retry-After`. */
  maxSockets: number;
  /** Most operations running on one socket (`WS_MAX_SUBSCRIPTIONS_PER_SOCKET`); beyond it `subscribe` gets an error. */
  maxSubscriptionsPerSocket: number;
  /** How often every socket is pinged, in ms (see `keepSocketsAlive`). @default 30000 */
  keepAliveMs?: number;
}

/** Close the socket with 4403 once its caller's credentials expire (a JWT's `exp`). */
function closeAtExpiry(extra: SocketExtra, expiresAt: number): void {
  extra.expiry = waitUntil(expiresAt);
  void extra.expiry.done.then(() =>
    extra.socket.close(CloseCode.Forbidden, "Forbidden: the JWT has expired"),
  );
}

/**
 * End every operation of a socket now (their streams' `return()`, which releases their feed and pub/sub
 * listeners), as graphql-ws does for a `complete` message, without waiting for the socket to finish closing.
 */
function endOperations(ctx: Context): void {
  for (const [id, operation] of Object.entries(ctx.subscriptions)) {
    delete ctx.subscriptions[id];
    if (operation && "return" in operation && typeof operation.return === "function") {
      void Promise.resolve(operation.return(undefined)).catch(() => {});
    }
  }
}

/**
 * The graphql-ws adapter: every operation runs through Yoga's envelop, so its plugins (error masking,
 * parse and validate caches, the caller's role) apply exactly as over HTTP, following the recipe of Yoga's
 * documentation for graphql-ws. graphql-ws's protocol is carried over `ws` by `serveGraphQLOverWebSocket`,
 * which logs every error through the gateway's logger.
 *
 * A socket is authenticated once, at `connection_init`, with the same credentials as HTTP's `Authorization`
 * (in `connectionParams.authorization`); missing or bad credentials close it with 4403, as does the expiry of
 * its JWT. The upgrade of a page from an origin the gateway does not allow is refused with 403.
 *
 * Bounded: beyond `maxSockets` open sockets an upgrade is refused with 503 and `Retry-After`; beyond
 * `maxSubscriptionsPerSocket` operations on one socket a `subscribe` is answered with an error message
 * (`SUBSCRIPTION_LIMIT_EXCEEDED`) and the socket stays open. Every socket is pinged each `keepAliveMs`: one
 * that has not answered by the next ping is terminated, or, if the gateway kept sending to it meanwhile (its
 * client stopped reading), closed with {@link SLOW_CONSUMER_CLOSE_CODE}; either way its operations end at
 * once, so their listeners go with it. A message over {@link MAX_MESSAGE_BYTES} closes its socket with 1009,
 * logged at debug as other refusals of a client are; a hook that fails unexpectedly closes it with 4500.
 */
export function attachGraphQLWebSocket(options: GraphQLWebSocketOptions): GraphQLWebSocket {
  const { server, yoga, authenticator, origins, logger, maxSockets, maxSubscriptionsPerSocket } = options;
  // Each socket's graphql-ws context, from `connection_init` on: its running operations.
  const contexts = new Map<WebSocket, Context>();
  const wsServer = new WebSocketServer({
    server,
    path: yoga.graphqlEndpoint,
    maxPayload: MAX_MESSAGE_BYTES,
    verifyClient: ({ origin, req }, allow) => {
      if (!origins.allows(origin, req.headers.host)) {
        return allow(false, 403, "Origin not allowed (GATEWAY_CORS_ORIGINS)");
      }
      // Synchronous from here to the socket's registration in `clients`, so the count cannot race.
      const refusal = refuseBeyondSocketLimit(wsServer.clients.size, maxSockets);
      if (refusal) return allow(false, refusal.status, refusal.message, refusal.headers);
      allow(true);
    },
  });
  const keepAlive = keepSocketsAlive(wsServer, {
    intervalMs: options.keepAliveMs ?? 30_000,
    onSlowConsumer: (socket) => {
      logger.warn(
        { openOperations: socketOperations(socket) },
        "closing a WebSocket whose client stopped reading",
      );
      socket.close(SLOW_CONSUMER_CLOSE_CODE, SLOW_CONSUMER_CLOSE_REASON);
      const ctx = contexts.get(socket);
      if (ctx) endOperations(ctx);
    },
  });
  const socketOperations = (socket: WebSocket) => {
    const ctx = contexts.get(socket);
    return ctx ? Object.keys(ctx.subscriptions).length : 0;
  };
  serveGraphQLOverWebSocket(
    wsServer,
    {
      onConnect: async (ctx) => {
        const extra = ctx.extra as SocketExtra;
        contexts.set(extra.socket, ctx);
        const authorization = ctx.connectionParams?.authorization;
        try {
          extra.caller = await authenticator.authenticate(
            typeof authorization === "string" ? authorization : null,
          );
        } catch (error) {
          if (!(error instanceof AuthenticationError)) throw error;
          logRefusal(logger, error);
          // graphql-ws closes with 4403 "Forbidden"; the reason says why, for the client's developer.
          extra.socket.close(CloseCode.Forbidden, `Forbidden: ${error.message}`.slice(0, 120));
          return false;
        }
        if (extra.caller.expiresAt !== undefined) closeAtExpiry(extra, extra.caller.expiresAt);
        return true;
      },
      onClose: (ctx) => {
        const extra = ctx.extra as SocketExtra;
        extra.expiry?.cancel();
        contexts.delete(extra.socket);
      },
      execute: (args) => (args.rootValue as EnvelopedRoot).execute(args) as never,
      subscribe: (args) => (args.rootValue as EnvelopedRoot).subscribe(args) as never,
      onSubscribe: async (ctx, _id, payload) => {
        // graphql-ws has already registered this operation in `subscriptions`: it counts, as do those still
        // starting, so that a burst of `subscribe` messages cannot pass the limit before any has started.
        const overLimit = refuseBeyondSubscriptionLimit(
          Object.keys(ctx.subscriptions).length,
          maxSubscriptionsPerSocket,
        );
        if (overLimit) return [overLimit];
        const { caller } = ctx.extra as SocketExtra;
        const { schema, execute, subscribe, contextFactory, parse, validate } = yoga.getEnveloped({
          ...ctx,
          req: ctx.extra.request,
          socket: ctx.extra.socket,
          params: payload,
          caller,
        });
        let document: ExecutionArgs["document"];
        try {
          document = parse(payload.query);
        } catch (error) {
          // A syntax error or a refused document is the client's: answer it as an error message, keep the
          // socket open.
          if (error instanceof GraphQLError) return [withoutHttpStatus(error)];
          throw error;
        }
        const args: ExecutionArgs = {
          schema,
          operationName: payload.operationName ?? null,
          document,
          variableValues: payload.variables ?? null,
          contextValue: await contextFactory(),
          rootValue: { execute, subscribe } satisfies EnvelopedRoot,
        };
        const errors = validate(args.schema, args.document);
        if (errors.length > 0) return errors.map(withoutHttpStatus);
        return args;
      },
    },
    logger,
  );
  let closing: Promise<void> | undefined;
  return {
    get openSockets() {
      return wsServer.clients.size;
    },
    get openSubscriptions() {
      // graphql-ws keeps each operation of a socket under its id: null while it starts, the result stream
      // once it is a subscription; a query or mutation is removed as soon as its one result is sent.
      let open = 0;
      for (const ctx of contexts.values()) {
        for (const operation of Object.values(ctx.subscriptions)) if (operation !== null) open += 1;
      }
      return open;
    },
    close() {
      closing ??= (async () => {
        keepAlive.stop();
        for (const client of wsServer.clients) client.close(1001, "Going away");
        await new Promise<void>((resolve) => wsServer.close(() => resolve()));
      })();
      return closing;
    },
  };
}

/**
 * The error without `extensions.http` (the HTTP status of a refusal, which Yoga reads and leaves out over HTTP,
 * and which has no meaning in a graphql-ws message).
 */
function withoutHttpStatus(error: GraphQLError): GraphQLError {
  if (error.extensions.http === undefined) return error;
  const { http: _http, ...extensions } = error.extensions;
  return new GraphQLError(error.message, {
    nodes: error.nodes ?? null,
    source: error.source ?? null,
    positions: error.positions ?? null,
    path: error.path ?? null,
    originalError: error.originalError ?? null,
    extensions,
  });
}

/** Envelop's execute and subscribe, carried to graphql-ws's hooks in `rootValue`. */
interface EnvelopedRoot {
  execute(args: ExecutionArgs): unknown;
  subscribe(args: ExecutionArgs): unknown;
}
