import type { Server } from "node:http";
import { type ExecutionArgs, GraphQLError } from "graphql";
import { CloseCode } from "graphql-ws";
import { type Extra, useServer } from "graphql-ws/use/ws";
import { WebSocketServer } from "ws";
import type { Authenticator } from "../auth/authenticator.js";
import { AuthenticationError, type Caller } from "../auth/caller.js";
import type { Logger } from "../shared/logger.js";
import { type WaitUntil, waitUntil } from "../shared/wait-until.js";
import { logRefusal } from "./authentication.js";
import type { OriginPolicy } from "./origin-policy.js";
import type { GatewayYoga } from "./yoga.js";

/** Largest WebSocket message accepted (a subscribe message with its query and variables). */
const MAX_MESSAGE_BYTES = 64 * 1024;

/** What the gateway keeps on each socket, beside graphql-ws's own `Extra`. */
interface SocketExtra extends Extra {
  caller?: Caller;
  /** The wait for the caller's JWT to expire, if it has one. */
  expiry?: WaitUntil;
}

/** graphql-ws served on the same server and path as GraphQL over HTTP. */
export interface GraphQLWebSocket {
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
  logger?: Logger;
}

/** Close the socket with 4403 once its caller's credentials expire (a JWT's `exp`). */
function closeAtExpiry(extra: SocketExtra, expiresAt: number): void {
  extra.expiry = waitUntil(expiresAt);
  void extra.expiry.done.then(() =>
    extra.socket.close(CloseCode.Forbidden, "Forbidden: the JWT has expired"),
  );
}

/**
 * The graphql-ws adapter: every operation runs through Yoga's envelop, so its plugins (error masking,
 * parse and validate caches, the caller's role) apply exactly as over HTTP. Built on graphql-ws's own
 * `useServer` for `ws`, following the recipe of Yoga's documentation for graphql-ws.
 *
 * A socket is authenticated once, at `connection_init`, with the same credentials as HTTP's `Authorization`
 * (in `connectionParams.authorization`); missing or bad credentials close it with 4403, as does the expiry of
 * its JWT. The upgrade of a page from an origin the gateway does not allow is refused with 403.
 */
export function attachGraphQLWebSocket(options: GraphQLWebSocketOptions): GraphQLWebSocket {
  const { server, yoga, authenticator, origins, logger } = options;
  const wsServer = new WebSocketServer({
    server,
    path: yoga.graphqlEndpoint,
    maxPayload: MAX_MESSAGE_BYTES,
    verifyClient: ({ origin, req }, allow) =>
      origins.allows(origin, req.headers.host)
        ? allow(true)
        : allow(false, 403, "Origin not allowed (GATEWAY_CORS_ORIGINS)"),
  });
  const disposable = useServer(
    {
      onConnect: async (ctx) => {
        const extra = ctx.extra as SocketExtra;
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
      onClose: (ctx) => (ctx.extra as SocketExtra).expiry?.cancel(),
      execute: (args) => (args.rootValue as EnvelopedRoot).execute(args) as never,
      subscribe: (args) => (args.rootValue as EnvelopedRoot).subscribe(args) as never,
      onSubscribe: async (ctx, _id, payload) => {
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
    wsServer,
  );
  let closing: Promise<void> | undefined;
  return {
    close() {
      closing ??= (async () => {
        for (const client of wsServer.clients) client.close(1001, "Going away");
        await disposable.dispose();
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
