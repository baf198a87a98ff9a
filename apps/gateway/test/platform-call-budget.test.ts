// Platform calls from queries are bounded: recording download URLs are cached while valid and shared by
// concurrent asks, and one request makes at most GRAPHQL_MAX_PLATFORM_CALLS platform calls, beyond which the
// field is a PLATFORM_CALL_LIMIT error. Calls are counted where the platform client sends them.
import type { Client } from "graphql-ws";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { listCallRecords } from "../src/calls/call-record.repository.js";
import {
  createRecordingUrlCache,
  RECORDING_URL_SAFETY_MARGIN_MS,
  RECORDING_URL_VALIDITY_MS,
} from "../src/calls/recording-url-cache.js";
import { createPlatformCallBudget, PLATFORM_CALL_LIMIT } from "../src/graphql/platform-call-budget.js";
import { DEFAULT_LIMITS, type LimitsConfig } from "../src/shared/config.js";
import { startGateway, type TestGateway, until } from "./support/gateway.js";
import { cdr, signedHeaders } from "./support/notifications.js";

const RECORDING_PATH = "/rest/provision/voice/record/v1.0";
const DAY_MS = 24 * 60 * 60 * 1000;
const T0 = new Date("2026-06-01T10:00:00Z");

/** Limits where only the platform-call budget decides (the document limits are other tests' work). */
function limits(maxPlatformCalls: number): LimitsConfig {
  return {
    ...DEFAULT_LIMITS,
    graphql: {
      ...DEFAULT_LIMITS.graphql,
      maxAliases: 1000,
      maxTokens: 100_000,
      maxCost: 10_000_000,
      maxPlatformCalls,
    },
  };
}

/** The platform client's fetch, counting the recording-URL requests it sends. */
function countingFetch() {
  let recordingCalls = 0;
  const fetchAndCount: typeof fetch = (input, init) => {
    const url = new URL(input instanceof Request ? input.url : String(input));
    if (url.pathname === RECORDING_PATH) recordingCalls += 1;
    return fetch(input, init);
  };
  return { fetch: fetchAndCount, calls: () => recordingCalls };
}

type GqlResult = {
  data?: Record<string, unknown> | null;
  errors?: { message: string; path?: (string | number)[]; extensions?: Record<string, unknown> }[];
};

/** Run a query over graphql-ws and return its one result. */
function wsQuery(client: Client, query: string): Promise<GqlResult> {
  return new Promise((resolve, reject) => {
    let result: GqlResult | undefined;
    client.subscribe(
      { query },
      {
        next: (value) => {
          result = value as GqlResult;
        },
        error: reject,
        complete: () => (result ? resolve(result) : reject(new Error("no result"))),
      },
    );
  });
}

const ALIASES = 50;
const RECORDS = 100;

/** `callRecords(first: 100)` with `recordingDownloadUrl` under 50 aliases. */
const ALIASED_QUERY = `query { callRecords(first: ${RECORDS}) { edges { node { icid
  ${Array.from({ length: ALIASES }, (_, i) => `u${i}: recordingDownloadUrl { __typename }`).join("\n")}
} } } }`;

describe("platform calls of one request are bounded", () => {
  let gw: TestGateway;
  const platform = countingFetch();

  beforeAll(async () => {
    gw = await startGateway(
      { limits: limits(DEFAULT_LIMITS.graphql.maxPlatformCalls) },
      { platformClient: { fetch: platform.fetch } },
    );
    // 100 recorded CDRs whose recordings the platform does not hold: each ask is a real platform request
    // (answered with an error, which is never cached).
    for (let batch = 0; batch < RECORDS / 50; batch++) {
      const feeLst = Array.from({ length: 50 }, (_, i) => {
        const n = batch * 50 + i;
        return cdr(`icid-budget-${n}`, `s-budget-${n}`, T0, {
          recordFlag: 1,
          recordDomain: "record.example",
          recordObjectName: `rec-${n}.wav`,
        });
      });
      const response = await gw.gateway.yoga.fetch("http://gateway.test/notify", {
        method: "POST",
        headers: signedHeaders(),
        body: JSON.stringify({ eventType: "fee", feeLst }),
      });
      expect(response.status).toBe(200);
    }
  });
  afterAll(async () => {
    await gw?.stop();
  });

  /** What the aliased query answered: per CDR, how many aliases got a value. */
  function tally(result: GqlResult) {
    const edges = (result.data as { callRecords: { edges: { node: Record<string, unknown> }[] } }).callRecords
      .edges;
    const answeredPerRecord = edges.map(
      ({ node }) => Array.from({ length: ALIASES }, (_, i) => node[`u${i}`]).filter((v) => v !== null).length,
    );
    const limited = (result.errors ?? []).filter((e) => e.extensions?.code === PLATFORM_CALL_LIMIT);
    return { records: edges.length, answeredPerRecord, limited, errors: result.errors ?? [] };
  }

  function expectBounded(result: GqlResult, limit: number) {
    const { records, answeredPerRecord, limited, errors } = tally(result);
    expect(records).toBe(RECORDS);
    // Every alias of one recording shares its one platform call: a record is answered whole or not at all.
    expect(answeredPerRecord.filter((n) => n === ALIASES)).toHaveLength(limit);
    expect(answeredPerRecord.filter((n) => n === 0)).toHaveLength(RECORDS - limit);
    expect(limited).toHaveLength((RECORDS - limit) * ALIASES);
    expect(errors).toHaveLength(limited.length);
    expect(limited[0]!.message).toContain(`limit of ${limit} platform calls`);
    expect(limited[0]!.message).toContain("Ask for fewer records");
    expect(limited[0]!.path).toEqual([
      "callRecords",
      "edges",
      expect.any(Number),
      "node",
      expect.any(String),
    ]);
  }

  it("100 CDRs × 50 aliases over HTTP make maxPlatformCalls platform calls; the rest are field errors", async () => {
    const before = platform.calls();
    const result = await gw.gql(ALIASED_QUERY);
    expect(platform.calls() - before).toBe(DEFAULT_LIMITS.graphql.maxPlatformCalls);
    expectBounded(result, DEFAULT_LIMITS.graphql.maxPlatformCalls);
  });

  it("the same query over graphql-ws is bounded the same way, and each request has a budget of its own", async () => {
    const client = gw.wsClient();
    for (let run = 0; run < 2; run++) {
      const before = platform.calls();
      const result = await wsQuery(client, ALIASED_QUERY);
      expect(platform.calls() - before).toBe(DEFAULT_LIMITS.graphql.maxPlatformCalls);
      expectBounded(result, DEFAULT_LIMITS.graphql.maxPlatformCalls);
    }
  });
});

describe("recording download URLs are cached while valid", () => {
  let gw: TestGateway;
  const platform = countingFetch();
  /** How far the gateway's clock is ahead of the wall clock. */
  let aheadMs = 0;
  let subscriptionId: string;
  const LIMIT = 2;
  const CALLS = 3;

  const QUERY = `query($sub: String!) { callRecords(filter: { subscriptionId: $sub }) { edges { node { icid
    a: recordingDownloadUrl { __typename ... on RecordingDownloadUrl { url source } }
    b: recordingDownloadUrl { __typename ... on RecordingDownloadUrl { url source } }
  } } } }`;
  type Url = { __typename: string; url: string; source: string } | null;
  type Answer = { callRecords: { edges: { node: { icid: string; a: Url; b: Url } }[] } };

  async function ask() {
    const before = platform.calls();
    const result = await gw.gql<Answer>(QUERY, { sub: subscriptionId });
    const nodes = result.data!.callRecords.edges.map((e) => e.node);
    const limited = (result.errors ?? []).filter((e) => e.extensions?.code === PLATFORM_CALL_LIMIT);
    expect(result.errors ?? []).toHaveLength(limited.length);
    return { calls: platform.calls() - before, nodes, limited: limited.length };
  }

  beforeAll(async () => {
    gw = await startGateway(
      { limits: limits(LIMIT) },
      { platformClient: { fetch: platform.fetch }, now: () => new Date(Date.now() + aheadMs) },
    );
    const created = await gw.gql<{
      createBinding: { binding: { subscriptionId: string; extendNum: string } };
    }>(
      `mutation($input: CreateBindingInput!) { createBinding(input: $input) {
        ... on CreateBindingPayload { binding { subscriptionId extendNum } } } }`,
      { input: { bindNum: "+8613800000201", virtualNum: "+8617000000001", recordFlag: true } },
    );
    const binding = created.data!.createBinding.binding;
    subscriptionId = binding.subscriptionId;
    const sim = gw.gateway.simulator!;
    for (let call = 0; call < CALLS; call++) {
      await sim.simulateCall({
        caller: `+861390000020${call}`,
        virtualNum: "+8617000000001",
        digits: binding.extendNum,
        talkSeconds: 20,
      });
      await sim.clock.advance(120_000);
    }
    await until(
      async () =>
        (await listCallRecords(gw.gateway.services.db, { subscriptionId }, { limit: 10 })).filter(
          (r) => r.record_object_name,
        ).length === CALLS,
      "the recorded calls' CDRs",
    );
  });
  afterAll(async () => {
    await gw?.stop();
  });

  it("asks each recording once, serves it from the cache after, and cached answers cost no budget", async () => {
    // Two aliases of one recording share its call; the third recording is over the budget of 2.
    const first = await ask();
    expect(first.calls).toBe(LIMIT);
    expect(first.nodes).toHaveLength(CALLS);
    expect(first.nodes.filter((n) => n.a && n.b)).toHaveLength(LIMIT);
    expect(first.limited).toBe((CALLS - LIMIT) * 2);
    for (const node of first.nodes.filter((n) => n.a)) {
      expect(node.a).toMatchObject({ __typename: "RecordingDownloadUrl", source: "platform" });
      expect(node.b).toEqual(node.a);
    }

    // The two cached URLs cost nothing, so the third fits this time.
    const second = await ask();
    expect(second.calls).toBe(CALLS - LIMIT);
    expect(second.limited).toBe(0);
    for (const node of second.nodes) {
      const before = first.nodes.find((n) => n.icid === node.icid)!;
      if (before.a) expect(node.a).toEqual(before.a);
      const recording = await fetch(node.a!.url);
      expect(recording.status).toBe(200);
    }

    const third = await ask();
    expect(third.calls).toBe(0);
    expect(third.nodes.map((n) => n.a)).toEqual(second.nodes.map((n) => n.a));
  });

  it("asks again once a URL's validity (less the safety margin) has passed", async () => {
    aheadMs = RECORDING_URL_VALIDITY_MS - RECORDING_URL_SAFETY_MARGIN_MS - 60_000;
    expect((await ask()).calls).toBe(0);
    aheadMs = RECORDING_URL_VALIDITY_MS - RECORDING_URL_SAFETY_MARGIN_MS + 60_000;
    const expired = await ask();
    expect(expired.calls).toBe(LIMIT);
    expect((await ask()).calls).toBe(CALLS - LIMIT);
    expect((await ask()).calls).toBe(0);
  });

  it("keeps no URL past the recording's own end (7 days after its CDR arrived, less the margin)", async () => {
    aheadMs = 6.6 * DAY_MS;
    // Past the cached URLs' validity and too close to the recordings' end to keep new ones: asked each time.
    expect((await ask()).calls).toBe(LIMIT);
    expect((await ask()).calls).toBe(LIMIT);
  });
});

describe("the recording URL cache on its own", () => {
  function recordingPlatform() {
    const asked: string[] = [];
    return {
      asked,
      platform: () => ({
        getRecordingDownloadUrl: async ({ fileName }: { fileName: string }) => {
          asked.push(fileName);
          if (fileName === "missing") throw new Error("The record does not exist.");
          return `https://download.example/${fileName}?n=${asked.length}`;
        },
      }),
    };
  }
  const recording = (fileName: string) => ({ recordDomain: "d", fileName, cdrReceivedAt: new Date() });

  it("holds at most maxEntries URLs, dropping the least recently used", async () => {
    const { asked, platform } = recordingPlatform();
    const cache = createRecordingUrlCache({ platform, now: () => new Date(), maxEntries: 2 });
    const budget = createPlatformCallBudget(100);
    await cache.downloadUrl(recording("a"), budget);
    await cache.downloadUrl(recording("b"), budget);
    await cache.downloadUrl(recording("a"), budget);
    await cache.downloadUrl(recording("c"), budget);
    expect(cache.size).toBe(2);
    await cache.downloadUrl(recording("a"), budget);
    await cache.downloadUrl(recording("b"), budget);
    expect(asked).toEqual(["a", "b", "c", "b"]);
    expect(budget.spent).toBe(4);
  });

  it("shares one platform call among concurrent asks, and keeps no failure", async () => {
    const { asked, platform } = recordingPlatform();
    const cache = createRecordingUrlCache({ platform, now: () => new Date() });
    const budget = createPlatformCallBudget(100);
    const urls = await Promise.all([1, 2, 3].map(() => cache.downloadUrl(recording("a"), budget)));
    expect(new Set(urls).size).toBe(1);
    expect(asked).toEqual(["a"]);
    expect(budget.spent).toBe(1);
    const failures = await Promise.allSettled(
      [1, 2].map(() => cache.downloadUrl(recording("missing"), budget)),
    );
    expect(failures.map((f) => f.status)).toEqual(["rejected", "rejected"]);
    await expect(cache.downloadUrl(recording("missing"), budget)).rejects.toThrow("does not exist");
    expect(asked).toEqual(["a", "missing", "missing"]);
    expect(cache.size).toBe(1);
  });

  it("refuses an ask over the budget with PLATFORM_CALL_LIMIT, and asks nothing", async () => {
    const { asked, platform } = recordingPlatform();
    const cache = createRecordingUrlCache({ platform, now: () => new Date() });
    const budget = createPlatformCallBudget(1);
    await cache.downloadUrl(recording("a"), budget);
    await expect(cache.downloadUrl(recording("b"), budget)).rejects.toMatchObject({
      extensions: { code: PLATFORM_CALL_LIMIT, limit: 1 },
    });
    await expect(cache.downloadUrl(recording("a"), budget)).resolves.toContain("/a?");
    expect(asked).toEqual(["a"]);
  });
});
