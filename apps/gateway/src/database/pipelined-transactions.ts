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
  /** pg's record of the named statements this connection has parsed, or sent to be parsed, by name. */
  parsedStatements: Record<string, string | undefined>;
  submittedNamedStatements: Record<string, string | undefined>;
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
  readonly name: string | undefined;
  readonly text: string;
  prepare(connection: ProtocolWriter): void;
  hasBeenParsed(connection: ProtocolWriter): boolean;
  handleCommandComplete(message: { command: string }, connection: ProtocolWriter): void;
}
const PgQuery = pg.Query as unknown as typeof PgQueryClass;

/** What a {@link PipelinedQuery} writes besides its statement. */
interface PipelinedSteps {
  /** The transaction's `begin`, written before the statement. */
  begin: boolean;
  /** The transaction's `commit`, written after the statement. */
  commit: boolean;
}

/**
 * A statement with the transaction's `begin` before it, its `commit` after it, or both, written at once and
 * closed by one Sync: the extended protocol runs them in order and skips what follows a failure (a failed
 * statement leaves its transaction open and aborted, for the rollback that follows). The result is the
 * statement's own (the `begin` and `commit` completions are not results); a failing `commit` fails the
 * statement. pg's `Query` does all the rest (parsing once per connection for a named statement, binding,
 * reading rows); this adds the `begin`'s and `commit`'s messages to what it writes.
 */
class PipelinedQuery extends PgQuery {
  readonly #steps: PipelinedSteps;
  #completions = 0;
  /** This query sends its named statement's parse (not parsed on the connection before). */
  #parsesNamed = false;
  /** The `commit` completion's tag (COMMIT; ROLLBACK when PostgreSQL rolled the transaction back instead). */
  commitTag: string | undefined;

  constructor(
    statement: { text: string; name?: string; values?: unknown[] },
    steps: PipelinedSteps,
    callback: (error: Error | null, result: QueryResult) => void,
  ) {
    super({ ...statement, queryMode: "extended", callback });
    this.#steps = steps;
  }

  override prepare(connection: ProtocolWriter): void {
    if (this.#steps.begin) {
      this.#parsesNamed = this.name !== undefined && !this.hasBeenParsed(connection);
      connection.parse({ text: BEGIN });
      connection.bind();
      connection.execute();
    }
    if (!this.#steps.commit) {
      super.prepare(connection);
      return;
    }
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
    const completion = this.#completions++;
    const statement = this.#steps.begin ? 1 : 0;
    if (completion < statement) {
      // The `begin`'s. pg took its ParseComplete for the statement's (it marks the query's name as parsed on
      // any): until the statement's own parse succeeds, its name is only submitted, so that a failed parse is
      // parsed again next time.
      if (this.#parsesNamed && this.name !== undefined) {
        delete connection.parsedStatements[this.name];
        connection.submittedNamedStatements[this.name] = this.text;
      }
      return;
    }
    if (completion > statement) {
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

/** Whether pg sends `statement` in the extended protocol anyway (it is named or has parameters). */
const isExtended = (statement: { name?: string; values?: unknown[] }) =>
  statement.name !== undefined || (statement.values?.length ?? 0) > 0;

/**
 * `pool` as Kysely uses it, with a transaction's `begin` and `commit` carried by its statements: Kysely's
 * `begin` is answered here and sent with the transaction's first statement, when pg sends that statement in the
 * extended protocol anyway (it has parameters or a name; otherwise the `begin` goes first, on its own, as it
 * came); and its statement marked {@link THEN_COMMIT} carries its `commit`, Kysely's `commit` after it then
 * being answered here with the tag PostgreSQL gave (Kysely throws on ROLLBACK, as for any commit). A
 * transaction that ends before any statement never reaches PostgreSQL. Up to two round trips fewer per
 * transaction, and its locks released as soon as its last statement has run. Everything else is sent as it
 * comes. Below `preparingPool` (it sees statements named) and above `abandoningPool` (which sees their failures).
 */
export function pipeliningPool(pool: PostgresPool): PostgresPool {
  const wrap = (client: PostgresPoolClient): PostgresPoolClient => {
    /** Kysely opened a transaction and has not ended it yet. */
    let open = false;
    /** Its `begin` was answered here and not sent yet. */
    let beginDeferred = false;
    /** A statement committed the transaction: the tag its `commit` got. */
    let committedAs: string | undefined;
    const send = (...args: unknown[]) => (client.query as (...a: unknown[]) => Promise<unknown>)(...args);
    const answer = (command: string) => Promise.resolve(commandResult(command));

    const query = (...args: unknown[]): unknown => {
      if (isCommand(args, BEGIN) && !open) {
        open = true;
        beginDeferred = true;
        return answer("BEGIN");
      }
      if (open && (isCommand(args, COMMIT) || isCommand(args, ROLLBACK))) {
        open = false;
        const committed = committedAs;
        committedAs = undefined;
        if (beginDeferred) {
          // Nothing was sent: there is nothing to end.
          beginDeferred = false;
          return answer(args[0] === COMMIT ? "COMMIT" : "ROLLBACK");
        }
        if (committed === undefined) return send(...args);
        // Committed by its last statement: a commit is answered with the tag PostgreSQL gave; a rollback (something
        // after that statement failed, which THEN_COMMIT's contract rules out) has nothing left to undo.
        return answer(args[0] === COMMIT ? committed : "ROLLBACK");
      }
      const statement = statementOf(args);
      const marker = statement?.text.indexOf(COMMIT_MARKER) ?? -1;
      const commit = statement !== undefined && open && marker >= 0 && marker < MARKER_WINDOW;
      const begin = beginDeferred && statement !== undefined && (commit || isExtended(statement));
      if (beginDeferred && !begin) {
        // The `begin` on its own, then this (pg runs a client's queries in order). A failed `begin` fails this
        // statement too, so that its result is never taken for the transaction's. (A query object, such as a
        // cursor, answers through its own events and cannot carry that failure; a `begin` fails only with its
        // connection, which fails the query after it as well.)
        beginDeferred = false;
        const begun = send(BEGIN);
        const sent = send(...args);
        if (!(sent instanceof Promise)) {
          begun.catch(() => {});
          return sent;
        }
        return begun.then(
          () => sent,
          (error: unknown) => {
            sent.catch(() => {});
            throw error;
          },
        );
      }
      if (statement === undefined || !(begin || (commit && committedAs === undefined))) {
        return send(...args);
      }
      beginDeferred = false;
      return new Promise((resolve, reject) => {
        const pipelined: PipelinedQuery = new PipelinedQuery(
          statement,
          { begin, commit },
          (error, result) => {
            if (error) return reject(error);
            if (commit) committedAs = pipelined.commitTag ?? "COMMIT";
            resolve(result);
          },
        );
        // A query object is answered through its callback (`abandoningPool` watches that too).
        send(pipelined);
      });
    };
    return {
      query: query as unknown as Query,
      release: (destroy?: boolean) => {
        // A transaction Kysely could not end (its rollback failed: the client is destroyed) ends with the lending.
        open = false;
        beginDeferred = false;
        committedAs = undefined;
        client.release(destroy);
      },
    };
  };
  return clientWrappingPool(pool, wrap);
}
