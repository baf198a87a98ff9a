import {
  createSourceEventStream,
  type ExecutionArgs,
  type ExecutionResult,
  execute,
  getOperationAST,
  Kind,
} from "graphql";
import type { Plugin } from "graphql-yoga";

/** Options for {@link useSharedSubscriptionEvents}. */
export interface SharedSubscriptionEventsOptions {
  /**
   * Subscription root fields whose events may be shared: every field their payloads select must resolve
   * from the event and from what `partitionBy` names alone, never from anything else of the subscriber's
   * context (no per-user data, no per-user checks).
   */
  fields: readonly string[];
  /**
   * What, in a subscriber's context, changes what the shared fields resolve to (the caller's role, which
   * decides masking and access): subscribers share an execution only when this agrees. @default none
   */
  partitionBy?: (contextValue: unknown) => string;
}

type Cached = ExecutionResult | Promise<ExecutionResult>;

// Per event (the payload object the feed hands to every subscriber), the results computed so far, by
// what was asked. Weak: an event's results go with the event.
const resultsByEvent = new WeakMap<object, Map<string, Cached>>();
const documentIds = new WeakMap<object, number>();
let nextDocumentId = 1;

function sharingKey(args: ExecutionArgs, partition: string): string {
  let id = documentIds.get(args.document);
  if (id === undefined) {
    id = nextDocumentId++;
    documentIds.set(args.document, id);
  }
  return `${partition}\u0000${id}\u0000${args.operationName ?? ""}\u0000${JSON.stringify(args.variableValues ?? {})}`;
}

function executeOnce(payload: unknown, key: string, args: ExecutionArgs): Cached {
  if (payload === null || typeof payload !== "object") return execute({ ...args, rootValue: payload });
  let results = resultsByEvent.get(payload);
  if (!results) {
    results = new Map();
    resultsByEvent.set(payload, results);
  }
  let result = results.get(key);
  if (!result) {
    result = execute({ ...args, rootValue: payload });
    results.set(key, result);
  }
  return result;
}

/**
 * An async iterator over `source` mapped by `map`, passing `return()` on so that the source lets go at once.
 * A failing source fails the iterator with its error as it is, as graphql-js's own mapping does (the
 * subscription fields guard their streams, see `guardStream`).
 */
function mapEvents(
  source: AsyncIterableIterator<unknown>,
  map: (payload: unknown) => Cached,
): AsyncIterableIterator<ExecutionResult> {
  return {
    async next() {
      const step = await source.next();
      if (step.done) return { done: true, value: undefined };
      return { done: false, value: await map(step.value) };
    },
    async return() {
      await source.return?.();
      return { done: true, value: undefined };
    },
    async throw(error?: unknown) {
      await source.return?.();
      throw error;
    },
    [Symbol.asyncIterator]() {
      return this;
    },
  };
}

/**
 * Executes each event of the given subscriptions once for all the subscribers that asked the same thing
 * (same document, operation, variables and partition, e.g. role), instead of once per subscriber: with a thousand subscribers on
 * `callEvents`, resolving and completing the selected fields of every event a thousand times was the
 * largest cost of the fan-out after the socket writes. Other subscriptions run as before. Masking and the other plugins'
 * result hooks still apply to each subscriber's results.
 */
export function useSharedSubscriptionEvents(options: SharedSubscriptionEventsOptions): Plugin {
  const shared = new Set(options.fields);
  return {
    onSubscribe({ args, setSubscribeFn }) {
      const operation = getOperationAST(args.document, args.operationName);
      const selections = operation?.selectionSet.selections ?? [];
      const root = selections.length === 1 ? selections[0] : undefined;
      if (root?.kind !== Kind.FIELD || !shared.has(root.name.value)) return;
      setSubscribeFn(async (subscribeArgs: ExecutionArgs) => {
        const source = await createSourceEventStream(subscribeArgs);
        if (!(Symbol.asyncIterator in source)) return source;
        const key = sharingKey(subscribeArgs, options.partitionBy?.(subscribeArgs.contextValue) ?? "");
        return mapEvents(source as AsyncIterableIterator<unknown>, (payload) =>
          executeOnce(payload, key, subscribeArgs),
        );
      });
    },
  };
}
