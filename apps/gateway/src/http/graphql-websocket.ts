import type { Server } from "node:http";
import { type ExecutionArgs, GraphQLError } from "graphql";
import { useServer } from "graphql-ws/use/ws";
import { WebSocketServer } from "ws";
import type { GatewayYoga } from "./yoga.js";

/** Largest WebSocket message accepted (a subscribe message with its query and variables). */
const MAX_MESSAGE_BYTES = 64 * 1024;

/** graphql-ws served on the same server and path as GraphQL over HTTP. */
export interface GraphQLWebSocket {
  /** Close every socket (1001 "Going away") and stop accepting new ones. Idempotent. */
  close(): Promise<void>;
}

/**
 * The graphql-ws adapter: every operation runs through Yoga's envelop, so its plugins (error masking,
 * parse and validate caches, context) apply exactly as over HTTP. Built on graphql-ws's own `useServer` for
 * `ws`, following the recipe of Yoga's documentation for graphql-ws.
 */
export function attachGraphQLWebSocket(server: Server, yoga: GatewayYoga): GraphQLWebSocket {
  const wsServer = new WebSocketServer({ server, path: yoga.graphqlEndpoint, maxPayload: MAX_MESSAGE_BYTES });
  const disposable = useServer(
    {
      execute: (args) => (args.rootValue as EnvelopedRoot).execute(args) as never,
      subscribe: (args) => (args.rootValue as EnvelopedRoot).subscribe(args) as never,
      onSubscribe: async (ctx, _id, payload) => {
        const { schema, execute, subscribe, contextFactory, parse, validate } = yoga.getEnveloped({
          ...ctx,
          req: ctx.extra.request,
          socket: ctx.extra.socket,
          params: payload,
        });
        let document: ExecutionArgs["document"];
        try {
          document = parse(payload.query);
        } catch (error) {
          // A syntax error is the client's: answer it as an error message, keep the socket open.
          if (error instanceof GraphQLError) return [error];
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
        if (errors.length > 0) return errors;
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

/** Envelop's execute and subscribe, carried to graphql-ws's hooks in `rootValue`. */
interface EnvelopedRoot {
  execute(args: ExecutionArgs): unknown;
  subscribe(args: ExecutionArgs): unknown;
}
