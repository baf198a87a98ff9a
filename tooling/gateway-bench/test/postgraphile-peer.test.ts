// P6's peer, PostGraphile 4 over a database migrated by the gateway's migrations: it serves only the tables P6
// reads, and its pages start where the load generator's random cursors say.
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { type BenchDatabase, dropAllBenchDatabases } from "../src/lib/bench-database.js";
import {
  checkPostgraphilePage,
  postgraphileBindingsPage,
  postgraphileCallRecordsPage,
} from "../src/lib/postgraphile-pages.js";
import { createPostgraphilePeer, type PostgraphilePeer } from "../src/lib/postgraphile-peer.js";
import { closeRawPools } from "../src/lib/raw-inserts.js";
import { createPageDatabase, execute } from "./support/page-database.js";

let database: BenchDatabase;
let peer: PostgraphilePeer;
let server: Server;
let graphqlUrl: string;

async function ask(
  query: string,
): Promise<{ data?: Record<string, unknown>; errors?: { message: string }[] }> {
  const response = await fetch(graphqlUrl, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ query }),
  });
  return (await response.json()) as { data?: Record<string, unknown>; errors?: { message: string }[] };
}

beforeAll(async () => {
  database = await createPageDatabase();
  peer = createPostgraphilePeer(database.url);
  await peer.ready;
  server = createServer(peer.handler);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  graphqlUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/graphql`;
}, 60_000);

afterAll(async () => {
  server?.closeAllConnections();
  await new Promise((resolve) => server?.close(resolve));
  await peer?.close();
  await closeRawPools();
  await dropAllBenchDatabases();
});

describe("PostGraphile peer", () => {
  it("serves a bindings page of 20 that starts right after the cursor's row, newest first", async () => {
    const ids = await checkPostgraphilePage(graphqlUrl, postgraphileBindingsPage(20), 500, 20);
    expect(ids).toEqual(Array.from({ length: 20 }, (_, k) => 499 - k));
  });

  it("serves a callRecords page of 20 after the cursor's row", async () => {
    const ids = await checkPostgraphilePage(graphqlUrl, postgraphileCallRecordsPage(20), 90, 20);
    expect(ids).toEqual(Array.from({ length: 20 }, (_, k) => 89 - k));
  });

  it("leaves deleted bindings out, as the gateway's list does", async () => {
    await execute(database, "update bindings set deleted_at = now() where id = 490");
    try {
      const ids = await checkPostgraphilePage(graphqlUrl, postgraphileBindingsPage(20), 500, 20);
      expect(ids).not.toContain(490);
      expect(ids.at(-1)).toBe(479);
    } finally {
      await execute(database, "update bindings set deleted_at = null where id = 490");
    }
  });

  it("says so when a page holds fewer rows than asked", async () => {
    await expect(checkPostgraphilePage(graphqlUrl, postgraphileBindingsPage(20), 10, 20)).rejects.toThrow(
      "returned 9 rows, not 20",
    );
  });

  it("says so when PostGraphile refuses the document", async () => {
    const wrong = {
      connection: "allBindings" as const,
      query: "query($after: Cursor) { allBindings(after: $after) { nope } }",
    };
    await expect(checkPostgraphilePage(graphqlUrl, wrong, 500, 20)).rejects.toThrow(/answered 400: .*nope/);
  });

  it("exposes the two tables P6 reads and nothing else, read-only", async () => {
    const answer = await ask("{ __schema { mutationType { name } queryType { fields { name } } } }");
    const schema = answer.data?.__schema as {
      mutationType: unknown;
      queryType: { fields: { name: string }[] };
    };
    expect(schema.mutationType).toBeNull();
    const lists = schema.queryType.fields.map((f) => f.name).filter((name) => name.startsWith("all"));
    expect(lists.sort()).toEqual(["allBindings", "allCallRecords"]);
  });

  it("ends its process, without retrying, when it cannot reach its database", async () => {
    // PostGraphile's `retryOnInitFail: false` exits (code 34): the orchestrator's `start` then fails at once.
    const exit = vi.spyOn(process, "exit").mockImplementation((code) => {
      throw new Error(`exit ${code}`);
    });
    try {
      const url = new URL(database.url);
      url.pathname = "/privnum_bench_no_such_database";
      const broken = createPostgraphilePeer(url.toString());
      await expect(broken.ready).rejects.toThrow("exit 34");
      expect(exit).toHaveBeenCalledWith(34);
      await broken.close();
    } finally {
      exit.mockRestore();
    }
  });
});
