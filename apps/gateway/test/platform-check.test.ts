import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Writable } from "node:stream";
import { createAxeClient } from "@privnum/axe-api";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { BuildAppOptions } from "../src/app.js";
import {
  type DatabaseConfig,
  type GatewayConfig,
  SIMULATOR_DEFAULT_APP,
  testConfig,
} from "../src/shared/config.js";
import { createLogger } from "../src/shared/logger.js";
import { ENGINES, type TestDatabase } from "./support/databases.js";
import { collect, startGateway, subscriptionCounter, type TestGateway, until } from "./support/gateway.js";

const X1 = "+8617000000001";
const X2 = "+8617000000002";

interface LogLine {
  level: number;
  msg: string;
  component?: string;
  [key: string]: unknown;
}

const WARN = 40;

/** A logger whose lines the test can read. */
function capturedLogger() {
  const lines: LogLine[] = [];
  const destination = new Writable({
    write(chunk, _encoding, callback) {
      for (const line of String(chunk).split("\n")) if (line) lines.push(JSON.parse(line) as LogLine);
      callback();
    },
  });
  return { lines, logger: createLogger({ level: "info", destination }) };
}

/**
 * The gateway's `fetch` to the simulator. It passes every request through, and can make the v2.0 listing leave
 * bindings out (a lagging or partial listing) or the v1.0 query of a binding answer HTTP 500. It records what was
 * asked, with each request's abort signal.
 */
function platformSeam() {
  const hiddenFromListing = new Set<string>();
  const failingQueries = new Set<string>();
  const requests: {
    method: string;
    path: string;
    query: URLSearchParams;
    signal: AbortSignal | undefined;
  }[] = [];
  const seam = {
    hiddenFromListing,
    failingQueries,
    requests,
    /** Runs before each v1.0 query is passed on. */
    beforeQuery: undefined as (() => Promise<void>) | undefined,
    fetch: undefined as unknown as typeof fetch,
  };
  seam.fetch = async (input, init) => {
    const url = new URL(String(input));
    requests.push({
      method: init?.method ?? "GET",
      path: url.pathname,
      query: url.searchParams,
      signal: init?.signal ?? undefined,
    });
    const isQuery = init?.method === "GET" && url.pathname.endsWith("/extendnumber/v1.0");
    if (isQuery) await seam.beforeQuery?.();
    if (isQuery && failingQueries.has(url.searchParams.get("subscriptionId") ?? "")) {
      return Response.json({ resultcode: "1010001", resultdesc: "Internal system error." }, { status: 500 });
    }
    const response = await fetch(input, init);
    if (!url.pathname.endsWith("/extendnumber/v2.0") || hiddenFromListing.size === 0) return response;
    const page = (await response.json()) as { bindingList: { subscriptionId: string }[] };
    const bindingList = page.bindingList.filter((b) => !hiddenFromListing.has(b.subscriptionId));
    return Response.json({ ...page, bindingList, total: bindingList.length }, { status: response.status });
  };
  return seam;
}

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
  binding: { subscriptionId: string; virtualNum: string; state: string };
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

/** Unbind straight on the simulator, through a client of its own: the gateway's mirror is not told. */
async function unbindBehindTheGatewaysBack(gw: TestGateway, subscriptionIds: readonly string[]) {
  const other = createAxeClient({ baseUrl: gw.gateway.simulator!.url, ...SIMULATOR_DEFAULT_APP });
  for (const subscriptionId of subscriptionIds) await other.deleteBinding({ subscriptionId });
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

describe.each(ENGINES)("the check of the mirror against the platform ($engine)", ({ create }) => {
  let database: TestDatabase;
  let gw: TestGateway | undefined;
  let seam: ReturnType<typeof platformSeam>;
  let log: ReturnType<typeof capturedLogger>;

  async function startWith(options: BuildAppOptions = {}): Promise<TestGateway> {
    gw = await startGateway(
      { database: database.config },
      {
        logger: log.logger,
        // One attempt per call, so that a fault is an answer at once rather than after the client's retries.
        platformClient: { retry: false, fetch: seam.fetch, timeoutMs: 5_000 },
        ...options,
      },
    );
    // The check that start runs finds an empty mirror; let it end before the test sets the scene.
    await until(() => checkedLines().length > 0, "the check at start");
    return gw;
  }

  const checkedLines = () =>
    log.lines.filter((l) => l.msg === "checked the mirrored bindings against the platform");
  const warnings = () => log.lines.filter((l) => l.level >= WARN && l.component === "bindings");

  beforeEach(async () => {
    database = await create();
    seam = platformSeam();
    log = capturedLogger();
  });
  afterEach(async () => {
    await gw?.stop();
    gw = undefined;
    await database.drop();
  });

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
      "subscription { bindingChanges { kind binding { subscriptionId virtualNum state } } }",
      {},
      "bindingChanges",
    );
    await counted(1);

    const report = await g.gateway.services.bindings.checkAgainstPlatform();
    expect(report).toEqual({ checked: 4, missing: 2, failed: 0 });

    expect(await stateOf(g, a)).toBe("MISSING");
    expect(await stateOf(g, c)).toBe("MISSING");
    expect(await stateOf(g, b)).toBe("ACTIVE");
    expect(await stateOf(g, d)).toBe("ACTIVE");
    expect(await listed(g, ["MISSING"])).toEqual([a, c].sort());
    expect(await listed(g)).toEqual([b, d].sort());
    expect(await listed(g, ["DELETED"])).toEqual([]);

    const events = await changes.waitFor(2);
    expect(events.map((e) => e.binding.subscriptionId).sort()).toEqual([a, c].sort());
    for (const event of events) {
      expect(event).toMatchObject({ kind: "MISSING", binding: { virtualNum: X1, state: "MISSING" } });
    }

    const warned = warnings();
    expect(warned).toHaveLength(1);
    expect(warned[0]).toMatchObject({ virtualNum: "+86170****0001", missing: 2 });
    expect(JSON.stringify(log.lines)).not.toMatch(/1700000000[12]|138000007/);

    // Nothing is left to find: a second check marks nothing and publishes nothing.
    expect(await g.gateway.services.bindings.checkAgainstPlatform()).toEqual({
      checked: 2,
      missing: 0,
      failed: 0,
    });
    expect(warnings()).toHaveLength(1);
    changes.unsubscribe();
  });

  it("marks nothing while the platform answers 500, and marks once it answers again", async () => {
    const g = await startWith();
    const [a, b] = [await bind(g, "+8613800000711", X1), await bind(g, "+8613800000712", X1)];
    await unbindBehindTheGatewaysBack(g, [a]);

    g.gateway.simulator!.setFaults({ api: { error500: 1 } });
    expect(await g.gateway.services.bindings.checkAgainstPlatform()).toEqual({
      checked: 0,
      missing: 0,
      failed: 1,
    });
    expect(await stateOf(g, a)).toBe("ACTIVE");
    expect(await stateOf(g, b)).toBe("ACTIVE");
    expect(warnings()).toEqual([
      expect.objectContaining({
        virtualNum: "+86170****0001",
        msg: "checking the mirrored bindings on X against the platform failed: nothing marked on this X",
      }),
    ]);

    g.gateway.simulator!.setFaults({ api: {} });
    expect(await g.gateway.services.bindings.checkAgainstPlatform()).toEqual({
      checked: 2,
      missing: 1,
      failed: 0,
    });
    expect(await stateOf(g, a)).toBe("MISSING");
  });

  it("marks nothing when the platform does not answer in time", async () => {
    const g = await startWith({ platformClient: { retry: false, fetch: seam.fetch, timeoutMs: 1_000 } });
    const a = await bind(g, "+8613800000721", X1);
    await unbindBehindTheGatewaysBack(g, [a]);

    g.gateway.simulator!.setFaults({ api: { hang: 1, hangMs: 60_000 } });
    expect(await g.gateway.services.bindings.checkAgainstPlatform()).toEqual({
      checked: 0,
      missing: 0,
      failed: 1,
    });
    expect(await stateOf(g, a)).toBe("ACTIVE");
    expect(warnings()).toHaveLength(1);
  });

  it("marks nothing on an X whose v1.0 confirmation fails, and still checks the other X numbers", async () => {
    const g = await startWith();
    const [a, b] = [await bind(g, "+8613800000731", X1), await bind(g, "+8613800000732", X1)];
    const c = await bind(g, "+8613800000733", X2);
    await unbindBehindTheGatewaysBack(g, [a, b, c]);
    // The listing of X1 answers; the v1.0 query of its second lost binding does not.
    seam.failingQueries.add(b);

    expect(await g.gateway.services.bindings.checkAgainstPlatform()).toEqual({
      checked: 1,
      missing: 1,
      failed: 1,
    });
    expect(await stateOf(g, a)).toBe("ACTIVE");
    expect(await stateOf(g, b)).toBe("ACTIVE");
    expect(await stateOf(g, c)).toBe("MISSING");
    expect(warnings().map((w) => [w.virtualNum, w.missing])).toEqual([
      ["+86170****0001", undefined],
      ["+86170****0002", 1],
    ]);
  });

  it("leaves a binding absent from the listing alone when the v1.0 query finds it", async () => {
    const g = await startWith();
    const [a, b] = [await bind(g, "+8613800000741", X1), await bind(g, "+8613800000742", X1)];
    seam.hiddenFromListing.add(a);

    expect(await g.gateway.services.bindings.checkAgainstPlatform()).toEqual({
      checked: 2,
      missing: 0,
      failed: 0,
    });
    expect(await stateOf(g, a)).toBe("ACTIVE");
    expect(await stateOf(g, b)).toBe("ACTIVE");
    // It was asked for by its subscriptionId (v1.0), and only it.
    const asked = seam.requests.filter((r) => r.method === "GET" && r.path.endsWith("/extendnumber/v1.0"));
    expect(asked.map((r) => r.query.get("subscriptionId"))).toEqual([a]);
    expect(warnings()).toEqual([]);
  });

  it("leaves a binding the mirror changed while it was being checked to the next check", async () => {
    const g = await startWith();
    const a = await bind(g, "+8613800000751", X1);
    await unbindBehindTheGatewaysBack(g, [a]);
    // Another writer touches the mirror row while the platform is asked about it.
    seam.beforeQuery = async () => {
      await g.gateway.services.db
        .updateTable("bindings")
        .set((eb) => ({ version: eb("version", "+", 1) }))
        .where("subscription_id", "=", a)
        .execute();
    };

    expect(await g.gateway.services.bindings.checkAgainstPlatform()).toEqual({
      checked: 1,
      missing: 0,
      failed: 0,
    });
    expect(await stateOf(g, a)).toBe("ACTIVE");

    seam.beforeQuery = undefined;
    expect(await g.gateway.services.bindings.checkAgainstPlatform()).toEqual({
      checked: 1,
      missing: 1,
      failed: 0,
    });
    expect(await stateOf(g, a)).toBe("MISSING");
  });
});

describe.each(ENGINES)("the check at start ($engine)", ({ engine, create }) => {
  let dir: string;
  let database: TestDatabase;
  let gw: TestGateway | undefined;

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), "privnum-platform-check-"));
    database = await create();
  });
  afterEach(async () => {
    await gw?.stop();
    gw = undefined;
    await database.drop();
    await rm(dir, { recursive: true, force: true });
  });

  /** A gateway keeping its data (database and simulator state) under `dir`, as the default deployment does. */
  function config(): Partial<GatewayConfig> {
    const defaults = testConfig();
    if (defaults.platform.kind !== "embedded-simulator") throw new Error("expected the embedded simulator");
    const db: DatabaseConfig =
      engine === "pglite" ? { kind: "pglite", dataDir: join(dir, "pglite") } : database.config;
    return {
      dataDir: dir,
      database: db,
      platform: { ...defaults.platform, stateDir: join(dir, "simulator") },
    };
  }

  it("finds, after a restart, the bindings the simulator lost with its deleted state directory", async () => {
    gw = await startGateway(config());
    const kept = [await bind(gw, "+8613800000761", X1), await bind(gw, "+8613800000762", X2)];
    await gw.stop();
    await rm(join(dir, "simulator"), { recursive: true, force: true });

    const log = capturedLogger();
    gw = await startGateway(config(), { logger: log.logger });
    const done = () => log.lines.find((l) => l.msg === "checked the mirrored bindings against the platform");
    await until(() => done() !== undefined, "the check at start");
    expect(done()).toMatchObject({ checked: 2, missing: 2, failed: 0 });
    for (const subscriptionId of kept) expect(await stateOf(gw, subscriptionId)).toBe("MISSING");
    expect(log.lines.filter((l) => l.level >= WARN && l.component === "bindings")).toHaveLength(2);
  });

  it("is cancelled by stop() while the platform does not answer, marking nothing", async () => {
    gw = await startGateway(config());
    const kept = await bind(gw, "+8613800000771", X1);
    await gw.stop();

    const seam = platformSeam();
    const log = capturedLogger();
    gw = await startGateway(config(), {
      logger: log.logger,
      simulator: { timeScale: 0, faults: { api: { hang: 1, hangMs: 600_000 } } },
      platformClient: { retry: false, fetch: seam.fetch, timeoutMs: 600_000 },
    });
    const listing = () => seam.requests.find((r) => r.path.endsWith("/extendnumber/v2.0"));
    await until(() => listing() !== undefined, "the check at start to ask for the listing");
    await gw.stop();
    gw = undefined;
    expect(listing()!.signal?.aborted).toBe(true);
    expect(log.lines.filter((l) => l.level >= WARN && l.component === "bindings")).toEqual([]);
    expect(log.lines.some((l) => l.msg === "checked the mirrored bindings against the platform")).toBe(false);

    // The binding is still on the platform and still ACTIVE in the mirror.
    gw = await startGateway(config());
    expect(await stateOf(gw, kept)).toBe("ACTIVE");
    expect(await gw.gateway.services.bindings.checkAgainstPlatform()).toEqual({
      checked: 1,
      missing: 0,
      failed: 0,
    });
  });
});
