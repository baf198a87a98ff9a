import type { PostgresPool, PostgresPoolClient } from "kysely";

/**
 * `pool` with each of its clients seen through `wrap`: wrapped once, when first lent, and the same wrapper on
 * every later lending (so that what a wrapper keeps about its connection lasts as long as the connection).
 */
export function clientWrappingPool(
  pool: PostgresPool,
  wrap: (client: PostgresPoolClient) => PostgresPoolClient,
): PostgresPool {
  const wrapped = new WeakMap<PostgresPoolClient, PostgresPoolClient>();
  return {
    async connect() {
      const client = await pool.connect();
      let own = wrapped.get(client);
      if (!own) {
        own = wrap(client);
        wrapped.set(client, own);
      }
      return own;
    },
    end: () => pool.end(),
  };
}
