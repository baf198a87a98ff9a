import { type GraphQLField, getNamedType, getNullableType, isListType } from "graphql";
import { DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE } from "./connection.js";

/**
 * Rows assumed under a list field that has no page size (a call's `events`, its `records`,
 * `sameIcidRecords` …): a call has about ten events, and the other lists are normally one row.
 */
export const UNPAGED_LIST_SIZE = 10;

/** What one field costs, and by how much it multiplies the cost of what is selected under it. */
export interface FieldCost {
  field: number;
  multiplier: number;
}

/** The rows one page of a connection holds for these arguments, as `keysetConnection` clamps them. */
function pageSize(args: Record<string, unknown>): number {
  const sizes = [args.first, args.last].filter((size): size is number => typeof size === "number");
  if (sizes.length === 0) return DEFAULT_PAGE_SIZE;
  return Math.min(Math.max(0, ...sizes), MAX_PAGE_SIZE);
}

/**
 * The cost of every field of the schema, for `@pothos/plugin-complexity` (set once in the builder, so that
 * no resolver file needs an annotation). Every field costs 1; what is selected under a field is multiplied by
 * the rows the field can return:
 * - a connection (a field with `first` returning a `…Connection`): its page size, `first` or `last` clamped to
 *   {@link MAX_PAGE_SIZE}, {@link DEFAULT_PAGE_SIZE} when neither is given;
 * - its `edges`: 1, the page is already counted on the connection;
 * - a list asked for by a list argument (`nodes(ids)`): the length of that argument;
 * - any other list: {@link UNPAGED_LIST_SIZE}.
 *
 * So `callSessions(first: 100) { edges { node { binding { callSessions(first: 100) { … } } } } }` costs
 * about 100 × 100 × what the inner node selects, and is refused before anything runs.
 *
 * A field whose rows depend on its arguments in another way declares its own `complexity`, which wins over
 * this one: `VirtualNumber.activity` costs one per bucket its `minutes` and `bucketMinutes` ask for.
 */
export function fieldCost<Context>(
  args: Record<string, unknown>,
  _context: Context,
  field: GraphQLField<unknown, Context, Record<string, unknown>>,
): FieldCost {
  const namedType = getNamedType(field.type).name;
  if (namedType.endsWith("Connection") && field.args.some((arg) => arg.name === "first")) {
    return { field: 1, multiplier: pageSize(args) };
  }
  if (!isListType(getNullableType(field.type))) return { field: 1, multiplier: 1 };
  if (field.name === "edges" && namedType.endsWith("Edge")) return { field: 1, multiplier: 1 };
  const listArguments = Object.values(args).filter((value): value is unknown[] => Array.isArray(value));
  if (listArguments.length > 0) {
    return { field: 1, multiplier: Math.max(...listArguments.map((list) => list.length)) };
  }
  return { field: 1, multiplier: UNPAGED_LIST_SIZE };
}
