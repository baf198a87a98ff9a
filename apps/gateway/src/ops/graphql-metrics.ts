import { type ExecutionArgs, type ExecutionResult, type GraphQLError, getOperationAST } from "graphql";
import type { Plugin } from "graphql-yoga";
import { createBoundedLabel } from "./bounded-label.js";
import type { GatewayMetrics } from "./metrics.js";

/** Distinct operation names kept as labels per gateway; later new names count as `(other)`. */
const MAX_OPERATION_NAMES = 100;
/** Distinct error codes kept as labels per gateway; later new codes count as `(other)`. */
const MAX_ERROR_CODES = 50;

type MaybeStream = ExecutionResult | AsyncIterable<ExecutionResult>;

const isStream = (result: MaybeStream): result is AsyncIterable<ExecutionResult> =>
  typeof (result as AsyncIterable<unknown>)[Symbol.asyncIterator] === "function";

const codeOf = (error: GraphQLError | Error, fallback: string): string => {
  const code = (error as GraphQLError).extensions?.code;
  return typeof code === "string" ? code : fallback;
};

/**
 * An envelop plugin recording each GraphQL operation's duration (by type and name) and every error answered
 * (parse, validation, execution, and each event of a subscription) by code. It sits in Yoga's plugin list, so
 * it sees operations over HTTP and over WebSocket alike. Operation names and codes come from the client's
 * document: they pass through bounded labels, so a client sending a thousand names makes at most
 * {@link MAX_OPERATION_NAMES} label values. An error without a code is an unexpected one (masked to
 * `Unexpected error.` on its way out): `INTERNAL_SERVER_ERROR`.
 */
export function useGraphQLMetrics(metrics: GatewayMetrics): Plugin {
  const operationName = createBoundedLabel({
    maxValues: MAX_OPERATION_NAMES,
    pattern: /^[_A-Za-z][_0-9A-Za-z]{0,63}$/,
  });
  const errorCode = createBoundedLabel({ maxValues: MAX_ERROR_CODES, pattern: /^[A-Z][A-Z0-9_]{0,63}$/ });

  const countErrors = (errors: readonly (GraphQLError | Error)[] | undefined, fallback: string) => {
    if (errors && errors.length > 0)
      metrics.countGraphQLErrors(errors.map((e) => errorCode(codeOf(e, fallback))));
  };
  const countResult = (result: MaybeStream) => {
    if (isStream(result)) {
      return {
        onNext: ({ result: next }: { result: ExecutionResult }) =>
          countErrors(next.errors, "INTERNAL_SERVER_ERROR"),
      };
    }
    countErrors(result.errors, "INTERNAL_SERVER_ERROR");
    return undefined;
  };
  const labelsOf = (args: ExecutionArgs) => {
    const operation = getOperationAST(args.document, args.operationName);
    const name = operation?.name?.value;
    return {
      type: operation?.operation ?? "unknown",
      name: name === undefined ? "(anonymous)" : operationName(name),
    };
  };
  const since = (started: number) => (performance.now() - started) / 1000;

  return {
    onParse() {
      return ({ result }) => {
        if (result instanceof Error) countErrors([result], "GRAPHQL_PARSE_FAILED");
      };
    },
    onValidate() {
      return ({ valid, result }) => {
        if (!valid) countErrors(result, "GRAPHQL_VALIDATION_FAILED");
      };
    },
    onExecute({ args }) {
      const started = performance.now();
      return {
        onExecuteDone({ result }) {
          const { type, name } = labelsOf(args);
          metrics.observeOperation(type, name, since(started));
          return countResult(result);
        },
      };
    },
    onSubscribe({ args }) {
      const started = performance.now();
      const observe = () => {
        const { type, name } = labelsOf(args);
        metrics.observeOperation(type, name, since(started));
      };
      return {
        onSubscribeResult({ result }) {
          observe();
          return countResult(result);
        },
        onSubscribeError({ error }) {
          observe();
          countErrors([error instanceof Error ? error : new Error(String(error))], "INTERNAL_SERVER_ERROR");
        },
      };
    },
  };
}
