import { type ResolveCursorConnectionArgs, resolveCursorConnection } from "@pothos/plugin-relay";
import { GraphQLError } from "graphql";
import { type CursorKind, decodeCursor, encodeCursor } from "../shared/cursor.js";
import { CursorError } from "../shared/errors.js";
import type { PageRequest } from "../shared/pagination.js";

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
 * A keyset-paginated connection over rows with a numeric `id`, newest first. Pages are at most 100
 * (default 20).
 */
export function keysetConnection<Row extends { id: number }>(
  kind: CursorKind,
  args: ConnectionArgs,
  fetch: (page: PageRequest) => Promise<Row[]>,
) {
  return resolveCursorConnection(
    { args, toCursor: (row: Row) => encodeCursor(kind, row.id), defaultSize: 20, maxSize: 100 },
    ({ after, before, limit, inverted }: ResolveCursorConnectionArgs) =>
      fetch({
        after: after === undefined ? undefined : cursorArg(kind, after),
        before: before === undefined ? undefined : cursorArg(kind, before),
        limit,
        inverted,
      }),
  );
}
