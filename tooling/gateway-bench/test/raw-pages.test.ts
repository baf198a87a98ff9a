// P6's floor: node:http and pg answering the gateway's two pages. Its answers are checked against a real gateway
// (the built @privnum/gateway, in this process) on the same rows, and so is the check the bench runs before
// measuring it.
import { mkdtempSync, rmSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { buildApp, type GatewayApp, parseConfig } from "@privnum/gateway";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type BenchDatabase, dropAllBenchDatabases } from "../src/lib/bench-database.js";
import { startChild } from "../src/lib/child-process.js";
import { apiKeysSetting, bearerAuthorization, generateApiKey } from "../src/lib/gateway-api-keys.js";
import { BINDINGS_PAGE, CALL_RECORDS_PAGE } from "../src/lib/gateway-pages.js";
import { keysetCursor } from "../src/lib/keyset-cursors.js";
import { closeRawPools } from "../src/lib/raw-inserts.js";
import { checkRawPageMatches } from "../src/lib/raw-page-check.js";
import { createRawPages, type RawPages } from "../src/lib/raw-pages.js";
import { createPageDatabase, execute } from "./support/page-database.js";

let database: BenchDatabase;
let dataDir: string;
let app: GatewayApp;
let gateway: { graphqlUrl: string; authorization: string };
let pages: RawPages;
let server: Server;
let floorUrl: string;

async function listen(handler: Parameters<typeof createServer>[1]): Promise<[Server, string]> {
  const listening = createServer(handler);
  await new Promise<void>((resolve) => listening.listen(0, "127.0.0.1", resolve));
  return [listening, `http://127.0.0.1:${(listening.address() as AddressInfo).port}/graphql`];
}

const post = (body: string, url = floorUrl) =>
  fetch(url, { method: "POST", headers: { "content-type": "application/json" }, body });

beforeAll(async () => {
  database = await createPageDatabase();
  dataDir = mkdtempSync(join(tmpdir(), "privnum-raw-pages-"));
  const key = generateApiKey();
  const parsed = parseConfig({
    PORT: "0",
    HOST: "127.0.0.1",
    DATABASE_URL: database.url,
    SIMULATOR_PORT: "0",
    DATA_DIR: dataDir,
    LOG_LEVEL: "silent",
    GATEWAY_API_KEYS: apiKeysSetting([{ key, role: "operator" }]),
  });
  if (!parsed.ok) throw new Error(JSON.stringify(parsed.issues));
  app = buildApp(parsed.config);
  const running = await app.start();
  gateway = { graphqlUrl: running.graphqlUrl, authorization: bearerAuthorization(key) };
  pages = createRawPages(database.url);
  [server, floorUrl] = await listen(pages.handler);
}, 60_000);

afterAll(async () => {
  server?.closeAllConnections();
  await new Promise((resolve) => server?.close(resolve));
  await pages?.close();
  await app?.stop();
  await closeRawPools();
  await dropAllBenchDatabases();
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
});

describe("the raw page server (P6's floor)", () => {
  it("answers bindings pages exactly as the gateway does: full, last and short", async () => {
    for (const id of [500, 1000, 21, 10]) {
      await checkRawPageMatches(gateway, floorUrl, BINDINGS_PAGE, keysetCursor("gateway", "b", id));
    }
    const answer = (await (
      await post(
        JSON.stringify({ query: BINDINGS_PAGE, variables: { after: keysetCursor("gateway", "b", 10) } }),
      )
    ).json()) as { data: { bindings: { edges: unknown[]; pageInfo: { hasNextPage: boolean } } } };
    expect(answer.data.bindings.edges).toHaveLength(9);
    expect(answer.data.bindings.pageInfo.hasNextPage).toBe(false);
  });

  it("answers callRecords pages exactly as the gateway does", async () => {
    for (const id of [100, 60, 21, 5]) {
      await checkRawPageMatches(gateway, floorUrl, CALL_RECORDS_PAGE, keysetCursor("gateway", "cr", id));
    }
  });

  it("leaves out what the gateway's list leaves out, and names rows as it does", async () => {
    await execute(
      database,
      "update bindings set deleted_at = now() where id = 490; " +
        "update bindings set expires_at = now() - interval '1 minute' where id = 495; " +
        "update bindings set superseded_at = now() where id = 485; " +
        "update call_records set conflict = true where id = 50",
    );
    try {
      await checkRawPageMatches(gateway, floorUrl, BINDINGS_PAGE, keysetCursor("gateway", "b", 500));
      await checkRawPageMatches(gateway, floorUrl, CALL_RECORDS_PAGE, keysetCursor("gateway", "cr", 60));
      const answer = (await (
        await post(
          JSON.stringify({
            query: CALL_RECORDS_PAGE,
            variables: { after: keysetCursor("gateway", "cr", 60) },
          }),
        )
      ).json()) as { data: { callRecords: { edges: { node: { id: string; icid: string } }[] } } };
      const conflicted = answer.data.callRecords.edges[9]!.node;
      expect(Buffer.from(conflicted.id, "base64").toString()).toBe(`CallRecord:${conflicted.icid}#50`);
    } finally {
      await execute(
        database,
        "update bindings set deleted_at = null where id = 490; " +
          "update bindings set expires_at = null where id = 495; " +
          "update bindings set superseded_at = null where id = 485; " +
          "update call_records set conflict = false where id = 50",
      );
    }
  });

  it("refuses what is not one of its pages", async () => {
    const cursor = keysetCursor("gateway", "b", 500);
    const other = await post(JSON.stringify({ query: "{ __typename }" }));
    expect(other.status).toBe(400);
    expect(await other.text()).toContain("Not one of the pages");
    const foreign = await post(JSON.stringify({ query: CALL_RECORDS_PAGE, variables: { after: cursor } }));
    expect(foreign.status).toBe(400);
    expect(await foreign.text()).toContain("Not a cursor of this page");
    expect((await post("{")).status).toBe(400);
    const notARequest = await post("null");
    expect(notARequest.status).toBe(400);
    expect(await notARequest.text()).toContain("not a GraphQL request");
    expect((await post(" ".repeat(20_000))).status).toBe(413);
    expect((await fetch(floorUrl)).status).toBe(404);
  });

  it("the bench's check says where a server's page differs from the gateway's", async () => {
    const [other, otherUrl] = await listen((request, response) => {
      request.resume();
      response.writeHead(200, { "content-type": "application/json" });
      response.end('{"data":{"bindings":{"edges":[]}}}');
    });
    try {
      await expect(
        checkRawPageMatches(gateway, otherUrl, BINDINGS_PAGE, keysetCursor("gateway", "b", 500)),
      ).rejects.toThrow(/answers another page than the gateway from 30: \]\}\}\} against \{"cursor"/);
    } finally {
      other.closeAllConnections();
      await new Promise((resolve) => other.close(resolve));
    }
  });
});

describe("the raw page server's process (serve-raw-pages.ts)", () => {
  it("serves the pages over the database the run's configuration names, and stops when asked", async () => {
    const child = await startChild({
      name: "raw pages",
      script: new URL("../src/serve-raw-pages.ts", import.meta.url),
      logFile: join(dataDir, "raw-pages.log"),
    });
    try {
      const { graphqlUrl } = await child.request<{ graphqlUrl: string }>("start", {
        database: { kind: "postgres", url: database.url },
      });
      await checkRawPageMatches(gateway, graphqlUrl, CALL_RECORDS_PAGE, keysetCursor("gateway", "cr", 80));
    } finally {
      await child.stop();
    }
  });

  it("refuses to start on a database that is not PostgreSQL", async () => {
    const child = await startChild({
      name: "raw pages",
      script: new URL("../src/serve-raw-pages.ts", import.meta.url),
      logFile: join(dataDir, "raw-pages.log"),
    });
    try {
      await expect(
        child.request("start", { database: { kind: "pglite", dataDir: "memory://" } }),
      ).rejects.toThrow("the raw page server needs the gateway on PostgreSQL");
    } finally {
      await child.stop();
    }
  });
});
