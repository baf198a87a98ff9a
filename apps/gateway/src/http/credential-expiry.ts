import { type ExecutionResult, GraphQLError } from "graphql";
import { isAsyncIterable, type Plugin } from "graphql-yoga";
import type { GatewayContext } from "../graphql/context.js";
import { waitUntil } from "../shared/wait-until.js";

function expired(): ExecutionResult {
  return {
    errors: [
      new GraphQLError("The JWT has expired: subscribe again with a fresh one.", {
        extensions: { code: "UNAUTHENTICATED" },
      }),
    ],
  };
}

/** `source`, ended at `expiresAt` with one last result saying why (and the source let go). */
function endAtExpiry(
  source: AsyncIterable<ExecutionResult>,
  expiresAt: number,
): AsyncIterableIterator<ExecutionResult> {
  const iterator = source[Symbol.asyncIterator]();
  const expiry = waitUntil(expiresAt);
  let ended = false;
  const end = async () => {
    ended = true;
    expiry.cancel();
    await iterator.return?.();
  };
  return {
    async next() {
      if (ended) return { done: true, value: undefined };
      const step = await Promise.race([iterator.next(), expiry.done.then(() => "expired" as const)]);
      if (step !== "expired") {
        if (step.done) expiry.cancel();
        return step;
      }
      await end();
      return { done: false, value: expired() };
    },
    async return() {
      await end();
      return { done: true, value: undefined };
    },
    async throw(error?: unknown) {
      await end();
      throw error;
    },
    [Symbol.asyncIterator]() {
      return this;
    },
  };
}

/**
 * A subscription lives no longer than the credentials it was made with: one made with a JWT ends at the JWT's
 * `exp`, with a last `UNAUTHENTICATED` error. This is what ends subscriptions over HTTP (server-sent events);
 * over WebSocket, graphql-websocket.ts closes the whole socket with 4403 at that moment too.
 */
export function useCredentialExpiry(): Plugin<GatewayContext> {
  return {
    onSubscribe({ args }) {
      const { expiresAt } = (args.contextValue as GatewayContext).caller;
      if (expiresAt === undefined) return;
      return {
        onSubscribeResult({ result, setResult }) {
          if (isAsyncIterable(result))
            setResult(endAtExpiry(result as AsyncIterable<ExecutionResult>, expiresAt));
        },
      };
    },
  };
}
