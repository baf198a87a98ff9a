// P6's documents for its PostGraphile peer: the gateway's P6 pages (`bindings`, `callRecords`: `first` rows after a
// keyset cursor, newest first) asked of PostGraphile 4, reading the same columns, and a check that such a page
// really positions where its cursor says.
import { keysetCursor } from "./keyset-cursors.js";

/**
 * PostGraphile's order that matches the gateway's lists (`id` descending: the gateway's `after: X` gives the rows
 * with `id < X`), as its cursors spell it.
 */
export const POSTGRAPHILE_PAGE_ORDER = "primary_key_desc";

/** A PostGraphile page document and the connection field it reads. */
export interface PostgraphilePage {
  query: string;
  connection: "allBindings" | "allCallRecords";
}

const pageInfo = "pageInfo { hasNextPage endCursor }";

/**
 * `bindings(first, after)` as PostGraphile serves it. The gateway's `id` reads `subscription_id` and
 * `superseded_at`, its `state` `expires_at`, `deleted_at` and `platform_missing_at`: the peer selects those
 * columns. The gateway lists active bindings (not deleted, not expired); PostGraphile's `condition` takes the
 * first half (`deleted_at is null`), and the bench's bindings never expire, so both return the same rows.
 */
export function postgraphileBindingsPage(first: number): PostgraphilePage {
  return {
    connection: "allBindings",
    query: `query Bindings($after: Cursor) {
  allBindings(first: ${first}, after: $after, orderBy: PRIMARY_KEY_DESC, condition: { deletedAt: null }) {
    edges { cursor node { id subscriptionId supersededAt virtualNum extendNum bindNum expiresAt deletedAt platformMissingAt createdAt } }
    ${pageInfo}
  }
}`,
  };
}

/**
 * `callRecords(first, after)` as PostGraphile serves it: the gateway's `id` reads `icid` and `conflict`, its
 * `talkSeconds` `fwd_answer_time` and `call_end_time`.
 */
export function postgraphileCallRecordsPage(first: number): PostgraphilePage {
  return {
    connection: "allCallRecords",
    query: `query CallRecords($after: Cursor) {
  allCallRecords(first: ${first}, after: $after, orderBy: PRIMARY_KEY_DESC) {
    edges { cursor node { id icid conflict sessionId subscriptionId virtualNum bindNum direction callInTime callEndTime fwdAnswerTime } }
    ${pageInfo}
  }
}`,
  };
}

interface PageAnswer {
  data?: Record<string, { edges: { cursor: string; node: { id: string } }[] } | null>;
  errors?: { message: string }[];
}

/**
 * Ask `graphqlUrl` for `page` after the cursor of row `afterId` (as the load generator writes it) and check that
 * it holds `rows` rows, all before `afterId` in the page's order, and that PostGraphile's own cursor of each row is
 * the one the load generator would write for it. Returns the page's ids; throws, saying what differs, otherwise.
 */
export async function checkPostgraphilePage(
  graphqlUrl: string,
  page: PostgraphilePage,
  afterId: number,
  rows: number,
): Promise<number[]> {
  const after = keysetCursor("postgraphile", POSTGRAPHILE_PAGE_ORDER, afterId);
  const response = await fetch(graphqlUrl, {
    method: "POST",
    headers: { "content-type": "application/json", accept: "application/json" },
    body: JSON.stringify({ query: page.query, variables: { after } }),
    signal: AbortSignal.timeout(10_000),
  });
  const answer = (await response.json()) as PageAnswer;
  const edges = answer.data?.[page.connection]?.edges;
  if (response.status !== 200 || answer.errors || !edges) {
    throw new Error(
      `PostGraphile ${page.connection} answered ${response.status}: ${answer.errors?.map((e) => e.message).join("; ") ?? "no page"}`,
    );
  }
  const ids = edges.map((edge) => Number(edge.node.id));
  if (ids.length !== rows)
    throw new Error(`PostGraphile ${page.connection} returned ${ids.length} rows, not ${rows}`);
  ids.forEach((id, k) => {
    if (id >= (k === 0 ? afterId : ids[k - 1]!)) {
      throw new Error(
        `PostGraphile ${page.connection} after ${afterId} is not in descending id order: ${ids.join(",")}`,
      );
    }
    if (edges[k]!.cursor !== keysetCursor("postgraphile", POSTGRAPHILE_PAGE_ORDER, id)) {
      throw new Error(`PostGraphile's cursor of ${page.connection} row ${id} is not the one the load writes`);
    }
  });
  return ids;
}
