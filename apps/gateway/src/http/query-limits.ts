import { maxAliasesPlugin } from "@escape.tech/graphql-armor-max-aliases";
import { maxDepthPlugin } from "@escape.tech/graphql-armor-max-depth";
import { maxDirectivesPlugin } from "@escape.tech/graphql-armor-max-directives";
import { maxTokensPlugin } from "@escape.tech/graphql-armor-max-tokens";
import type { GraphQLError, ValidationContext } from "graphql";
import type { Plugin } from "graphql-yoga";
import type { LimitsConfig } from "../shared/config.js";
import type { Logger } from "../shared/logger.js";
import { useIntrospectionNestingLimit } from "./introspection-nesting.js";
import { logQueryRefusal, type QueryRefusalCode, queryRefusal, useRefusalStatus } from "./query-refusal.js";

/** Options for {@link useQueryLimits}. */
export interface QueryLimitsOptions {
  /** `config.limits.graphql`: tokens, depth, aliases and directives of one document. */
  limits: LimitsConfig["graphql"];
  /** Where refusals are logged (sampled, with an excerpt of the document). */
  logger: Logger;
}

/** GraphQL Armor words its refusals as syntax errors; the gateway's say what was exceeded. */
function reworded(error: GraphQLError): string {
  return error.message.replace(/^Syntax Error: /, "");
}

/**
 * What an Armor validation rule does when it refuses: report the gateway's error (with its code and status 400)
 * instead of throwing Armor's, so that validation goes on and the answer is an ordinary validation result over
 * HTTP and graphql-ws alike.
 */
function refuseIn(code: QueryRefusalCode, logger: Logger) {
  return {
    propagateOnRejection: false,
    onReject: [
      (context: ValidationContext | null, error: GraphQLError) => {
        const refusal = queryRefusal(code, reworded(error));
        logQueryRefusal(logger, refusal, context?.getDocument().loc?.source.body);
        context?.reportError(refusal);
      },
    ],
  };
}

/**
 * The limits on a document's shape, checked while it is parsed and validated (so before any resolver runs,
 * and cached with the document by Yoga): tokens, depth, aliases and directives, by GraphQL Armor, with
 * `config.limits.graphql`. Tokens are counted as the document is parsed, which also bounds the parser's
 * recursion; depth counts fields, not fragments (a fragment adds no level to the response), and leaves
 * `__schema` to a limit of its own on nested lists (GraphiQL's introspection query is 15 deep, see
 * introspection-nesting.ts).
 */
export function useQueryLimits({ limits, logger }: QueryLimitsOptions): Plugin[] {
  return [
    maxTokensPlugin({
      n: limits.maxTokens,
      onReject: [
        (_context, error) => {
          const refusal = queryRefusal("TOKEN_LIMIT_EXCEEDED", reworded(error));
          logQueryRefusal(logger, refusal, undefined);
          throw refusal;
        },
      ],
    }),
    maxDepthPlugin({
      n: limits.maxDepth,
      flattenFragments: true,
      ignoreIntrospection: true,
      ...refuseIn("DEPTH_LIMIT_EXCEEDED", logger),
    }),
    useIntrospectionNestingLimit(logger),
    maxAliasesPlugin({ n: limits.maxAliases, ...refuseIn("ALIAS_LIMIT_EXCEEDED", logger) }),
    maxDirectivesPlugin({ n: limits.maxDirectives, ...refuseIn("DIRECTIVE_LIMIT_EXCEEDED", logger) }),
    useRefusalStatus(),
  ];
}
