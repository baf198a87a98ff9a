// Typed GraphQL documents: gql.tada reads the gateway's committed schema.graphql (generated into graphql-env.d.ts
// by `gql.tada generate output`, which the build runs first), so every operation is checked against the API.
import { initGraphQLTada } from "gql.tada";
import type { introspection } from "./graphql-env.d.ts";

/** Write an operation: its result and variables are typed from the gateway's schema. */
export const graphql = initGraphQLTada<{
  introspection: introspection;
  scalars: { DateTime: string; JSON: unknown };
}>();

export type { FragmentOf, ResultOf, VariablesOf } from "gql.tada";
export { readFragment } from "gql.tada";
