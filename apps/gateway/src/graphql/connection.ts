import { type ResolveCursorConnectionArgs, resolveCursorConnection } from "@pothos/plugin-relay";
import { GraphQLError } from "graphql";
import { type CursorKind, decodeCursor, encodeCursor } from "../shared/cursor.js";
import { CursorError } from "../shared/errors.js";
import type { PageRequest } from "../shared/pagination.js";

/** Rows on a page when the query gives neither `first` nor `last`. */
export const DEFAULT_PAGE_SIZE = 20;

/** Most rows on one page, whatever `first` or `last` asks for. */
export const MAX_PAGE_SIZE = 100;

/** Relay connection arguments as Pothos passes them. */
export interface ConnectionArgs {
  first?: number | null | undefined;
  last?: number | null | undefined;
  after?: string | null | undefined;
  before?: string | null | undefined;
}

/** Decode a cursor argument, reporting a foreign one as a client error. */
export function cursorArg(kind: CursorKind, cursor: string): number {
  try {
    return decodeCursor(kind, cursor);
  } catch (error) {
    if (error instanceof CursorError) {
      throw new GraphQLError(error.message, { extensions: { code: "BAD_USER_INPUT" } });
    }
    throw error;
  }
}

/**
 * A keyset-paginated connection over rows with a numeric `id`, newest first. Pages are at most
 * {@link MAX_PAGE_SIZE} rows ({@link DEFAULT_PAGE_SIZE} by default).
 */
export function keysetConnection<Row extends { id: number }>(
  kind: CursorKind,
  args: ConnectionArgs,
  fetch: (page: PageRequest) => Promise<Row[]>,
) {
  return resolveCursorConnection(
    {
      args,
      toCursor: (row: Row) => encodeCursor(kind, row.id),
      defaultSize: DEFAULT_PAGE_SIZE,
      maxSize: MAX_PAGE_SIZE,
    },
    ({ after, before, limit, inverted }: ResolveCursorConnectionArgs) =>
      fetch({
        after: after === undefined ? undefined : cursorArg(kind, after),
        before: before === undefined ? undefined : cursorArg(kind, before),
        limit,
        inverted,
      }),
  );
}
