import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Kysely } from "kysely";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { BuildAppOptions } from "../src/app.js";
import { createBindingReconciler } from "../src/bindings/binding-reconcile.js";
import { type Database, openDatabase } from "../src/database/database.js";
import { type GatewayConfig, testConfig } from "../src/shared/config.js";
import { captureLog } from "./support/captured-log.js";
import { createPostgresDatabase, ENGINES, type TestDatabase } from "./support/databases.js";
import { collect, startGateway, subscriptionCounter, type TestGateway, until } from "./support/gateway.js";
import { clientBehindTheGatewaysBack, platformSeam } from "./support/platform-seam.js";

const X1 = "+8617000000001";
const X2 = "+8617000000002";

const WARN = 40;
const RECONCILED = "reconciled the bindings with the platform";

const CREATE = /* GraphQL */ `
  mutation ($input: CreateBindingInput!) {
    createBinding(input: $input) {
      __typename
      ... on CreateBindingPayload { binding { subscriptionId state } }
      ... on Error { message }
    }
  }
`;

const STATES = /* GraphQL */ `
  query ($states: [BindingState!]) {
    bindings(first: 50, filter: { states: $states }) { edges { node { subscriptionId state } } }
  }
`;

interface BindingChangeView {
  kind: string;
  binding: { subscriptionId: string; virtualNum: string; bindNum: string; state: string };
}

async function bind(gw: TestGateway, bindNum: string, virtualNum: string): Promise<string> {
  const result = await gw.gql<{ createBinding: { binding?: { subscriptionId: string; state: string } } }>(
    CREATE,
    { input: { bindNum, virtualNum } },
  );
  const binding = result.data?.createBinding.binding;
  expect(binding, JSON.stringify(result)).toMatchObject({ state: "ACTIVE" });
  return binding!.subscriptionId;
}

/** Unbind straight on the simulator: the gateway's mirror is not told. */
async function unbindBehindTheGatewaysBack(gw: TestGateway, subscriptionIds: readonly string[]) {
  const other = clientBehindTheGatewaysBack(gw);
  for (const subscriptionId of subscriptionIds) await other.deleteBinding({ subscriptionId });
}

/** Bind straight on the simulator: the gateway's mirror is not told. */
async function bindBehindTheGatewaysBack(gw: TestGateway, bindNum: string, virtualNum: string) {
  return clientBehindTheGatewaysBack(gw).createBinding({ bindNum, virtualNum, recordFlag: true });
}

async function stateOf(gw: TestGateway, subscriptionId: string): Promise<string | undefined> {
  const result = await gw.gql<{ binding: { state: string } | null }>(
    "query ($id: String!) { binding(subscriptionId: $id) { state } }",
    { id: subscriptionId },
  );
  expect(result.errors).toBeUndefined();
  return result.data?.binding?.state;
}

async function listed(gw: TestGateway, states?: string[]): Promise<string[]> {
  const result = await gw.gql<{ bindings: { edges: { node: { subscriptionId: string } }[] } }>(STATES, {
    states,
  });
  expect(result.errors).toBeUndefined();
  return result.data!.bindings.edges.map((e) => e.node.subscriptionId).sort();
}

/** A report's counts, without its times. */
function countsOf(report: { failed: { virtualNum: string }[] } & Record<string, unknown>) {
  const { startedAt: _s, finishedAt: _f, failed, ...counts } = report;
  return { ...counts, failed: failed.map((f) => f.virtualNum) };
}

/**
 * A gateway per test on a fresh database of `create`, its platform requests going through a seam, its log
 * captured; the run at start has ended when `startWith` resolves.
 */
function reconcilingGateway(create: () => Promise<TestDatabase>) {
  const state = {
    database: undefined as unknown as TestDatabase,
    gw: undefined as TestGateway | undefined,
    seam: platformSeam(),
    log: captureLog(),
  };
  const reconciledLines = () => state.log.lines.filter((l) => l.msg === RECONCILED);
  beforeEach(async () => {
    state.database = await create();
    state.seam = platformSeam();
    state.log = captureLog();
  });
  afterEach(async () => {
    await state.gw?.stop();
    state.gw = undefined;
    await state.database.drop();
  });
  return {
    state,
    reconciledLines,
    warnings: () => state.log.lines.filter((l) => (l.level as number) >= WARN && l.component === "bindings"),
    reconcile: () => state.gw!.gateway.services.reconciler.run(),
    async startWith(options: BuildAppOptions = {}): Promise<TestGateway> {
      state.gw = await startGateway(
        { database: state.database.config },
        {
          logger: state.log.logger,
          // One attempt per call, so that a fault is an answer at once rather than after the client's retries.
          platformClient: { retry: false, fetch: state.seam.fetch, timeoutMs: 5_000 },
          ...options,
        },
      );
      // The run at start finds an empty mirror and platform; let it end before the test sets the scene.
      await until(() => reconciledLines().length > 0, "the reconciliation at start");
      return state.gw;
    },
  };
}

// What a run does does not depend on the engine (PostgreSQL here, the quicker to start); the race between
// instances does (both engines below).
describe("the reconciliation of the mirror with the platform", () => {
  const { state, startWith, reconcile, reconciledLines, warnings } =
    reconcilingGateway(createPostgresDatabase);

  it("marks exactly the bindings the platform no longer has MISSING, publishes each and warns once per X", async () => {
    const g = await startWith();
    const [a, b, c] = [
      await bind(g, "+8613800000701", X1),
      await bind(g, "+8613800000702", X1),
      await bind(g, "+8613800000703", X1),
    ];
    const d = await bind(g, "+8613800000704", X2);
    await unbindBehindTheGatewaysBack(g, [a, c]);

    const counted = subscriptionCounter(g.gateway);
    const changes = collect<BindingChangeView>(
      g.wsClient(),
      "subscription { bindingChanges { kind binding { subscriptionId virtualNum bindNum state } } }",
      {},
      "bindingChanges",
    );
    await counted(1);

    const report = await reconcile();
    expect(countsOf(report as never)).toEqual({
      virtualNumbers: 2,
      listed: 2,
      imported: 0,
      missing: 2,
      unchanged: 2,
      failed: [],
    });
    expect(report.finishedAt.getTime()).toBeGreaterThanOrEqual(report.startedAt.getTime());

    expect(await stateOf(g, a)).toBe("MISSING");
    expect(await stateOf(g, c)).toBe("MISSING");
    expect(await stateOf(g, b)).toBe("ACTIVE");
    expect(await stateOf(g, d)).toBe("ACTIVE");
    expect(await listed(g, ["MISSING"])).toEqual([a, c].sort());
    expect(await listed(g)).toEqual([b, d].sort());

    const events = await changes.waitFor(2);
    expect(events.map((e) => e.binding.subscriptionId).sort()).toEqual([a, c].sort());
    for (const event of events) {
      expect(event).toMatchObject({ kind: "MISSING", binding: { virtualNum: X1, state: "MISSING" } });
    }
    // Each was confirmed by subscriptionId (v1.0) before it was marked.
    const asked = state.seam.sent("GET", "/extendnumber/v1.0").map((r) => r.query.get("subscriptionId"));
    expect(asked.sort()).toEqual([a, c].sort());

    const warned = warnings();
    expect(warned).toHaveLength(1);
    expect(warned[0]).toMatchObject({ virtualNum: "+86170****0001", missing: 2 });
    expect(reconciledLines().at(-1)).toMatchObject({ missing: 2, unchanged: 2, failed: [] });
    expect(state.log.raw.join("")).not.toMatch(/1700000000[12]|138000007/);

    // Nothing is left to find: a second run marks nothing and publishes nothing.
    expect(countsOf((await reconcile()) as never)).toMatchObject({ missing: 0, unchanged: 2, failed: [] });
    expect(warnings()).toHaveLength(1);
    changes.unsubscribe();
  });

  it("imports a binding made outside the gateway, publishes IMPORTED once, and attributes its calls and CDR to it", async () => {
    const g = await startWith();
    const outside = await bindBehindTheGatewaysBack(g, "+8613800000781", X2);
    expect(await stateOf(g, outside.subscriptionId)).toBeUndefined();

    const counted = subscriptionCounter(g.gateway);
    const changes = collect<BindingChangeView>(
      g.wsClient(),
      "subscription { bindingChanges { kind binding { subscriptionId virtualNum bindNum state } } }",
      {},
      "bindingChanges",
    );
    await counted(1);

    expect(countsOf((await reconcile()) as never)).toEqual({
      virtualNumbers: 2,
      listed: 1,
      imported: 1,
      missing: 0,
      unchanged: 0,
      failed: [],
    });
    expect(await changes.waitFor(1)).toEqual([
      {
        kind: "IMPORTED",
        binding: {
          subscriptionId: outside.subscriptionId,
          virtualNum: X2,
          bindNum: "+8613800000781",
          state: "ACTIVE",
        },
      },
    ]);
    expect(await listed(g)).toEqual([outside.subscriptionId]);
    const mirrored = await g.gql<{ binding: Record<string, unknown> }>(
      "query ($id: String!) { binding(subscriptionId: $id) { extendNum recordFlag } }",
      { id: outside.subscriptionId },
    );
    expect(mirrored.data?.binding).toEqual({ extendNum: outside.extendNum, recordFlag: true });

    // A second run finds it mirrored: no second import, no second event.
    expect(countsOf((await reconcile()) as never)).toMatchObject({ listed: 1, imported: 0, unchanged: 1 });

    // A call on the imported binding is its call, and so is the CDR.
    const sim = g.gateway.simulator!;
    const call = await sim.simulateCall({
      caller: "+8613900000781",
      virtualNum: X2,
      digits: outside.extendNum,
      talkSeconds: 30,
    });
    await sim.clock.advance(120_000);
    const session = async () =>
      (
        await g.gql<{ callSession: Record<string, unknown> & { state: string } }>(
          `query ($sid: String!) {
            callSession(sessionId: $sid) {
              state subscriptionId bindNum binding { subscriptionId }
              records { subscriptionId }
            }
          }`,
          { sid: call.sessionId },
        )
      ).data?.callSession;
    await until(async () => (await session())?.state === "BILLED", "the call to be billed", 30_000);
    expect(await session()).toEqual({
      state: "BILLED",
      subscriptionId: outside.subscriptionId,
      bindNum: "+8613800000781",
      binding: { subscriptionId: outside.subscriptionId },
      records: [{ subscriptionId: outside.subscriptionId }],
    });
    const calls = await g.gql<{ binding: { callSessions: { edges: unknown[] } } }>(
      "query ($id: String!) { binding(subscriptionId: $id) { callSessions(first: 5) { edges { cursor } } } }",
      { id: outside.subscriptionId },
    );
    expect(calls.data?.binding.callSessions.edges).toHaveLength(1);
    expect(changes.items).toHaveLength(1);
    changes.unsubscribe();
  });

  it("marks and imports nothing on an X whose listing fails, and does both once the platform answers again", async () => {
    const g = await startWith();
    const [a, b] = [await bind(g, "+8613800000711", X1), await bind(g, "+8613800000712", X1)];
    await unbindBehindTheGatewaysBack(g, [a]);
    const outside = await bindBehindTheGatewaysBack(g, "+8613800000713", X1);

    g.gateway.simulator!.setFaults({ api: { error500: 1 } });
    const failedRun = await reconcile();
    expect(countsOf(failedRun as never)).toEqual({
      virtualNumbers: 2,
      listed: 0,
      imported: 0,
      missing: 0,
      unchanged: 0,
      failed: [X1, X2],
    });
    expect(failedRun.failed[0]!.reason).toMatch(/^listing failed: .*\(resultcode 1010001\)$/);
    expect(await stateOf(g, a)).toBe("ACTIVE");
    expect(await stateOf(g, b)).toBe("ACTIVE");
    expect(await stateOf(g, outside.subscriptionId)).toBeUndefined();
    expect(state.seam.sent("GET", "/extendnumber/v1.0")).toEqual([]);
    expect(warnings().map((w) => w.virtualNum)).toEqual(["+86170****0001", "+86170****0002"]);
    // The report's line masks the numbers of the X numbers that failed.
    expect(reconciledLines().at(-1)!.failed).toEqual([
      { virtualNum: "+86170****0001", reason: expect.any(String) },
      { virtualNum: "+86170****0002", reason: expect.any(String) },
    ]);

    g.gateway.simulator!.setFaults({ api: {} });
    expect(countsOf((await reconcile()) as never)).toMatchObject({ imported: 1, missing: 1, failed: [] });
    expect(await stateOf(g, a)).toBe("MISSING");
    expect(await stateOf(g, outside.subscriptionId)).toBe("ACTIVE");
  });

  it("marks nothing when the platform does not answer in time", async () => {
    const g = await startWith({
      platformClient: { retry: false, fetch: state.seam.fetch, timeoutMs: 1_000 },
    });
    const a = await bind(g, "+8613800000721", X1);
    await unbindBehindTheGatewaysBack(g, [a]);

    g.gateway.simulator!.setFaults({ api: { hang: 1, hangMs: 60_000 } });
    const report = await state.gw!.gateway.services.reconciler.run({ virtualNums: [X1] });
    expect(countsOf(report as never)).toMatchObject({ virtualNumbers: 1, missing: 0, failed: [X1] });
    expect(await stateOf(g, a)).toBe("ACTIVE");
  });

  it("marks a binding only on the answer 1012007: an HTTP 500 or another not-found leaves it, and its X is reported", async () => {
    const g = await startWith();
    const [a, b, c] = [
      await bind(g, "+8613800000731", X1),
      await bind(g, "+8613800000732", X1),
      await bind(g, "+8613800000733", X1),
    ];
    const d = await bind(g, "+8613800000734", X2);
    await unbindBehindTheGatewaysBack(g, [a, b, c, d]);
    state.seam.failingQueries.add(b);
    state.seam.otherNotFound.add(c);

    const report = await reconcile();
    expect(countsOf(report as never)).toEqual({
      virtualNumbers: 2,
      listed: 0,
      imported: 0,
      missing: 2,
      unchanged: 0,
      failed: [X1],
    });
    expect(report.failed[0]!.reason).toMatch(
      /^2 binding\(s\) absent from the listing could not be confirmed gone/,
    );
    expect(await stateOf(g, a)).toBe("MISSING");
    expect(await stateOf(g, b)).toBe("ACTIVE");
    expect(await stateOf(g, c)).toBe("ACTIVE");
    expect(await stateOf(g, d)).toBe("MISSING");

    state.seam.failingQueries.clear();
    state.seam.otherNotFound.clear();
    expect(countsOf((await reconcile()) as never)).toMatchObject({ missing: 2, failed: [] });
    expect(await stateOf(g, c)).toBe("MISSING");
  });

  it("asks for every mirrored binding by subscriptionId when the listing is empty, and marks none the platform still has", async () => {
    const g = await startWith();
    const [a, b] = [await bind(g, "+8613800000741", X1), await bind(g, "+8613800000742", X1)];
    state.seam.hideAll = true;

    expect(countsOf((await reconcile()) as never)).toMatchObject({
      listed: 0,
      missing: 0,
      unchanged: 2,
      failed: [],
    });
    expect(await stateOf(g, a)).toBe("ACTIVE");
    expect(await stateOf(g, b)).toBe("ACTIVE");
    const asked = state.seam.sent("GET", "/extendnumber/v1.0").map((r) => r.query.get("subscriptionId"));
    expect(asked.sort()).toEqual([a, b].sort());
    expect(warnings()).toEqual([]);
  });

  it("does not believe a listing longer than one X can hold: that X fails, nothing imported or marked on it", async () => {
    const g = await startWith();
    const gone = await bind(g, "+8613800000755", X1);
    await unbindBehindTheGatewaysBack(g, [gone]);
    await bindBehindTheGatewaysBack(g, "+8613800000756", X1);
    await bindBehindTheGatewaysBack(g, "+8613800000757", X1);
    const reconciler = createBindingReconciler({
      db: g.gateway.services.db,
      onCommitted: () => {},
      now: g.gateway.services.now,
      logger: state.log.logger,
      platform: g.gateway.services.platform,
      maxListedPerVirtualNumber: 1,
    });

    const report = await reconciler.run({ virtualNums: [X1] });
    expect(countsOf(report as never)).toEqual({
      virtualNumbers: 1,
      listed: 0,
      imported: 0,
      missing: 0,
      unchanged: 0,
      failed: [X1],
    });
    expect(report.failed[0]!.reason).toBe(
      "listing failed: the listing went past 1 bindings, more than one X can have: not believed",
    );
    expect(await stateOf(g, gone)).toBe("ACTIVE");
    expect(await listed(g)).toEqual([gone]);
  });

  it("leaves a binding the mirror changed while it was being confirmed to the next run", async () => {
    const g = await startWith();
    const a = await bind(g, "+8613800000751", X1);
    await unbindBehindTheGatewaysBack(g, [a]);
    // Another writer touches the mirror row while the platform is asked about it.
    state.seam.beforeQuery = async () => {
      await g.gateway.services.db
        .updateTable("bindings")
        .set((eb) => ({ version: eb("version", "+", 1) }))
        .where("subscription_id", "=", a)
        .execute();
    };

    expect(countsOf((await reconcile()) as never)).toMatchObject({ missing: 0, unchanged: 1 });
    expect(await stateOf(g, a)).toBe("ACTIVE");

    state.seam.beforeQuery = undefined;
    expect(countsOf((await reconcile()) as never)).toMatchObject({ missing: 1, unchanged: 0 });
    expect(await stateOf(g, a)).toBe("MISSING");
  });
});

describe.each(ENGINES)("two reconciliations at once on one database ($engine)", ({ engine, create }) => {
  const { state, startWith } = reconcilingGateway(create);

  it("imports and marks each binding once when two instances reconcile the same database at once", async () => {
    const g = await startWith();
    const gone = await bind(g, "+8613800000791", X1);
    await unbindBehindTheGatewaysBack(g, [gone]);
    const outside = await bindBehindTheGatewaysBack(g, "+8613800000792", X1);

    // A second instance: the same database and platform; on PostgreSQL its own pool too (an in-memory PGlite is
    // one connection, which the two runs then share).
    const second = engine === "postgres" ? await openDatabase(state.database.config) : undefined;
    try {
      const commits = [0, 0];
      const reconcilerOf = (instance: number, db: Kysely<Database>) => ({
        reconciler: createBindingReconciler({
          db,
          onCommitted: () => {
            commits[instance - 1]! += 1;
          },
          now: g.gateway.services.now,
          logger: state.log.logger,
          platform: g.gateway.services.platform,
        }),
      });
      const changesBefore = await g.gateway.services.db
        .selectFrom("stream_changes")
        .select((eb) => eb.fn.max("position").as("last"))
        .executeTakeFirstOrThrow();
      const first = reconcilerOf(1, g.gateway.services.db);
      const other = reconcilerOf(2, second?.db ?? g.gateway.services.db);
      // Both have read the mirror and the listing of X1 before either writes.
      let listings = 0;
      let release!: () => void;
      const bothListed = new Promise<void>((resolve) => {
        release = resolve;
      });
      state.seam.beforeListing = async () => {
        listings += 1;
        if (listings === 2) release();
        if (listings <= 2) await bothListed;
      };

      const reports = await Promise.all([
        first.reconciler.run({ virtualNums: [X1] }),
        other.reconciler.run({ virtualNums: [X1] }),
      ]);
      expect(reports.map((r) => r.imported).reduce((x, y) => x + y)).toBe(1);
      expect(reports.map((r) => r.missing).reduce((x, y) => x + y)).toBe(1);
      // Each change is stored on the change stream once, by whichever instance wrote its row.
      const stored = await g.gateway.services.db
        .selectFrom("stream_changes")
        .select(["subscription_id", "payload"])
        .where("topic", "=", "bindingChange")
        .where("position", ">", Number(changesBefore.last ?? 0))
        .execute();
      expect(
        stored.map((row) => [(row.payload as { kind: string }).kind, row.subscription_id]).sort(),
      ).toEqual(
        [
          ["imported", outside.subscriptionId],
          ["missing", gone],
        ].sort(),
      );
      expect(commits[0]! + commits[1]!).toBe(2);
      const rows = await g.gateway.services.db
        .selectFrom("bindings")
        .select(["subscription_id"])
        .where("subscription_id", "=", outside.subscriptionId)
        .execute();
      expect(rows).toHaveLength(1);
      expect(await stateOf(g, gone)).toBe("MISSING");
    } finally {
      await second?.close();
    }
  });
});

describe("the reconciliation at start", () => {
  let dir: string;
  let database: TestDatabase;
  let gw: TestGateway | undefined;

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), "privnum-reconcile-"));
    database = await createPostgresDatabase();
  });
  afterEach(async () => {
    await gw?.stop();
    gw = undefined;
    await database.drop();
    await rm(dir, { recursive: true, force: true });
  });

  /** A gateway keeping its data (database and simulator state) across restarts, as a deployment does. */
  function config(): Partial<GatewayConfig> {
    const defaults = testConfig();
    if (defaults.platform.kind !== "embedded-simulator") throw new Error("expected the embedded simulator");
    return {
      dataDir: dir,
      database: database.config,
      platform: { ...defaults.platform, stateDir: join(dir, "simulator") },
    };
  }

  it("finds, after a restart, the bindings the simulator lost with its deleted state directory", async () => {
    gw = await startGateway(config());
    const kept = [await bind(gw, "+8613800000761", X1), await bind(gw, "+8613800000762", X2)];
    await gw.stop();
    await rm(join(dir, "simulator"), { recursive: true, force: true });

    const log = captureLog();
    gw = await startGateway(config(), { logger: log.logger });
    const done = () => log.lines.find((l) => l.msg === RECONCILED);
    await until(() => done() !== undefined, "the reconciliation at start");
    expect(done()).toMatchObject({ virtualNumbers: 2, missing: 2, failed: [] });
    for (const subscriptionId of kept) expect(await stateOf(gw, subscriptionId)).toBe("MISSING");
  });

  it("is cancelled by stop() while the platform does not answer, marking nothing", async () => {
    gw = await startGateway(config());
    const kept = await bind(gw, "+8613800000771", X1);
    await gw.stop();

    const seam = platformSeam();
    const log = captureLog();
    gw = await startGateway(config(), {
      logger: log.logger,
      simulator: { timeScale: 0, faults: { api: { hang: 1, hangMs: 600_000 } } },
      platformClient: { retry: false, fetch: seam.fetch, timeoutMs: 600_000 },
    });
    const listing = () => seam.requests.find((r) => r.path.endsWith("/extendnumber/v2.0"));
    await until(() => listing() !== undefined, "the reconciliation at start to ask for the listing");
    await gw.stop();
    gw = undefined;
    expect(listing()!.signal?.aborted).toBe(true);
    expect(log.lines.filter((l) => (l.level as number) >= WARN && l.component === "bindings")).toEqual([]);
    expect(log.lines.some((l) => l.msg === RECONCILED)).toBe(false);

    // The binding is still on the platform and still ACTIVE in the mirror.
    gw = await startGateway(config());
    expect(await stateOf(gw, kept)).toBe("ACTIVE");
    expect(
      countsOf((await gw.gateway.services.reconciler.run({ virtualNums: [X1] })) as never),
    ).toMatchObject({ missing: 0, unchanged: 1, failed: [] });
  });
});
