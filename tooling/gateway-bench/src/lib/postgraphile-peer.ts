// P6's peer: PostGraphile 4 (library mode) over the gateway's own database, serving the two tables P6 pages
// (`bindings`, `call_records`) read-only, with the settings PostGraphile's documentation recommends for
// production, except where a choice would make the peer do less or more work than a production server:
//
// - `graphiql: false`, `watchPg: false`: no IDE, no schema watching (production).
// - `disableQueryLog: true`: PostGraphile's own per-query log is a known cost (its docs say so); the gateway
//   logs no queries either.
// - `enableQueryBatching: false`: one operation per request, as the gateway takes.
// - `dynamicJson: true`, `setofFunctionsContainNulls: false`, `ignoreRBAC: false`, `legacyRelations: "omit"`:
//   the documented production set (`ignoreRBAC: false` exposes what the connecting role may do).
// - `extendedErrors: ["errcode"]`, no error stacks: what a production server shows of an error.
// - `retryOnInitFail: false`: a schema that cannot be built ends the process (PostGraphile exits with code 34,
//   its error on stderr, i.e. the child's log), so the orchestrator's `start` fails at once instead of waiting.
// - `disableDefaultMutations: true` and a smart-tags plugin that omits every other table:
//   the peer serves only the tables P6 reads, as the smallest schema PostGraphile would build for them. The
//   tags live in this process (no `@omit` comments on the gateway's schema, nothing changed in the database).
// - No JWT, no `pgSettings`: requests carry no credential, so PostGraphile runs no transaction or
//   `set_config` per request (the gateway does check its API key: that cost stays on the gateway's side).
// - A `pg` pool of the gateway's size (`max` 10, the gateway's default `poolSize`).
import type { IncomingMessage, ServerResponse } from "node:http";
import { createRequire } from "node:module";
import pg from "pg";
import type { HttpRequestHandler, PgSmartTagRule } from "postgraphile";

// PostGraphile 4 is CommonJS and re-exports graphile-utils in a way Node's ESM named-export detection does not
// see (`makePgSmartTagsPlugin` would be missing): load it as CommonJS, typed by its own declarations.
const { makePgSmartTagsPlugin, postgraphile } = createRequire(import.meta.url)(
  "postgraphile",
) as typeof import("postgraphile");

/** The tables the peer exposes: those P6 pages through. */
export const PEER_TABLES: readonly string[] = ["bindings", "call_records"];
/** Connections of the peer's pool: the gateway's default `poolSize`. */
export const PEER_POOL_SIZE = 10;

/**
 * Smart tags applied at introspection: every other table (and view) omitted. The gateway's schema has no
 * functions in `public` (a rule for them would only print PostGraphile's "no matches" warning).
 */
const peerTablesOnly = makePgSmartTagsPlugin({
  kind: "class" as PgSmartTagRule["kind"],
  match: (entity) => !PEER_TABLES.includes((entity as { name: string }).name),
  tags: { omit: true },
});

/** A PostGraphile handler over a database, and how to release it. */
export interface PostgraphilePeer {
  /** A node:http request listener serving `/graphql`. */
  handler: (req: IncomingMessage, res: ServerResponse) => void;
  /** Resolves once the schema is built (when it cannot be, PostGraphile ends the process: no retry). */
  ready: Promise<void>;
  /** Release the handler and end the pool. */
  close(): Promise<void>;
}

/** Build PostGraphile 4 over `databaseUrl`'s `public` schema with the options this file's header gives. */
export function createPostgraphilePeer(databaseUrl: string): PostgraphilePeer {
  const pool = new pg.Pool({ connectionString: databaseUrl, max: PEER_POOL_SIZE });
  // An idle client's error (the server went away) must not end the process; the next query reports it.
  pool.on("error", () => {});
  const handler: HttpRequestHandler = postgraphile(pool, "public", {
    graphqlRoute: "/graphql",
    graphiql: false,
    watchPg: false,
    disableQueryLog: true,
    enableQueryBatching: false,
    dynamicJson: true,
    setofFunctionsContainNulls: false,
    ignoreRBAC: false,
    legacyRelations: "omit",
    disableDefaultMutations: true,
    extendedErrors: ["errcode"],
    showErrorStack: false,
    retryOnInitFail: false,
    appendPlugins: [peerTablesOnly],
  });
  return {
    handler: (req, res) => void handler(req, res),
    ready: handler.getGraphQLSchema().then(() => undefined),
    async close() {
      await handler.release();
      await pool.end();
    },
  };
}
