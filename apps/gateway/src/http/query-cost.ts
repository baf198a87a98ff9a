import { createComplexityRule } from "@pothos/plugin-complexity";
import { type DocumentNode, type GraphQLSchema, Kind, validate } from "graphql";
import type { GraphQLParams, Plugin } from "graphql-yoga";
import type { Logger } from "../shared/logger.js";
import { logQueryRefusal, queryRefusal } from "./query-refusal.js";

/** Options for {@link useQueryCost}. */
export interface QueryCostOptions {
  /** `GRAPHQL_MAX_COST`: the highest cost of an operation. */
  maxCost: number;
  logger: Logger;
}

/** Whether no operation of `document` declares variables: its cost then depends on the document alone. */
function withoutVariables(document: DocumentNode): boolean {
  return document.definitions.every(
    (definition) => definition.kind !== Kind.OPERATION_DEFINITION || !definition.variableDefinitions?.length,
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
 * for each request after Yoga's (per document) validation cache, and remembered per document only when the
 * document declares no variables.
 */
export function useQueryCost({ maxCost, logger }: QueryCostOptions): Plugin {
  const remembered = new WeakMap<DocumentNode, Map<string, number | undefined>>();

  function costOf(schema: GraphQLSchema, document: DocumentNode, params: Partial<GraphQLParams>) {
    if (!withoutVariables(document)) return operationCost(schema, document, params);
    let byOperation = remembered.get(document);
    if (!byOperation) {
      byOperation = new Map();
      remembered.set(document, byOperation);
    }
    const name = params.operationName ?? "";
    if (!byOperation.has(name)) byOperation.set(name, operationCost(schema, document, params));
    return byOperation.get(name);
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
            "selected under it by its `first` (20 when absent, 10 for a list without `first`). Ask for smaller pages or fewer fields.",
        );
        logQueryRefusal(logger, refusal, documentAST.loc?.source.body);
        setResult([...result, refusal]);
      };
    },
  };
}
