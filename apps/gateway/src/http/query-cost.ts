import { createComplexityRule } from "@pothos/plugin-complexity";
import { type DocumentNode, type GraphQLSchema, Kind, type TypeNode, validate } from "graphql";
import type { GraphQLParams, Plugin } from "graphql-yoga";
import { DEFAULT_PAGE_SIZE } from "../graphql/connection.js";
import { UNPAGED_LIST_SIZE } from "../graphql/field-cost.js";
import type { Logger } from "../shared/logger.js";
import { logQueryRefusal, queryRefusal } from "./query-refusal.js";

/** Options for {@link useQueryCost}. */
export interface QueryCostOptions {
  /** `GRAPHQL_MAX_COST`: the highest cost of an operation. */
  maxCost: number;
  /** Where refusals are logged (sampled, with an excerpt of the document). */
  logger: Logger;
}

/** Whether a variable of this type can change a cost: an `Int` (`first`, `last`) or a list (`nodes(ids)`). */
function sizesLists(type: TypeNode): boolean {
  const nullable = type.kind === Kind.NON_NULL_TYPE ? type.type : type;
  return nullable.kind === Kind.LIST_TYPE || nullable.name.value === "Int";
}

/**
 * Whether the cost of `document` depends on the document alone: `fieldCost` reads only `first`, `last` and list
 * arguments, so variables of other types (a cursor, a filter) leave it unchanged.
 */
function costIgnoresVariables(document: DocumentNode): boolean {
  return document.definitions.every(
    (definition) =>
      definition.kind !== Kind.OPERATION_DEFINITION ||
      !definition.variableDefinitions?.some((variable) => sizesLists(variable.type)),
  );
}

/**
 * The cost of the operation a request runs, by `@pothos/plugin-complexity` with each field's cost from
 * `graphql/field-cost.ts`: the highest of the document's operations when no name is given. Undefined when it
 * cannot be measured (unknown operation name, invalid variables): execution refuses those in its own words.
 */
function operationCost(
  schema: GraphQLSchema,
  document: DocumentNode,
  params: Partial<GraphQLParams>,
): number | undefined {
  let cost: number | undefined;
  const rule = createComplexityRule({
    context: {},
    variableValues: (params.variables ?? {}) as Record<string, unknown>,
    operationName: params.operationName ?? null,
    validate: ({ complexity }) => {
      cost = Math.max(cost ?? 0, complexity);
    },
  });
  validate(schema, document, [rule]);
  return cost;
}

/**
 * Refuse an operation whose cost is above `maxCost`, after validation and before anything runs, over HTTP (400)
 * and graphql-ws (an `error` message) alike. The cost multiplies list sizes through nesting (a connection's
 * `first`), which GraphQL Armor's own cost does not. It depends on the request's variables, so it is computed
 * for each request after Yoga's (per document) validation cache, and remembered per document when no variable
 * can change it (pages of a list read with `$after` cost one computation).
 */
export function useQueryCost({ maxCost, logger }: QueryCostOptions): Plugin {
  const remembered = new WeakMap<DocumentNode, Map<string, number>>();

  function costOf(schema: GraphQLSchema, document: DocumentNode, params: Partial<GraphQLParams>) {
    if (!costIgnoresVariables(document)) return operationCost(schema, document, params);
    const name = params.operationName ?? "";
    const known = remembered.get(document)?.get(name);
    if (known !== undefined) return known;
    const cost = operationCost(schema, document, params);
    // Not measured (invalid variables, an unknown name) is not remembered: the next request is measured.
    if (cost !== undefined) {
      const byOperation = remembered.get(document) ?? new Map<string, number>();
      byOperation.set(name, cost);
      remembered.set(document, byOperation);
    }
    return cost;
  }

  return {
    onValidate({ context, params: { schema, documentAST } }) {
      return ({ valid, result, setResult }) => {
        if (!valid) return;
        const params = (context as { params?: Partial<GraphQLParams> }).params ?? {};
        const cost = costOf(schema, documentAST, params);
        if (cost === undefined || cost <= maxCost) return;
        const refusal = queryRefusal(
          "COST_LIMIT_EXCEEDED",
          `Query cost ${cost} exceeds the limit of ${maxCost}: every field costs 1, and a list multiplies what is ` +
            `selected under it by its \`first\` (${DEFAULT_PAGE_SIZE} when absent, ${UNPAGED_LIST_SIZE} for a list without ` +
            "`first`). Ask for smaller pages or fewer fields.",
        );
        logQueryRefusal(logger, refusal, documentAST.loc?.source.body);
        setResult([...result, refusal]);
      };
    },
  };
}
