import { type PostgresPool, type PostgresPoolClient, type RawBuilder, sql } from "kysely";
import pg from "pg";
import { clientWrappingPool } from "./client-wrapping-pool.js";

const COMMIT_MARKER = "/* then commit */";

/**
 * Put first in a transaction's last statement (or right after `PREPARED`) to commit the transaction in the
 * same round trip as that statement (see {@link pipeliningPool}): PostgreSQL releases the transaction's locks
 * as soon as the statement has run, not one more round trip through the gateway's event loop later. Once the
 * statement has resolved, the transaction is committed: nothing after it in the transaction may run a
 * statement or fail (Kysely's `commit` that follows is answered without a round trip).
 */
export const THEN_COMMIT: RawBuilder<unknown> = sql.raw(`${COMMIT_MARKER} `);

/** How far into a statement's text the commit marker is looked for (it may follow `/* prepared *\/ `). */
const MARKER_WINDOW = 40;

/** What Kysely's PostgresDriver sends to open and end a transaction, exactly. */
const BEGIN = "begin";
const COMMIT = "commit";
const ROLLBACK = "rollback";

/** A result as pg resolves it (what Kysely's PostgresConnection reads). */
interface QueryResult {
  command: string;
  rowCount: number | null;
  rows: unknown[];
}

const commandResult = (command: string): QueryResult => ({ command, rowCount: null, rows: [] });

/** The parts of pg's protocol writer (`Connection`) a query's `prepare` calls. */
interface ProtocolWriter {
  parse(query: { text: string; name?: string }): void;
  bind(config?: object): void;
  execute(config?: object): void;
  sync(): void;
}

/** pg's `Query`, with the protocol steps this module overrides (they are not in pg's type declarations). */
declare class PgQueryClass {
  constructor(config: {
    text: string;
    name?: string;
    values?: unknown[];
    queryMode: "extended";
    callback: (error: Error | null, result: QueryResult) => void;
  });
  prepare(connection: ProtocolWriter): void;
  handleCommandComplete(message: { command: string }, connection: ProtocolWriter): void;
}
const PgQuery = pg.Query as unknown as typeof PgQueryClass;

/**
 * A statement with the transaction's `commit` after it, written at once and closed by one Sync: the extended
 * protocol runs them in order and skips the `commit` when the statement fails. The result is the statement's
 * own (the `commit` completion is not a result); a failing `commit` fails the statement. pg's `Query` does all
 * the rest (parsing once per connection for a named statement, binding, reading rows); this adds the
 * `commit`'s messages to what it writes.
 */
class CommittingQuery extends PgQuery {
  #completions = 0;
  /** The `commit` completion's tag (COMMIT; ROLLBACK when PostgreSQL rolled the transaction back instead). */
  commitTag: string | undefined;

  constructor(
    statement: { text: string; name?: string; values?: unknown[] },
    callback: (error: Error | null, result: QueryResult) => void,
  ) {
    super({ ...statement, queryMode: "extended", callback });
  }

  override prepare(connection: ProtocolWriter): void {
    let bound = false;
    const writer: ProtocolWriter = Object.create(connection);
    writer.bind = (config) => {
      connection.bind(config);
      bound = true;
    };
    writer.sync = () => {
      // After a bind that could not be written, pg closes and syncs: nothing to commit then.
      if (bound) {
        connection.parse({ text: COMMIT });
        connection.bind();
        connection.execute();
      }
      connection.sync();
    };
    super.prepare(writer);
  }

  override handleCommandComplete(message: { command: string }, connection: ProtocolWriter): void {
    if (this.#completions++ === 1) {
      this.commitTag = message.command;
      return;
    }
    super.handleCommandComplete(message, connection);
  }
}

type Query = PostgresPoolClient["query"];

/** A statement as Kysely (text and values) or `preparingPool` (a config with a name) hands it over. */
function statementOf(args: unknown[]): { text: string; name?: string; values?: unknown[] } | undefined {
  const [first, second] = args;
  if (typeof first === "string") {
    return Array.isArray(second) || second === undefined
      ? { text: first, ...(second ? { values: second } : {}) }
      : undefined;
  }
  if (typeof first !== "object" || first === null || "submit" in first || args.length > 1) return undefined;
  const config = first as Record<string, unknown>;
  const keys = Object.keys(config);
  if (typeof config.text !== "string" || keys.some((key) => !["text", "name", "values"].includes(key))) {
    return undefined;
  }
  return config as { text: string; name?: string; values?: unknown[] };
}

const isCommand = (args: unknown[], command: string) =>
  args[0] === command && (args[1] === undefined || (Array.isArray(args[1]) && args[1].length === 0));

/**
 * `pool` as Kysely uses it, with a transaction's `commit` carried by its statement marked {@link THEN_COMMIT}:
 * Kysely's `commit` after it is then answered here, with the tag PostgreSQL gave (Kysely throws on ROLLBACK, as
 * for any commit). One round trip fewer per transaction, and its locks released as soon as its last statement has
 * run. Everything else is sent as it comes. Below `preparingPool` (it sees statements named) and above
 * `abandoningPool` (which sees their failures).
 */
export function pipeliningPool(pool: PostgresPool): PostgresPool {
  const wrap = (client: PostgresPoolClient): PostgresPoolClient => {
    /** Kysely opened a transaction and has not ended it yet. */
    let open = false;
    /** A statement committed the transaction: the tag its `commit` got. */
    let committedAs: string | undefined;
    const send = (...args: unknown[]) => (client.query as (...a: unknown[]) => Promise<unknown>)(...args);
    const answer = (command: string) => Promise.resolve(commandResult(command));

    const query = (...args: unknown[]): Promise<unknown> => {
      if (isCommand(args, BEGIN) && !open) {
        open = true;
        return send(...args);
      }
      if (open && (isCommand(args, COMMIT) || isCommand(args, ROLLBACK))) {
        open = false;
        const committed = committedAs;
        committedAs = undefined;
        if (committed === undefined) return send(...args);
        // Committed by its last statement: a commit is answered with the tag PostgreSQL gave; a rollback (something
        // after that statement failed, which THEN_COMMIT's contract rules out) has nothing left to undo.
        return answer(args[0] === COMMIT ? committed : "ROLLBACK");
      }
      const statement = statementOf(args);
      const marker = statement?.text.indexOf(COMMIT_MARKER) ?? -1;
      if (
        statement === undefined ||
        !open ||
        committedAs !== undefined ||
        marker < 0 ||
        marker >= MARKER_WINDOW
      ) {
        return send(...args);
      }
      return new Promise((resolve, reject) => {
        const committing: CommittingQuery = new CommittingQuery(statement, (error, result) => {
          if (error) return reject(error);
          committedAs = committing.commitTag ?? "COMMIT";
          resolve(result);
        });
        // A query object is answered through its callback (`abandoningPool` watches that too).
        send(committing);
      });
    };
    return {
      query: query as unknown as Query,
      release: (destroy?: boolean) => {
        // A transaction Kysely could not end (its rollback failed: the client is destroyed) ends with the lending.
        open = false;
        committedAs = undefined;
        client.release(destroy);
      },
    };
  };
  return clientWrappingPool(pool, wrap);
}
