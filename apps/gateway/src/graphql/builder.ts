import SchemaBuilder from "@pothos/core";
import ComplexityPlugin from "@pothos/plugin-complexity";
import ErrorsPlugin from "@pothos/plugin-errors";
import RelayPlugin from "@pothos/plugin-relay";
import ScopeAuthPlugin from "@pothos/plugin-scope-auth";
import { GraphQLError } from "graphql";
import { hasRole } from "../auth/roles.js";
import { sampledLog } from "../shared/sampled-log.js";
import type { GatewayContext } from "./context.js";
import { fieldCost } from "./field-cost.js";

/** The one SchemaBuilder; each domain's `*.graphql.ts` adds its types and fields to it. */
export const builder = new SchemaBuilder<{
  Context: GatewayContext;
  // A caller holds the scopes of its role and of every role below it: admin ⊇ operator ⊇ viewer.
  AuthScopes: { viewer: boolean; operator: boolean; admin: boolean };
  Scalars: {
    DateTime: { Input: Date; Output: Date };
    JSON: { Input: unknown; Output: unknown };
  };
  // Fields are non-null unless marked `nullable: true`: the schema says where absence is possible.
  DefaultFieldNullability: false;
  DefaultEdgesNullability: false;
  DefaultNodeNullability: false;
}>({
  // Scope checks first, so that no other plugin's wrapper runs for a caller who may not use the field.
  // ComplexityPlugin only records each field's cost (fieldCost); the limit is checked before execution, by
  // http/query-cost.ts, with the request's variables.
  plugins: [ScopeAuthPlugin, ErrorsPlugin, RelayPlugin, ComplexityPlugin],
  scopeAuth: {
    // A subscription is refused when it is made, not at its first event.
    authorizeOnSubscribe: true,
    authScopes: ({ caller }) => ({
      viewer: hasRole(caller.role, "viewer"),
      operator: hasRole(caller.role, "operator"),
      admin: hasRole(caller.role, "admin"),
    }),
    unauthorizedError: (_parent, { caller, services }, info) => {
      const field = `${info.parentType.name}.${info.fieldName}`;
      const { actor, role, via } = caller;
      // Sampled per actor and field: a client repeating a refused request cannot flood the log.
      sampledLog(services.logger).write(
        "warn",
        `refused:${actor}:${field}`,
        { audit: "refused", actor, role, via, field },
        `${field} refused to ${actor}`,
      );
      return new GraphQLError(`The ${role} role may not use ${field}.`, {
        extensions: { code: "FORBIDDEN" },
      });
    },
  },
  complexity: { fieldComplexity: fieldCost, disabled: true },
  defaultFieldNullability: false,
  relay: {
    cursorType: "String",
    edgesFieldOptions: { nullable: false },
    nodeFieldOptions: { nullable: false },
  },
  errors: { defaultTypes: [] },
});
