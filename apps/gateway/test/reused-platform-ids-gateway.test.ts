import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Writable } from "node:stream";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { DatabaseConfig } from "../src/shared/config.js";
import { createLogger } from "../src/shared/logger.js";
import { createPostgresDatabase, type TestDatabase } from "./support/databases.js";
import { startGateway, type TestGateway } from "./support/gateway.js";
import { cdr, signedHeaders } from "./support/notifications.js";

const X = "+8617000000001";
const A_FIRST = "+8613800000021";
const A_SECOND = "+8613800000022";
const CALLER = "+8613900000001";
const T0 = new Date("2026-06-01T10:00:00Z");
// Every full number these tests send or bind: none may appear in a log line.
const FULL_NUMBERS = [X, A_FIRST, A_SECOND, CALLER, "+8613900000077", "+8613800000055"];

/** A database that outlives one gateway: a PostgreSQL database, or a PGlite directory under the temp folder. */
const DURABLE_ENGINES = [
  { engine: "postgres", create: createPostgresDatabase },
  {
    engine: "pglite",
    create: async (): Promise<TestDatabase> => {
      const dataDir = await mkdtemp(join(tmpdir(), "privnum-reused-ids-"));
      return {
        config: { kind: "pglite", dataDir } satisfies DatabaseConfig,
        drop: () => rm(dataDir, { recursive: true, force: true }),
      };
    },
  },
] as const;

const CREATE = /* GraphQL */ `
  mutation Create($input: CreateBindingInput!) {
    createBinding(input: $input) {
      __typename
      ... on CreateBindingPayload { binding { id subscriptionId bindNum conflict } }
    }
  }
`;

describe.each(DURABLE_ENGINES)("a restarted platform reusing IDs, gateway on $engine", ({ create }) => {
  let database: TestDatabase;
  let gw: TestGateway | undefined;
  let subscriptionId = "";
  const lines: string[] = [];
  const logs = new Writable({
    write(chunk, _encoding, done) {
      lines.push(String(chunk));
      done();
    },
  });
  // Each start embeds a fresh simulator with the same seed: it hands out the same subscriptionIds again,
  // as the platform did in the field after a restart.
  const start = () =>
    startGateway(
      { database: database.config },
      { logger: createLogger({ level: "info", destination: logs }) },
    );

  beforeAll(async () => {
    database = await create();
  });
  afterAll(async () => {
    await gw?.stop();
    await database?.drop();
  });

  it("a binding created again under a known subscriptionId with another A keeps both", async () => {
    const first = await start();
    const created = await first.gql<{ createBinding: { binding: { subscriptionId: string } } }>(CREATE, {
      input: { bindNum: A_FIRST, virtualNum: X },
    });
    subscriptionId = created.data!.createBinding.binding.subscriptionId;
    await first.stop();

    gw = await start();
    const again = await gw.gql<{
      createBinding: { binding: { id: string; subscriptionId: string; bindNum: string; conflict: boolean } };
    }>(CREATE, { input: { bindNum: A_SECOND, virtualNum: X } });
    expect(again.data?.createBinding.binding).toMatchObject({
      subscriptionId,
      bindNum: A_SECOND,
      conflict: true,
      id: expect.any(String),
    });

    const read = await gw.gql<{
      binding: {
        bindNum: string;
        supersededAt: string | null;
        sameSubscriptionIdBindings: {
          id: string;
          bindNum: string;
          state: string;
          supersededAt: string | null;
        }[];
      };
      conflicting: { edges: { node: { subscriptionId: string; bindNum: string } }[] };
    }>(
      /* GraphQL */ `
        query($id: String!) {
          binding(subscriptionId: $id) {
            bindNum supersededAt
            sameSubscriptionIdBindings { id bindNum state supersededAt }
          }
          conflicting: bindings(filter: { conflict: true }) { edges { node { subscriptionId bindNum } } }
        }
      `,
      { id: subscriptionId },
    );
    expect(read.errors).toBeUndefined();
    expect(read.data?.binding).toMatchObject({ bindNum: A_SECOND, supersededAt: null });
    const [previous, current] = read.data!.binding.sameSubscriptionIdBindings;
    expect(previous).toMatchObject({ bindNum: A_FIRST, state: "DELETED", supersededAt: expect.any(String) });
    expect(current).toMatchObject({ bindNum: A_SECOND, state: "ACTIVE", supersededAt: null });
    expect(previous!.id).not.toBe(current!.id);
    expect(read.data?.conflicting.edges.map((e) => e.node.bindNum)).toEqual([A_SECOND, A_FIRST]);

    // Each row has a node ID of its own that fetches it back.
    const node = await gw.gql<{ node: { bindNum: string } }>(
      "query($id: ID!) { node(id: $id) { ... on Binding { bindNum } } }",
      { id: previous!.id },
    );
    expect(node.data?.node).toEqual({ bindNum: A_FIRST });

    const warning = lines.find((line) => line.includes("reused a subscriptionId"));
    expect(warning).toBeDefined();
    expect(warning).toContain(subscriptionId);
    expect(warning).toContain("+86138****0021");
    expect(warning).toContain("+86138****0022");
    // PGlite on disk opens slowly, and this test opens the database twice.
  }, 240_000);

  it("a push with a CDR under a stored icid but of another call keeps it, and the call is billed", async () => {
    gw ??= await start();
    const post = (feeLst: unknown[]) =>
      gw!.gateway.yoga.fetch("http://gateway.test/notify", {
        method: "POST",
        headers: signedHeaders(),
        body: JSON.stringify({ eventType: "fee", feeLst }),
      });
    expect((await post([cdr("icid-field", "s-before-restart", T0)])).status).toBe(200);

    const later = new Date("2026-06-02T10:00:00Z");
    const feeLst = Array.from({ length: 50 }, (_, i) =>
      i === 0
        ? cdr("icid-field", "s-after-restart", later, {
            callerNum: "+8613900000077",
            fwdDstNum: "+8613800000055",
          })
        : i === 1
          ? // Names the reused subscriptionId, but shows an A that is neither binding's.
            cdr("icid-field-1", "s-field-1", later, { subscriptionId, fwdDstNum: "+8613800000055" })
          : cdr(`icid-field-${i}`, `s-field-${i}`, later),
    );
    expect((await post(feeLst)).status).toBe(200);
    // The platform retries the same push: nothing new.
    expect((await post(feeLst)).status).toBe(200);

    const read = await gw.gql<{
      conflicting: { edges: { node: { icid: string; sessionId: string; conflict: boolean } }[] };
      byIcid: { sessionId: string; sameIcidRecords: { sessionId: string; conflict: boolean }[] };
      session: { state: string };
      all: { edges: unknown[] };
    }>(/* GraphQL */ `
      {
        conflicting: callRecords(filter: { conflict: true }) { edges { node { icid sessionId conflict } } }
        byIcid: callRecord(icid: "icid-field") { sessionId sameIcidRecords { sessionId conflict } }
        session: callSession(sessionId: "s-after-restart") { state }
        all: callRecords(first: 100) { edges { node { icid } } }
      }
    `);
    expect(read.errors).toBeUndefined();
    expect(read.data?.conflicting.edges.map((e) => e.node)).toEqual([
      { icid: "icid-field", sessionId: "s-after-restart", conflict: true },
    ]);
    expect(read.data?.byIcid).toEqual({
      sessionId: "s-after-restart",
      sameIcidRecords: [
        { sessionId: "s-before-restart", conflict: false },
        { sessionId: "s-after-restart", conflict: true },
      ],
    });
    expect(read.data?.session.state).toBe("BILLED");
    expect(read.data?.all.edges).toHaveLength(51);

    const warnings = lines.filter((line) => line.includes("reuses a stored icid"));
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toContain("icid-field");
    expect(warnings[0]).toContain("+86139****0077");
    const bindingWarnings = lines.filter((line) => line.includes("mirrored binding has another A"));
    expect(bindingWarnings).toHaveLength(1);
    expect(bindingWarnings[0]).toContain(subscriptionId);
    expect(bindingWarnings[0]).toContain("+86138****0055");
  });

  it("no log line carries a full phone number", () => {
    expect(lines.length).toBeGreaterThan(0);
    for (const number of FULL_NUMBERS) {
      expect(lines.filter((line) => line.includes(number) || line.includes(number.slice(1)))).toEqual([]);
    }
  });
});
