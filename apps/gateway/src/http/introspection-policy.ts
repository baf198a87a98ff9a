import { BREAK, type DocumentNode, GraphQLError, Kind, visit } from "graphql";
import type { Plugin } from "graphql-yoga";
import { hasRole } from "../auth/roles.js";
import type { GatewayContext } from "../graphql/context.js";

function asksForSchema(document: DocumentNode): boolean {
  let found = false;
  visit(document, {
    [Kind.FIELD](node) {
      if (node.name.value === "__schema" || node.name.value === "__type") {
        found = true;
        return BREAK;
      }
      return undefined;
    },
  });
  return found;
}

/**
 * In production, viewers may not introspect the schema (`__schema`, `__type`); operators and admins, who
 * build against it, may. Outside production everyone may. Checked at execution, where the caller is known, so
 * that Yoga's validation cache (shared by every caller) is left alone.
 */
export function useIntrospectionPolicy(options: { production: boolean }): Plugin<GatewayContext> {
  return {
    onExecute({ args, setResultAndStopExecution }) {
      if (!options.production) return;
      const { caller } = args.contextValue as GatewayContext;
      if (hasRole(caller.role, "operator") || !asksForSchema(args.document)) return;
      setResultAndStopExecution({
        errors: [
          new GraphQLError("Introspection is not available to the viewer role in production.", {
            extensions: { code: "FORBIDDEN" },
          }),
        ],
      });
    },
  };
}
