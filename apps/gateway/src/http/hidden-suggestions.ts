import { GraphQLError } from "graphql";
import { isAsyncIterable, type Plugin } from "graphql-yoga";

/** graphql-js's suggestions: `Did you mean "x"?`, `… "x" or "y"?`, `… the enum value "X"?`, `… to use an inline fragment on "T"?`. */
const SUGGESTION = / ?Did you mean [^?]*\?/g;

function suggests(error: unknown): boolean {
  return error instanceof GraphQLError && error.message.includes("Did you mean");
}

/** The error with its suggestions cut out of its message. */
function withoutSuggestions<E>(error: E): E {
  if (!(error instanceof GraphQLError) || !suggests(error)) return error;
  return new GraphQLError(error.message.replace(SUGGESTION, ""), {
    nodes: error.nodes ?? null,
    source: error.source ?? null,
    positions: error.positions ?? null,
    path: error.path ?? null,
    originalError: error.originalError ?? null,
    extensions: error.extensions,
  }) as E;
}

/** What an execution or subscription result is when it is not a stream. */
interface SingleResult {
  errors?: readonly GraphQLError[];
}

/** `setResult` given the result without suggestions, when it is a single result that has any. */
function hideIn(result: unknown, setResult: (result: never) => void): void {
  if (isAsyncIterable(result)) return;
  const { errors } = result as SingleResult;
  if (errors?.some(suggests))
    setResult({ ...(result as object), errors: errors.map(withoutSuggestions) } as never);
}

/**
 * In production, no "Did you mean …" in any error, so that the schema cannot be guessed a name at a time: in
 * validation errors (unknown fields, arguments, types, enum literals) and in the errors execution gives for
 * variables (an enum value or input field inside a variable). GraphQL Armor's block-field-suggestions plugin
 * does the first half only, and misses graphql-js's "Did you mean the enum value …" wording, so this one is
 * the gateway's own. The cached validation result is left as it is; each answer gets its own copy.
 */
export function useHiddenSuggestions(): Plugin {
  return {
    onValidate() {
      return ({ result, setResult }) => {
        if (result.some(suggests)) setResult(result.map(withoutSuggestions));
      };
    },
    onExecute() {
      return { onExecuteDone: ({ result, setResult }) => hideIn(result, setResult) };
    },
    onSubscribe() {
      return { onSubscribeResult: ({ result, setResult }) => hideIn(result, setResult) };
    },
  };
}
