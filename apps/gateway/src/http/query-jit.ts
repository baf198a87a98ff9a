import {
  type DocumentNode,
  type ExecutionArgs,
  type ExecutionResult,
  GraphQLError,
  getOperationAST,
  type Source,
} from "graphql";
import { type CompiledQuery, compileQuery, isCompiledQuery } from "graphql-jit";
import type { Plugin } from "graphql-yoga";

/** Options for {@link useQueryJit}. */
export interface QueryJitOptions {
  /** Runs of one operation through graphql-js before it is compiled. @default 1 */
  compileAfter?: number;
  /**
   * Longest query text compiled, in characters: compiling costs far more than one interpreted run, and grows
   * with the document, so a large document stays interpreted. @default 10000
   */
  maxQueryLength?: number;
  /** Told when graphql-jit cannot compile an operation (graphql-js keeps running it), with the query text. */
  onCompileError?: (errors: readonly GraphQLError[], query: string) => void;
}

/**
 * graphql-jit's errors carry `locations` only, while Yoga rebuilds every error it sends (and masks) from
 * `nodes` or `source` + `positions`, so theirs would lose their locations: give them a source and positions,
 * as graphql-js's errors have.
 */
function locateErrors(result: ExecutionResult, source: Source | undefined): ExecutionResult {
  if (!result.errors?.length || !source) return result;
  let lineStarts: number[] | undefined;
  const errors = result.errors.map((error) => {
    if (error.nodes || error.positions || !error.locations?.length) return error;
    lineStarts ??= [0, ...[...source.body.matchAll(/\r\n|\n|\r/g)].map((m) => m.index + m[0].length)];
    const starts = lineStarts;
    return new GraphQLError(error.message, {
      source,
      positions: error.locations.map(({ line, column }) => (starts[line - 1] ?? 0) + column - 1),
      path: error.path,
      originalError: error.originalError ?? undefined,
      extensions: error.extensions,
    });
  });
  return { ...result, errors };
}

/** What is known of one operation of one document. */
interface OperationEntry {
  runs: number;
  /** The compiled operation, or null where graphql-js keeps running it (not a query, or not compilable). */
  compiled: CompiledQuery | null | undefined;
}

/**
 * Execute hot query operations with graphql-jit: the operation is compiled into a function once (after it has
 * run `compileAfter` times, so that one-off documents cost no compilation), and each later request runs that
 * function instead of graphql-js's interpreter, which costs a page a large share of its CPU. Mutations and
 * subscriptions, and anything graphql-jit cannot compile, stay on graphql-js; so do requests whose variables
 * graphql-jit refuses, so that such errors read as graphql-js words them. Documents come validated, and parsed
 * once per query text, from Yoga's parser cache; what is remembered here goes with them.
 *
 * This is ours rather than `@envelop/graphql-jit`, which costs the same CPU, because that one answers refused
 * variables with 200 in graphql-jit's words and drops the locations of masked errors
 * (docs/performance-notes.md).
 */
export function useQueryJit(options: QueryJitOptions = {}): Plugin {
  const compileAfter = options.compileAfter ?? 1;
  const maxQueryLength = options.maxQueryLength ?? 10_000;
  const byDocument = new WeakMap<DocumentNode, Map<string, OperationEntry>>();

  function compiledFor(args: ExecutionArgs): CompiledQuery | null | undefined {
    let operations = byDocument.get(args.document);
    if (!operations) {
      operations = new Map();
      byDocument.set(args.document, operations);
    }
    const name = args.operationName ?? "";
    let entry = operations.get(name);
    if (!entry) {
      const isQuery = getOperationAST(args.document, args.operationName)?.operation === "query";
      const length = args.document.loc?.source.body.length ?? Number.POSITIVE_INFINITY;
      entry = { runs: 0, compiled: isQuery && length <= maxQueryLength ? undefined : null };
      operations.set(name, entry);
    }
    if (entry.compiled === undefined && ++entry.runs > compileAfter) {
      const result = compileQuery(args.schema, args.document, args.operationName ?? undefined);
      if (isCompiledQuery(result)) {
        entry.compiled = result;
      } else {
        entry.compiled = null;
        options.onCompileError?.(result.errors ?? [], args.document.loc?.source.body ?? "");
      }
    }
    return entry.compiled;
  }

  return {
    onExecute({ args, executeFn, setExecuteFn }) {
      const compiled = compiledFor(args);
      if (!compiled) return;
      const source = args.document.loc?.source;
      setExecuteFn(async (run) => {
        const result = await compiled.query(run.rootValue, run.contextValue, run.variableValues);
        // No `data` at all: graphql-jit refused the variables. graphql-js answers that, in its own words.
        if (!("data" in result)) return executeFn(run);
        return locateErrors(result, source);
      });
    },
  };
}
