import type { PostgresPool, PostgresPoolClient } from "kysely";
import type pg from "pg";

/** Options for {@link abandoningPool}. */
export interface AbandoningPoolOptions {
  /** How long `end` waits for busy connections before destroying them, in ms. */
  endTimeoutMillis: number;
}

// pg's error when `query_timeout` passes without an answer (the statement is still running, or the link is
// silent): pg fails the query but keeps it as the client's active one, so everything queued after it (the
// ROLLBACK Kysely sends next) would wait behind it.
const QUERY_READ_TIMEOUT = "Query read timeout";

const isReadTimeout = (error: unknown) => error instanceof Error && error.message === QUERY_READ_TIMEOUT;

/** A query object (pg's `Submittable`) that reports its outcome to a callback. */
interface AnsweredQuery {
  submit: unknown;
  callback: (error: unknown, result?: unknown) => void;
}

const isAnsweredQuery = (value: unknown): value is AnsweredQuery =>
  typeof value === "object" &&
  value !== null &&
  typeof (value as { submit?: unknown }).submit === "function" &&
  typeof (value as { callback?: unknown }).callback === "function";

// What a ROLLBACK on an abandoned client answers: the transaction is over already (the server rolls it back
// when the session ends), and the caller sees the timeout that ended it rather than "not queryable".
const ROLLED_BACK = Object.freeze({ command: "ROLLBACK", rowCount: 0, rows: [] });

/**
 * `pool` as Kysely's PostgresDialect uses it, with two guarantees pg.Pool alone does not give:
 *
 * - A client whose statement got no answer within `query_timeout` is ended at once (pg destroys the socket
 *   of a client with an active query), so its ROLLBACK fails immediately instead of queueing behind the lost
 *   statement, and pg-pool removes it on release instead of lending it to the next caller, wedged. The
 *   server rolls the transaction back when the socket closes, or, when the link is silent, when
 *   `idle_in_transaction_session_timeout` ends the session: its locks are never kept.
 * - `end` is bounded: connections still lent out after `endTimeoutMillis` (a statement stuck on a silent
 *   link) are ended by force, and `end` resolves.
 */
export function abandoningPool(pool: pg.Pool, options: AbandoningPoolOptions): PostgresPool {
  const open = new Set<pg.PoolClient>();
  const wrapped = new WeakMap<pg.PoolClient, PostgresPoolClient>();
  pool.on("connect", (client) => open.add(client));
  pool.on("remove", (client) => open.delete(client));

  const abandon = (client: pg.PoolClient) => {
    // A client with an active query is destroyed, not asked to say goodbye over the silent link.
    client.end().catch(() => {});
  };

  function wrap(client: pg.PoolClient): PostgresPoolClient {
    let abandoned = false;
    const query = (...args: unknown[]) => {
      if (abandoned && typeof args[0] === "string" && /^\s*rollback\s*$/i.test(args[0])) {
        return Promise.resolve(ROLLED_BACK);
      }
      const [submitted] = args;
      if (isAnsweredQuery(submitted)) {
        // A query object answered through its callback (pipelined-transactions.ts): watched the same way.
        const answer = submitted.callback;
        submitted.callback = (error, result) => {
          if (isReadTimeout(error)) {
            abandoned = true;
            abandon(client);
          }
          answer(error, result);
        };
      }
      const result = (client.query as (...a: unknown[]) => unknown)(...args);
      if (!(result instanceof Promise)) return result; // a query object (a cursor reports its own errors)
      return result.catch((error: unknown) => {
        if (isReadTimeout(error)) {
          abandoned = true;
          abandon(client);
        }
        throw error;
      });
    };
    return {
      query: query as PostgresPoolClient["query"],
      release: (destroy?: boolean) => client.release(destroy),
    };
  }

  return {
    async connect() {
      const client = await pool.connect();
      let guarded = wrapped.get(client);
      if (!guarded) {
        guarded = wrap(client);
        wrapped.set(client, guarded);
      }
      return guarded;
    },
    async end() {
      let timer: NodeJS.Timeout | undefined;
      const overran = new Promise<"overran">((resolve) => {
        timer = setTimeout(() => resolve("overran"), options.endTimeoutMillis);
      });
      const ended = pool.end().then(() => "ended" as const);
      try {
        if ((await Promise.race([ended, overran])) === "overran") {
          // pg-pool waits for every lent client to come back; those stuck on the link never do.
          for (const client of open) abandon(client);
          open.clear();
          ended.catch(() => {});
        }
      } finally {
        clearTimeout(timer);
      }
    },
  };
}
