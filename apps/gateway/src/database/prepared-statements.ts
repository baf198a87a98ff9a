import { createHash } from "node:crypto";
import { type PostgresPool, type PostgresPoolClient, type RawBuilder, sql } from "kysely";
import { clientWrappingPool } from "./client-wrapping-pool.js";

const MARKER = "/* prepared */";

/**
 * Put first in a statement's SQL to run it as a named prepared statement on PostgreSQL (see
 * {@link preparingPool}): parsed once per connection instead of at every run, and planned once when
 * PostgreSQL finds its generic plan no costlier than the plans made for the values of its first runs.
 * Only for statements whose text does not change with the number of rows (arrays or a JSON document as
 * parameters) and whose plan cannot turn worse as tables grow: inserts and updates through a unique key,
 * never a join or filter over a growing table that a plan made while it was small would scan.
 */
export const PREPARED: RawBuilder<unknown> = sql.raw(`${MARKER} `);

/** Most statement texts named per process; statements beyond it run unnamed, as any other. */
const MAX_NAMED = 200;

/**
 * `pool` as Kysely uses it, running the statements marked with {@link PREPARED} as named prepared
 * statements (pg prepares each once per connection and binds it from then on); the others are unchanged.
 */
export function preparingPool(pool: PostgresPool): PostgresPool {
  const names = new Map<string, string>();
  const nameOf = (text: string): string | undefined => {
    let name = names.get(text);
    if (name === undefined && names.size < MAX_NAMED) {
      name = `privnum_${createHash("sha1").update(text).digest("hex").slice(0, 20)}`;
      names.set(text, name);
    }
    return name;
  };
  const wrap = (client: PostgresPoolClient): PostgresPoolClient => ({
    query: ((...args: unknown[]) => {
      const [text, values] = args;
      if (typeof text === "string" && text.startsWith(MARKER)) {
        const name = nameOf(text);
        if (name !== undefined) return client.query({ name, text, values } as never);
      }
      return (client.query as (...a: unknown[]) => unknown)(...args);
    }) as PostgresPoolClient["query"],
    release: (destroy?: boolean) => client.release(destroy),
  });
  return clientWrappingPool(pool, wrap);
}
