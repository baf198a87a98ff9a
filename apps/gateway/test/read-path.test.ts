// The read path's speed-ups must not show: a query answers the same whether graphql-js or graphql-jit runs it
// (the first run of a query text is interpreted, later ones compiled), and a list that reads only the columns
// its selection needs answers what a lookup of the same rows answers.
import { getIntrospectionQuery } from "graphql";
import { createSchema, createYoga } from "graphql-yoga";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createOriginPolicy } from "../src/http/origin-policy.js";
import { useQueryJit } from "../src/http/query-jit.js";
import { createGatewayYoga, type GatewayYoga, type GatewayYogaOptions } from "../src/http/yoga.js";
import { createLogger } from "../src/shared/logger.js";
import { ADMIN_AUTHORIZATION, testAuthentication } from "./support/authentication.js";
import { startGateway, type TestGateway } from "./support/gateway.js";
import { cdr, signedHeaders } from "./support/notifications.js";

const T0 = new Date("2026-06-01T10:00:00Z");

const BINDING = /* GraphQL */ `
  fragment AllBinding on Binding {
    __typename id subscriptionId virtualNum extendNum bindNum areaCode displayNumMode recordFlag recordHintTone
    callbackTone callbackNum timeUnit bindExpiredTime callbackExpiredTime userData expiresAt state createdAt
    updatedAt deletedAt
  }
`;

const CALL_RECORD = /* GraphQL */ `
  fragment AllCallRecord on CallRecord {
    __typename id icid sessionId subscriptionId virtualNum bindNum extendNum direction callerNum calleeNum
    fwdDstNum callInTime fwdAnswerTime callEndTime talkSeconds failure { code description }
    recordFlag recordDomain recordObjectName record receivedAt
    recordingDownloadUrl { __typename ... on RecordingDownloadUrl { url source } }
    session { sessionId }
  }
`;

describe("read path: compiled queries and column selection", () => {
  let gw: TestGateway;
  let subscriptionId: string;

  beforeAll(async () => {
    gw = await startGateway();
    for (const [bindNum, extra] of [
      ["+8613800000021", { bindExpiredTime: 2, userData: "first" }],
      ["+8613800000022", { recordFlag: true, callbackNum: "+8613800000099" }],
    ] as const) {
      const created = await gw.gql<{ createBinding: { binding: { subscriptionId: string } } }>(
        `mutation($input: CreateBindingInput!) {
          createBinding(input: $input) { ... on CreateBindingPayload { binding { subscriptionId } } }
        }`,
        { input: { bindNum, virtualNum: "+8617000000001", ...extra } },
      );
      subscriptionId = created.data!.createBinding.binding.subscriptionId;
    }
    const push = await gw.gateway.yoga.fetch("http://gateway.test/notify", {
      method: "POST",
      headers: signedHeaders(),
      body: JSON.stringify({
        eventType: "fee",
        feeLst: [
          cdr("icid-read-1", "s-read-1", T0, { subscriptionId }),
          cdr("icid-read-2", "s-read-2", T0, { ulFailReason: 8, fwdAnswerTime: undefined }),
          cdr("icid-read-3", "s-read-3", T0, {
            recordFlag: 1,
            recordDomain: "record.example",
            recordObjectName: "rec-3.wav",
          }),
        ],
      }),
    });
    expect(push.status).toBe(200);
  });
  afterAll(async () => {
    await gw?.stop();
  });

  /** Run a query three times (interpreted, then compiled) and check every answer is the same. */
  async function stable<T>(query: string, variables?: Record<string, unknown>) {
    const first = await gw.gql<T>(query, variables);
    for (let run = 0; run < 2; run++) expect(await gw.gql<T>(query, variables)).toEqual(first);
    return first;
  }

  it("a page of bindings answers every field as the single lookup does, run after run", async () => {
    const list = await stable<{
      bindings: { edges: { cursor: string; node: { subscriptionId: string } }[] };
    }>(
      `query { bindings(filter: { states: [ACTIVE, EXPIRED, DELETED] }) {
        edges { cursor node { ...AllBinding } } pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
      } } ${BINDING}`,
    );
    expect(list.errors).toBeUndefined();
    expect(list.data!.bindings.edges).toHaveLength(2);
    for (const { node } of list.data!.bindings.edges) {
      const one = await gw.gql<{ binding: unknown }>(
        `query($id: String!) { binding(subscriptionId: $id) { ...AllBinding } } ${BINDING}`,
        { id: node.subscriptionId },
      );
      expect(node).toEqual(one.data!.binding);
    }
  });

  it("a page of CDRs answers every field as the single lookup does, run after run", async () => {
    const list = await stable<{ callRecords: { edges: { node: { icid: string } }[] } }>(
      `query { callRecords { edges { cursor node { ...AllCallRecord } } pageInfo { hasNextPage endCursor } } }
      ${CALL_RECORD}`,
    );
    expect(list.errors).toBeUndefined();
    expect(list.data!.callRecords.edges).toHaveLength(3);
    for (const { node } of list.data!.callRecords.edges) {
      const one = await gw.gql<{ callRecord: unknown }>(
        `query($icid: String!) { callRecord(icid: $icid) { ...AllCallRecord } } ${CALL_RECORD}`,
        { icid: node.icid },
      );
      expect(node).toEqual(one.data!.callRecord);
    }
  });

  it("selections through aliases, inline fragments and nested lists read what they need", async () => {
    const result = await stable<{
      bindings: { edges: { node: { sid: string; s: string; callRecords: { edges: unknown[] } } }[] };
    }>(
      `query { bindings { edges { node { ... on Binding { sid: subscriptionId } s: state
        callRecords { edges { node { ... on CallRecord { fwdDstNum failure { code } } } } } } } } }`,
    );
    expect(result.errors).toBeUndefined();
    const withCdr = result.data!.bindings.edges.find((e) => e.node.sid === subscriptionId);
    expect(withCdr?.node).toEqual({
      sid: subscriptionId,
      s: "ACTIVE",
      callRecords: { edges: [{ node: { fwdDstNum: "+8613800000021", failure: null } }] },
    });
    const failed = await stable<{ callRecords: { edges: { node: { failure: unknown } }[] } }>(
      `query { callRecords(first: 3) { edges { node { failure { code known } } } } }`,
    );
    expect(failed.data!.callRecords.edges.map((e) => e.node.failure)).toContainEqual(
      expect.objectContaining({ code: "8" }),
    );
  });

  it("errors read the same compiled: a foreign cursor, a bad variable, a missing node", async () => {
    const cursor = await stable(`query($after: String) { bindings(after: $after) { edges { cursor } } }`, {
      after: "bm90LWEtY3Vyc29y",
    });
    expect(cursor.errors?.[0]).toMatchObject({ extensions: { code: "BAD_USER_INPUT" } });
    const variable = await stable(`query($n: Int) { callRecords(first: $n) { edges { cursor } } }`, {
      n: "twenty",
    });
    expect(variable.errors?.[0]?.message).toMatch(/\$n/);
    const missing = await stable(`query { node(id: "QmluZGluZzpub25l") { id } }`);
    expect(missing).toEqual({ data: { node: null } });
  });

  it("introspection answers the same compiled", async () => {
    const result = await stable(getIntrospectionQuery({ descriptions: true }));
    expect(result.errors).toBeUndefined();
  });

  /** A JSON body, as one declared-length string or as a stream of 64 KiB chunks with no declared length. */
  const post = (yoga: GatewayYoga, text: string, streamed: boolean) =>
    yoga.fetch("http://gateway.test/graphql", {
      method: "POST",
      headers: { "content-type": "application/json", authorization: ADMIN_AUTHORIZATION },
      body: streamed
        ? new ReadableStream<Uint8Array>({
            start(controller) {
              const bytes = new TextEncoder().encode(text);
              for (let at = 0; at < bytes.length; at += 64 * 1024)
                controller.enqueue(bytes.slice(at, at + 64 * 1024));
              controller.close();
            },
          })
        : text,
      duplex: "half",
    } as RequestInit);
  const oversized = JSON.stringify({ query: `{ __typename }${" ".repeat(300 * 1024)}` });

  it("a streamed GraphQL body (no declared length) over 256 KiB is refused with 413; a small one is served", async () => {
    const big = await post(gw.gateway.yoga, oversized, true);
    expect(big.status).toBe(413);
    const small = await post(gw.gateway.yoga, JSON.stringify({ query: "{ __typename }" }), true);
    expect(small.status).toBe(200);
    expect(await small.json()).toEqual({ data: { __typename: "Query" } });
  });

  it("the variants scripts/compare-request-cpu.ts measures answer as the gateway does", async () => {
    const variant = (options: Partial<GatewayYogaOptions>) =>
      createGatewayYoga({
        services: gw.gateway.services,
        logger: createLogger({ level: "silent" }),
        routes: [],
        authentication: testAuthentication(),
        origins: createOriginPolicy([]),
        production: false,
        ...options,
      });
    const yogasLimit = variant({ bodyLimit: "yoga" });
    for (const streamed of [false, true]) {
      expect((await post(yogasLimit, oversized, streamed)).status).toBe(413);
      const small = await post(yogasLimit, JSON.stringify({ query: "{ __typename }" }), streamed);
      expect(await small.json()).toEqual({ data: { __typename: "Query" } });
    }
    const page = JSON.stringify({
      query: `{ callRecords { edges { node { ...AllCallRecord } } } } ${CALL_RECORD}`,
    });
    const expected = await (await post(gw.gateway.yoga, page, false)).json();
    expect(expected.data.callRecords.edges).toHaveLength(3);
    const interpreted = variant({ queryExecution: null });
    for (let run = 0; run < 3; run++)
      expect(await (await post(interpreted, page, false)).json()).toEqual(expected);
  });
});

describe("useQueryJit", () => {
  const schema = createSchema({
    typeDefs:
      "type Query { ok: String, broken: String, list: [Int!]!, twice(n: Int!): Int } type Mutation { touch: Int }",
    resolvers: {
      Query: {
        ok: () => "yes",
        broken: () => {
          throw new Error("secret detail");
        },
        list: () => [1, 2, 3],
        twice: (_: unknown, { n }: { n: number }) => 2 * n,
      },
      Mutation: { touch: () => 1 },
    },
  });
  const plain = createYoga({ schema, maskedErrors: true, logging: false });
  const compiled = createYoga({ schema, maskedErrors: true, logging: false, plugins: [useQueryJit()] });
  const ask = async (yoga: typeof plain, query: string, variables?: Record<string, unknown>) => {
    const response = await yoga.fetch("http://x/graphql", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ query, variables }),
    });
    return { status: response.status, body: await response.json() };
  };

  it("answers like graphql-js, masking unexpected errors the same way, compiling only queries", async () => {
    for (const query of ["{ ok list }", "{ ok broken }", "mutation { touch }"]) {
      const expected = await ask(plain, query);
      for (let run = 0; run < 3; run++) expect(await ask(compiled, query)).toEqual(expected);
    }
    expect(JSON.stringify(await ask(compiled, "{ broken }"))).not.toContain("secret detail");
  });

  // What @envelop/graphql-jit would change: it answers these 200, in graphql-jit's words, without locations.
  it("answers variables graphql-jit refuses as graphql-js does, with 400, every run", async () => {
    const query = "query($n: Int!) { twice(n: $n) }";
    for (const variables of [{ n: "twenty" }, {}]) {
      const expected = await ask(plain, query, variables);
      expect(expected.status).toBe(400);
      expect(expected.body.errors[0].locations).toEqual([{ line: 1, column: 7 }]);
      for (let run = 0; run < 3; run++) expect(await ask(compiled, query, variables)).toEqual(expected);
    }
    expect(await ask(compiled, query, { n: 21 })).toEqual({ status: 200, body: { data: { twice: 42 } } });
  });
});
