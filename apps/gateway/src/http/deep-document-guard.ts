import type { Plugin } from "graphql-yoga";
import { queryRefusal } from "./query-refusal.js";

/** The refusal of a document whose nesting overflowed the stack of the parser or of a validation rule. */
function tooDeep() {
  return queryRefusal(
    "DEPTH_LIMIT_EXCEEDED",
    "The document is nested too deeply to be read (GRAPHQL_MAX_TOKENS bounds how deep it can go).",
  );
}

/** `fn`, with a stack overflow (`RangeError`) turned into the refusal `onOverflow` gives. */
function guarded<Args extends unknown[], Result>(
  fn: (...args: Args) => Result,
  onOverflow: () => Result,
): (...args: Args) => Result {
  return (...args) => {
    try {
      return fn(...args);
    } catch (error) {
      if (error instanceof RangeError) return onOverflow();
      throw error;
    }
  };
}

/**
 * graphql-js parses and validates recursively, so a document nested thousands deep overflows the stack, and
 * Yoga answered that `RangeError` with 500. The token limit keeps documents shallow enough; this turns an
 * overflow that still happens (a raised `GRAPHQL_MAX_TOKENS`) into the same 400 refusal as the depth limit.
 * It wraps whatever parse and validate functions the plugins before it set, so it goes after them.
 */
export function useDeepDocumentGuard(): Plugin {
  return {
    onParse({ parseFn, setParseFn }) {
      setParseFn(
        guarded(parseFn, () => {
          throw tooDeep();
        }),
      );
    },
    onValidate({ validateFn, setValidationFn }) {
      setValidationFn(guarded(validateFn, () => [tooDeep()]));
    },
  };
}
