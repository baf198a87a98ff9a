// P6's floor: the gateway's two pages (gateway-pages.ts) answered by node:http and pg alone, with no GraphQL
// server: the request body is parsed and its document matched by text, the cursor decoded, one prepared
// statement reads the rows the gateway's page reads (the same columns, filter, order and one row more for
// `hasNextPage`), and the answer is the gateway's JSON for that page, the same fields with the same values, as
// an operator sees them (full numbers). It takes no credential. What a page costs here is what reading its
// rows through pg and writing their JSON over HTTP cost a Node process, before any GraphQL server's own work.
import type { IncomingMessage, ServerResponse } from "node:http";
import pg from "pg";
import { BINDINGS_PAGE, CALL_RECORDS_PAGE, PAGE } from "./gateway-pages.js";
import { keysetCursor } from "./keyset-cursors.js";

/** Largest request body read (a page request is about 400 bytes). */
const MAX_BODY_BYTES = 16 * 1024;
/** Connections of the pool: the gateway's default `poolSize`, as the PostGraphile peer's. */
export const RAW_PAGES_POOL_SIZE = 10;

type Row = Record<string, unknown>;

/** One page the floor answers: its field, its cursor prefix, its statement and how a row becomes a node. */
interface RawPage {
  field: string;
  prefix: string;
  statement: string;
  /** Parameters of the statement besides the cursor's id (last) and the limit (after it). */
  parameters(now: Date): unknown[];
  node(row: Row, now: Date): Row;
}

const iso = (value: unknown) => (value instanceof Date ? value.toISOString() : null);
/**
 * The gateway's node ID of a row keyed by a platform ID it may reuse (its graphql/row-node-id.ts), as a Relay
 * global ID: base64 of `Type:id`.
 */
const rowNodeId = (type: string, platformId: unknown, rowId: unknown, isMain: boolean) =>
  Buffer.from(`${type}:${String(platformId)}${isMain ? "" : `#${String(rowId)}`}`, "utf8").toString("base64");

/** The state of a binding's row at `now`, as the gateway's `bindingState` gives it (as its enum value). */
function bindingState(row: Row, now: Date): string {
  const expiresAt = row.expires_at as Date | null;
  if (row.platform_missing_at !== null) return "MISSING";
  if (row.deleted_at !== null) {
    return expiresAt !== null && expiresAt <= (row.deleted_at as Date) ? "EXPIRED" : "DELETED";
  }
  return expiresAt !== null && expiresAt <= now ? "EXPIRED" : "ACTIVE";
}

const PAGES = new Map<string, RawPage>([
  [
    BINDINGS_PAGE,
    {
      field: "bindings",
      prefix: "b",
      // The gateway's default list: active bindings (not deleted, not expired at `now`), newest first.
      statement:
        "select id, subscription_id, superseded_at, virtual_num, extend_num, bind_num, expires_at, deleted_at, " +
        "platform_missing_at, created_at from bindings " +
        "where deleted_at is null and (expires_at is null or expires_at > $1) and id < $2 order by id desc limit $3",
      parameters: (now) => [now],
      node: (row, now) => ({
        id: rowNodeId("Binding", row.subscription_id, row.id, row.superseded_at === null),
        subscriptionId: row.subscription_id,
        virtualNum: row.virtual_num,
        extendNum: row.extend_num,
        bindNum: row.bind_num,
        state: bindingState(row, now),
        expiresAt: iso(row.expires_at),
        createdAt: iso(row.created_at),
      }),
    },
  ],
  [
    CALL_RECORDS_PAGE,
    {
      field: "callRecords",
      prefix: "cr",
      statement:
        "select id, icid, conflict, session_id, subscription_id, virtual_num, bind_num, direction, call_in_time, " +
        "call_end_time, fwd_answer_time from call_records where id < $1 order by id desc limit $2",
      parameters: () => [],
      node: (row) => {
        const answered = row.fwd_answer_time as Date | null;
        const ended = row.call_end_time as Date | null;
        return {
          id: rowNodeId("CallRecord", row.icid, row.id, !row.conflict),
          icid: row.icid,
          sessionId: row.session_id,
          subscriptionId: row.subscription_id,
          virtualNum: row.virtual_num,
          bindNum: row.bind_num,
          direction: row.direction,
          callInTime: iso(row.call_in_time),
          callEndTime: iso(ended),
          talkSeconds:
            answered && ended ? Math.max(0, Math.round((ended.getTime() - answered.getTime()) / 1000)) : null,
        };
      },
    },
  ],
]);

/** The id a gateway cursor of `prefix` points at, or undefined for anything else. */
function cursorId(prefix: string, cursor: unknown): number | undefined {
  if (typeof cursor !== "string" || cursor.length > 64) return undefined;
  const match = /^([a-z]+):(\d{1,15})$/.exec(Buffer.from(cursor, "base64url").toString("utf8"));
  return match && match[1] === prefix ? Number(match[2]) : undefined;
}

function answer(response: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  response.writeHead(status, {
    "content-type": "application/graphql-response+json; charset=utf-8",
    "content-length": Buffer.byteLength(text),
  });
  response.end(text);
}

const refusal = (message: string) => ({ errors: [{ message }] });

/** The floor's request handler over a pool, and how to release it. */
export interface RawPages {
  /** A node:http request listener serving `POST /graphql`. */
  handler: (request: IncomingMessage, response: ServerResponse) => void;
  close(): Promise<void>;
}

/** Serve the two pages of gateway-pages.ts from `databaseUrl` (the gateway's tables), as this file's header says. */
export function createRawPages(databaseUrl: string): RawPages {
  const pool = new pg.Pool({ connectionString: databaseUrl, max: RAW_PAGES_POOL_SIZE });
  // An idle client's error (the server went away) must not end the process; the next query reports it.
  pool.on("error", () => {});

  async function respond(body: Buffer, response: ServerResponse): Promise<void> {
    let request: { query?: unknown; variables?: { after?: unknown } | null } | null;
    try {
      request = JSON.parse(body.toString("utf8"));
    } catch {
      return answer(response, 400, refusal("The body is not JSON."));
    }
    if (typeof request !== "object" || request === null) {
      return answer(response, 400, refusal("The body is not a GraphQL request."));
    }
    const page = typeof request.query === "string" ? PAGES.get(request.query) : undefined;
    if (!page) return answer(response, 400, refusal("Not one of the pages this server answers."));
    const after = cursorId(page.prefix, request.variables?.after);
    if (after === undefined) return answer(response, 400, refusal("Not a cursor of this page."));
    const now = new Date();
    const { rows } = await pool.query<Row>({
      name: page.field,
      text: page.statement,
      values: [...page.parameters(now), after, PAGE + 1],
    });
    const edges = rows.slice(0, PAGE).map((row) => ({
      cursor: keysetCursor("gateway", page.prefix, Number(row.id)),
      node: page.node(row, now),
    }));
    answer(response, 200, {
      data: {
        [page.field]: {
          edges,
          pageInfo: { hasNextPage: rows.length > PAGE, endCursor: edges.at(-1)?.cursor ?? null },
        },
      },
    });
  }

  return {
    handler(request, response) {
      if (request.method !== "POST" || request.url !== "/graphql") {
        answer(response, 404, refusal("POST /graphql only."));
        request.resume();
        return;
      }
      const chunks: Buffer[] = [];
      let size = 0;
      request.on("data", (chunk: Buffer) => {
        size += chunk.length;
        if (size <= MAX_BODY_BYTES) chunks.push(chunk);
      });
      request.on("end", () => {
        if (size > MAX_BODY_BYTES) return answer(response, 413, refusal("The body is too large."));
        respond(Buffer.concat(chunks), response).catch((error: unknown) => {
          if (!response.headersSent) answer(response, 500, refusal(String(error)));
          else response.destroy();
        });
      });
    },
    close: () => pool.end(),
  };
}
