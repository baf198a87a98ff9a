import type { GraphQLResolveInfo, ResponsePath } from "graphql";
import type { Executor } from "../database/database.js";
import { createLoaders, type Loaders } from "./loaders.js";
import { createPlatformCallBudget, type PlatformCallBudget } from "./platform-call-budget.js";

/** What the resolvers of one execution of an operation share, and nothing outside it. */
export interface ExecutionScope {
  /** The execution's DataLoaders (per root field in a mutation, whose fields change what they read). */
  loaders: Loaders;
  /** The platform calls the execution may still make. */
  platformCalls: PlatformCallBudget;
}

/** What {@link createExecutionScopes} needs. */
export interface ExecutionScopeOptions {
  db: Executor;
  /** The clock of binding lifetimes and activity windows. */
  now: () => Date;
  /** `GRAPHQL_MAX_PLATFORM_CALLS`: the budget of each execution. */
  maxPlatformCalls: number;
}

interface Scope {
  loaders: Loaders;
  platformCalls: PlatformCallBudget;
  /** In a mutation: the root field the loaders were made for. */
  rootField?: string | number;
}

function rootFieldOf(path: ResponsePath): string | number {
  let at = path;
  while (at.prev) at = at.prev;
  return at.key;
}

/**
 * The scopes of one GraphQL context, by execution: a query or mutation is one execution, but a
 * subscription's context lives as long as the subscription and each event is executed anew, with the event
 * as its root value (also when `useSharedSubscriptionEvents` executes it once for many subscribers). A scope
 * is therefore kept per root value: a loader never serves a row read for an earlier event, and each event
 * gets its own platform-call budget. Mutation fields run one after the other and may change rows, so each
 * root field of a mutation gets fresh loaders (the budget stays the request's).
 */
export function createExecutionScopes({
  db,
  now,
  maxPlatformCalls,
}: ExecutionScopeOptions): (info: GraphQLResolveInfo) => ExecutionScope {
  const byRoot = new WeakMap<object, Scope>();
  let withoutRoot: Scope | undefined;
  const create = (): Scope => ({
    loaders: createLoaders(db, now),
    platformCalls: createPlatformCallBudget(maxPlatformCalls),
  });
  return (info) => {
    const root: unknown = info.rootValue;
    let scope: Scope;
    if (root !== null && typeof root === "object") {
      let known = byRoot.get(root);
      if (!known) {
        known = create();
        byRoot.set(root, known);
      }
      scope = known;
    } else {
      withoutRoot ??= create();
      scope = withoutRoot;
    }
    if (info.operation.operation === "mutation") {
      const rootField = rootFieldOf(info.path);
      if (scope.rootField !== rootField) {
        scope.rootField = rootField;
        scope.loaders = createLoaders(db, now);
      }
    }
    return scope;
  };
}
