import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { MAX_RECONCILE_VIRTUAL_NUMS } from "../src/bindings/reconcile.graphql.js";
import type { ReconcileReportView } from "../src/cli/reconcile-report-text.js";
import { type CapturedLog, captureLog } from "./support/captured-log.js";
import { createPostgresDatabase, type TestDatabase } from "./support/databases.js";
import { type As, startGateway, type TestGateway, until } from "./support/gateway.js";
import { clientBehindTheGatewaysBack } from "./support/platform-seam.js";

const X1 = "+8617000000001";
const X2 = "+8617000000002";
const RECONCILED = "reconciled the bindings with the platform";

const RECONCILE = /* GraphQL */ `
  mutation ($input: ReconcileBindingsInput) {
    reconcileBindings(input: $input) {
      __typename
      ... on ReconcileBindingsPayload {
        report {
          startedAt finishedAt virtualNumbers listed imported missing unchanged
          failed { virtualNum reason }
        }
      }
      ... on ValidationError { fields { field message } }
      ... on PlatformError { resultcode category }
    }
  }
`;

interface ReconcileResult {
  __typename: string;
  report?: ReconcileReportView;
  fields?: { field: string; message: string }[];
  resultcode?: string;
  category?: string;
}

async function reconcileBindings(gw: TestGateway, input: unknown, as: As = "operator") {
  return gw.gql<{ reconcileBindings: ReconcileResult }>(RECONCILE, { input }, as);
}

describe("the reconcileBindings mutation", () => {
  let database: TestDatabase;
  let gw: TestGateway;
  let log: CapturedLog;

  beforeAll(async () => {
    database = await createPostgresDatabase();
    log = captureLog();
    gw = await startGateway({ database: database.config }, { logger: log.logger });
    await until(() => log.lines.some((l) => l.msg === RECONCILED), "the reconciliation at start");
  });
  afterAll(async () => {
    await gw?.stop();
    await database?.drop();
  });
  afterEach(() => gw.gateway.simulator!.setFaults({ api: {} }));

  it("reconciles every X for an operator and returns the report", async () => {
    const outside = await clientBehindTheGatewaysBack(gw).createBinding({
      bindNum: "+8613800000801",
      virtualNum: X1,
    });
    const result = await reconcileBindings(gw, null);
    expect(result.errors).toBeUndefined();
    const { report } = result.data!.reconcileBindings;
    expect(result.data!.reconcileBindings.__typename).toBe("ReconcileBindingsPayload");
    expect(report).toMatchObject({
      virtualNumbers: 2,
      listed: 1,
      imported: 1,
      missing: 0,
      unchanged: 0,
      failed: [],
    });
    expect(Date.parse(report!.finishedAt)).toBeGreaterThanOrEqual(Date.parse(report!.startedAt));
    const mirrored = await gw.gql<{ binding: { state: string } | null }>(
      "query ($id: String!) { binding(subscriptionId: $id) { state } }",
      { id: outside.subscriptionId },
    );
    expect(mirrored.data?.binding).toEqual({ state: "ACTIVE" });
    // Audited as every mutation is.
    expect(log.lines).toContainEqual(
      expect.objectContaining({ audit: "mutation", mutation: "reconcileBindings", outcome: "done" }),
    );
  });

  it("reconciles only the X numbers given, once each, and reports the ones the platform failed for", async () => {
    gw.gateway.simulator!.setFaults({ api: { error500: 1 } });
    const result = await reconcileBindings(gw, { virtualNums: [X2, X2] });
    expect(result.data?.reconcileBindings.report).toMatchObject({
      virtualNumbers: 1,
      listed: 0,
      failed: [{ virtualNum: X2, reason: expect.stringMatching(/^listing failed: /) }],
    });
  });

  it("shows the viewer FORBIDDEN, and runs nothing", async () => {
    const before = log.lines.filter((l) => l.msg === RECONCILED).length;
    const result = await reconcileBindings(gw, null, "viewer");
    expect(result.data?.reconcileBindings ?? null).toBeNull();
    expect(result.errors?.map((e) => e.extensions?.code)).toEqual(["FORBIDDEN"]);
    expect(log.lines.filter((l) => l.msg === RECONCILED)).toHaveLength(before);
  });

  it("refuses invalid numbers, an empty list and too many numbers with a ValidationError, running nothing", async () => {
    const before = log.lines.filter((l) => l.msg === RECONCILED).length;
    const tooMany = Array.from(
      { length: MAX_RECONCILE_VIRTUAL_NUMS + 1 },
      (_, i) => `+86170000${String(i).padStart(5, "0")}`,
    );
    const cases: [unknown, { field: string; message: string }[]][] = [
      [
        { virtualNums: [X1, "17000000001", "+86 170"] },
        [
          { field: "virtualNums[1]", message: expect.stringMatching(/E\.164/) },
          { field: "virtualNums[2]", message: expect.stringMatching(/E\.164/) },
        ],
      ],
      [{ virtualNums: [] }, [{ field: "virtualNums", message: expect.stringMatching(/at least one/) }]],
      [{ virtualNums: tooMany }, [{ field: "virtualNums", message: "at most 100 numbers" }]],
    ];
    for (const [input, fields] of cases) {
      const result = await reconcileBindings(gw, input);
      expect(result.data?.reconcileBindings, JSON.stringify(input)).toEqual({
        __typename: "ValidationError",
        fields,
      });
    }
    expect(log.lines.filter((l) => l.msg === RECONCILED)).toHaveLength(before);
  });

  it("answers PlatformError when the platform refuses the gateway's credentials, and stops at the first X", async () => {
    const other = await startGateway(
      { database: database.config },
      {
        logger: captureLog().logger,
        // The simulator knows another secret for this APP_Key than the gateway signs with.
        simulator: {
          timeScale: 0,
          apps: [{ appKey: "privnum-sim-app", appSecret: "another-secret-000", virtualNumbers: [X1, X2] }],
        },
      },
    );
    try {
      const result = await reconcileBindings(other, null);
      expect(result.data?.reconcileBindings).toMatchObject({
        __typename: "PlatformError",
        category: "AUTHENTICATION",
      });
    } finally {
      await other.stop();
    }
  });
});

describe("the reconciliation schedule", () => {
  let database: TestDatabase;
  let gw: TestGateway | undefined;

  beforeEach(async () => {
    database = await createPostgresDatabase();
  });
  afterEach(async () => {
    await gw?.stop();
    await database.drop();
  });

  it("reconciles every interval after the run at start, and no more once stopped", async () => {
    const log = captureLog();
    gw = await startGateway({ database: database.config }, { logger: log.logger, reconcileIntervalMs: 50 });
    const runs = () => log.lines.filter((l) => l.msg === RECONCILED).length;
    await until(() => runs() >= 3, "three reconciliations");
    await gw.stop();
    gw = undefined;
    const after = runs();
    // Nothing to wait on for "nothing happens": ten intervals pass, and no run starts.
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(runs()).toBe(after);
  });

  it("runs only at start with an interval of 0", async () => {
    const log = captureLog();
    gw = await startGateway({ database: database.config }, { logger: log.logger, reconcileIntervalMs: 0 });
    const runs = () => log.lines.filter((l) => l.msg === RECONCILED).length;
    await until(() => runs() === 1, "the reconciliation at start");
    await gw.gateway.services.reconciler.run();
    expect(runs()).toBe(2);
  });
});
