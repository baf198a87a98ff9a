import {
  type GraphQLCompositeType,
  type GraphQLField,
  type GraphQLNamedType,
  getNamedType,
  getNullableType,
  isCompositeType,
  isIntrospectionType,
  isListType,
  Kind,
  SchemaMetaFieldDef,
  type SelectionSetNode,
  TypeMetaFieldDef,
  type ValidationContext,
  type ValidationRule,
} from "graphql";
import type { Plugin } from "graphql-yoga";
import type { Logger } from "../shared/logger.js";
import { logQueryRefusal, queryRefusal } from "./query-refusal.js";

/**
 * Most lists of the introspection types nested in one another: GraphiQL's introspection query nests three
 * (`types` → `fields` → `args`).
 */
export const MAX_INTROSPECTION_LIST_NESTING = 3;

/** The field `name` of `type`, the meta fields `__schema` and `__type` included. */
function fieldOf(type: GraphQLCompositeType, name: string): GraphQLField<unknown, unknown> | undefined {
  if (name === "__schema") return SchemaMetaFieldDef;
  if (name === "__type") return TypeMetaFieldDef;
  return "getFields" in type ? type.getFields()[name] : undefined;
}

/**
 * How deep lists of the introspection types nest under `selectionSet`, through fragments (a fragment being
 * counted where it is spread). Fragments already on the path are skipped: their cycle is a validation error
 * of its own.
 */
function introspectionListNesting(
  context: ValidationContext,
  selectionSet: SelectionSetNode,
  type: GraphQLNamedType,
  onPath: Set<string>,
): number {
  let deepest = 0;
  for (const selection of selectionSet.selections) {
    if (selection.kind === Kind.FIELD) {
      const field = isCompositeType(type) ? fieldOf(type, selection.name.value) : undefined;
      if (!field) continue;
      const own = isIntrospectionType(type) && isListType(getNullableType(field.type)) ? 1 : 0;
      const below = selection.selectionSet
        ? introspectionListNesting(context, selection.selectionSet, getNamedType(field.type), onPath)
        : 0;
      deepest = Math.max(deepest, own + below);
    } else if (selection.kind === Kind.INLINE_FRAGMENT) {
      const condition =
        selection.typeCondition && context.getSchema().getType(selection.typeCondition.name.value);
      deepest = Math.max(
        deepest,
        introspectionListNesting(context, selection.selectionSet, condition ?? type, onPath),
      );
    } else {
      const name = selection.name.value;
      const fragment = context.getFragment(name);
      const condition = fragment && context.getSchema().getType(fragment.typeCondition.name.value);
      if (!fragment || !condition || onPath.has(name)) continue;
      onPath.add(name);
      deepest = Math.max(
        deepest,
        introspectionListNesting(context, fragment.selectionSet, condition, onPath),
      );
      onPath.delete(name);
    }
  }
  return deepest;
}

/**
 * Refuse an operation that nests lists of the introspection types more than
 * {@link MAX_INTROSPECTION_LIST_NESTING} deep. The depth limit leaves `__schema` out (GraphiQL's own query is 15
 * deep), and each nested list multiplies the answer by up to the number of types or fields
 * (`types { fields { type { fields { type { fields … } } } } }` grows exponentially with its depth), so this
 * bounds introspection where it costs.
 */
export function useIntrospectionNestingLimit(logger: Logger): Plugin {
  const rule: ValidationRule = (context) => ({
    OperationDefinition(operation) {
      const root = context.getSchema().getRootType(operation.operation);
      if (!root) return;
      const nesting = introspectionListNesting(context, operation.selectionSet, root, new Set());
      if (nesting <= MAX_INTROSPECTION_LIST_NESTING) return;
      const refusal = queryRefusal(
        "DEPTH_LIMIT_EXCEEDED",
        `Introspection lists nested ${nesting} deep; at most ${MAX_INTROSPECTION_LIST_NESTING} are allowed.`,
      );
      logQueryRefusal(logger, refusal, context.getDocument().loc?.source.body);
      context.reportError(refusal);
    },
  });
  return {
    onValidate({ addValidationRule }) {
      addValidationRule(rule);
    },
  };
}
