import { maskPhoneNumber } from "@privnum/notification-schemas";
import {
  type GraphQLField,
  type GraphQLObjectType,
  getNamedType,
  isInterfaceType,
  isLeafType,
  isNonNullType,
  isObjectType,
  isUnionType,
} from "graphql";
import { type Client, createClient } from "graphql-ws";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import WebSocket from "ws";
import type { Role } from "../src/auth/roles.js";
import { schema } from "../src/graphql/schema.js";
import { DEFAULT_LIMITS } from "../src/shared/config.js";
import { sampledLog } from "../src/shared/sampled-log.js";
import { captureLog } from "./support/captured-log.js";
import {
  type As,
  authorizationFor,
  collect,
  startGateway,
  subscriptionCounter,
  type TestGateway,
  until,
} from "./support/gateway.js";

// Who may do what, over HTTP and over graphql-ws alike: every root field × anonymous, viewer, operator, admin.

const X = "+8617000000001";
const A = "+8613800000555";
const CALLER = "+8613900000555";
const CALLBACK = "+8613700000555";
const IN_USER_DATA = "+8613600000555";
const FULL_NUMBERS = [X, A, CALLER, CALLBACK, IN_USER_DATA];

type Verdict = "allowed" | "forbidden" | "unauthenticated";
type Kind = "query" | "mutation" | "subscription";

interface Operation {
  kind: Kind;
  field: string;
  document: string;
  /** Made afresh for each request (a binding to create needs a number of its own). */
  variables?: () => Record<string, unknown>;
}

/** A Relay global ID of a binding that does not exist. */
const NO_BINDING_ID = Buffer.from("Binding:none").toString("base64");

let uniqueBindNum = 8613500000000;
const nextBindNum = () => `+${++uniqueBindNum}`;

/** One operation per root field; each runs to completion for a caller allowed to use it. */
function operations(): Operation[] {
  return [
    ["query", "binding", `query { binding(subscriptionId: "none") { subscriptionId } }`],
    [
      "query",
      "bindingByExtension",
      `query { bindingByExtension(virtualNum: "${X}", extendNum: "9") { bindNum } }`,
    ],
    ["query", "bindings", "query { bindings(first: 1) { edges { node { bindNum } } } }"],
    ["query", "callRecord", `query { callRecord(icid: "none") { icid } }`],
    ["query", "callRecords", "query { callRecords(first: 1) { edges { node { icid } } } }"],
    ["query", "callSession", `query { callSession(sessionId: "none") { sessionId } }`],
    ["query", "callSessions", "query { callSessions(first: 1) { edges { node { sessionId } } } }"],
    ["query", "node", `query { node(id: "${NO_BINDING_ID}") { id } }`],
    ["query", "nodes", `query { nodes(ids: ["${NO_BINDING_ID}"]) { id } }`],
    [
      "query",
      "receivedNotifications",
      "query { receivedNotifications(first: 1) { edges { node { verdict } } } }",
    ],
    ["query", "virtualNumbers", "query { virtualNumbers { number } }"],
    ["query", "viewer", "query { viewer { role actor } }"],
    [
      "mutation",
      "createBinding",
      `mutation($input: CreateBindingInput!) { createBinding(input: $input) { __typename } }`,
      () => ({ input: { bindNum: nextBindNum(), virtualNum: X } }),
    ],
    [
      "mutation",
      "updateBinding",
      `mutation { updateBinding(input: { subscriptionId: "none", userData: "x" }) { __typename } }`,
    ],
    [
      "mutation",
      "deleteBinding",
      `mutation { deleteBinding(input: { subscriptionId: "none" }) { __typename } }`,
    ],
    [
      "mutation",
      "reconcileBindings",
      `mutation { reconcileBindings(input: { virtualNums: ["${X}"] }) { __typename } }`,
    ],
    ["mutation", "retryRecordingArchive", `mutation { retryRecordingArchive(icid: "none") { __typename } }`],
    ["subscription", "bindingChanges", "subscription { bindingChanges { kind } }"],
    ["subscription", "callEvents", "subscription { callEvents { cursor } }"],
    ["subscription", "callRecords", "subscription { callRecords { record { icid } } }"],
    ["subscription", "callSessionUpdates", "subscription { callSessionUpdates { session { sessionId } } }"],
    [
      "subscription",
      "virtualNumberStatus",
      "subscription { virtualNumberStatus { virtualNumber { number } } }",
    ],
  ].map(([kind, field, document, variables]) => ({
    kind: kind as Kind,
    field: field as string,
    document: document as string,
    ...(variables ? { variables: variables as () => Record<string, unknown> } : {}),
  }));
}

/** What each role may do: reads and subscriptions for all, binding mutations from operator, raw pushes for admin. */
function expected(as: Role | null, operation: Operation): Verdict {
  if (as === null) return "unauthenticated";
  if (operation.field === "receivedNotifications") return as === "admin" ? "allowed" : "forbidden";
  if (operation.kind === "mutation") return as === "viewer" ? "forbidden" : "allowed";
  return "allowed";
}

interface Result {
  data?: Record<string, unknown> | null;
  errors?: { message: string; extensions?: { code?: string } }[];
}

function verdictOf(result: Result, field: string): Verdict {
  const codes = (result.errors ?? []).map((error) => error.extensions?.code);
  if (codes.includes("UNAUTHENTICATED")) return "unauthenticated";
  if (codes.includes("FORBIDDEN")) return "forbidden";
  if (result.errors?.length) throw new Error(`${field}: unexpected errors ${JSON.stringify(result.errors)}`);
  return "allowed";
}

describe("roles over HTTP and graphql-ws", () => {
  let gw: TestGateway;
  const log = captureLog();
  const logLines = log.lines;

  beforeAll(async () => {
    gw = await startGateway({}, { logger: log.logger });
  });
  afterAll(async () => {
    await gw?.stop();
  });

  const live = () => gw.gateway.services.feed.listenerCount() + gw.gateway.services.changes.listenerCount();
  const noneLive = () => until(() => live() === 0, "subscriptions to end");

  async function overHttp(as: As, operation: Operation): Promise<Verdict> {
    const authorization = authorizationFor(as);
    const headers: Record<string, string> = {
      "content-type": "application/json",
      accept: operation.kind === "subscription" ? "text/event-stream" : "application/graphql-response+json",
      ...(authorization ? { authorization } : {}),
    };
    const abort = new AbortController();
    const subscribed = subscriptionCounter(gw.gateway);
    const response = await fetch(gw.gateway.graphqlUrl, {
      method: "POST",
      headers,
      body: JSON.stringify({ query: operation.document, variables: operation.variables?.() ?? {} }),
      signal: abort.signal,
    });
    try {
      if (response.status === 401) {
        // JSON, or for a subscription one server-sent event.
        const text = await response.text();
        const body = JSON.parse(/^data: (.+)$/m.exec(text)?.[1] ?? text) as Result;
        expect(response.headers.get("www-authenticate")).toMatch(/^Bearer/);
        return verdictOf(body, operation.field);
      }
      if (operation.kind !== "subscription")
        return verdictOf((await response.json()) as Result, operation.field);
      // A subscription either answers at once with its refusal, or stays open: the server then holds it.
      const reader = response.body!.getReader();
      const firstEvent = (async () => {
        let text = "";
        for (;;) {
          const { done, value } = await reader.read();
          if (done) throw new Error(`${operation.field}: the stream ended without an event`);
          text += new TextDecoder().decode(value);
          const data = /^data: (.+)$/m.exec(text);
          if (data) return verdictOf(JSON.parse(data[1]!) as Result, operation.field);
        }
      })();
      return await Promise.race([firstEvent, subscribed(1).then(() => "allowed" as const)]);
    } finally {
      abort.abort();
      await noneLive();
    }
  }

  async function overWebSocket(as: As, operation: Operation): Promise<Verdict> {
    const authorization = authorizationFor(as);
    const client: Client = createClient({
      url: gw.gateway.graphqlUrl.replace(/^http/, "ws"),
      webSocketImpl: WebSocket,
      retryAttempts: 0,
      lazy: true,
      connectionParams: authorization ? { authorization } : {},
    });
    const subscribed = subscriptionCounter(gw.gateway);
    try {
      return await new Promise<Verdict>((resolve, reject) => {
        const unsubscribe = client.subscribe(
          { query: operation.document, variables: operation.variables?.() ?? {} },
          {
            next: (result) => {
              try {
                resolve(verdictOf(result as Result, operation.field));
              } catch (error) {
                reject(error);
              }
            },
            error: (error) => {
              const code = (error as { code?: number }).code;
              if (code === 4403) resolve("unauthenticated");
              else
                reject(error instanceof Error ? error : new Error(`${operation.field}: closed with ${code}`));
            },
            complete: () => {},
          },
        );
        if (operation.kind === "subscription") {
          subscribed(1).then(() => {
            resolve("allowed");
            unsubscribe();
          }, reject);
        }
      });
    } finally {
      await client.dispose();
      await noneLive();
    }
  }

  it("covers every root field of the schema", () => {
    const covered = operations().map((operation) => `${operation.kind}.${operation.field}`);
    const roots = [
      ["query", schema.getQueryType()],
      ["mutation", schema.getMutationType()],
      ["subscription", schema.getSubscriptionType()],
    ] as const;
    const all = roots.flatMap(([kind, type]) =>
      Object.keys(type!.getFields()).map((field) => `${kind}.${field}`),
    );
    expect(covered.sort()).toEqual(all.sort());
  });

  for (const as of [null, "viewer", "operator", "admin"] as const) {
    it(`gives ${as ?? "anonymous"} the same verdict on every root field over both transports`, async () => {
      const table: string[] = [];
      for (const operation of operations()) {
        const want = expected(as, operation);
        const http = await overHttp(as, operation);
        const ws = await overWebSocket(as, operation);
        table.push(`${operation.kind}.${operation.field}: http ${http}, ws ${ws}, expected ${want}`);
      }
      const wrong = table.filter((line) => !/http (\w+), ws \1, expected \1$/.test(line));
      expect(wrong).toEqual([]);
    });
  }

  it("logs every mutation with its actor and masked numbers, and every refusal", async () => {
    const bindNum = nextBindNum();
    const created = await gw.gql<{ createBinding: { __typename: string } }>(
      `mutation($input: CreateBindingInput!) { createBinding(input: $input) { __typename } }`,
      { input: { bindNum, virtualNum: X } },
      "operator",
    );
    expect(created.data?.createBinding.__typename).toBe("CreateBindingPayload");
    const refused = await gw.gql(
      `mutation { deleteBinding(input: { subscriptionId: "none" }) { __typename } }`,
      {},
      "viewer",
    );
    expect(refused.errors?.[0]?.extensions?.code).toBe("FORBIDDEN");

    const done = logLines.find(
      (line) =>
        line.audit === "mutation" &&
        line.outcome === "done" &&
        (line.input as { bindNum?: string })?.bindNum === maskPhoneNumber(bindNum),
    );
    expect(done).toMatchObject({
      actor: "test-operator",
      role: "operator",
      via: "api-key",
      mutation: "createBinding",
    });
    expect(JSON.stringify(logLines)).not.toContain(bindNum.slice(1));
    expect(logLines).toContainEqual(
      expect.objectContaining({
        audit: "refused",
        actor: "test-viewer",
        role: "viewer",
        field: "Mutation.deleteBinding",
      }),
    );
  });

  it("samples the audit of refusals: a client repeating a refused request cannot flood the log", async () => {
    const audited = () =>
      logLines.filter(
        (line) =>
          line.audit === "refused" && line.actor === "test-viewer" && line.field === "Mutation.deleteBinding",
      ).length;
    const before = audited();
    expect(before).toBeGreaterThan(0);
    expect(before).toBeLessThan(10);
    for (let i = 0; i < 50; i++) {
      const refused = await gw.gql(
        `mutation { deleteBinding(input: { subscriptionId: "none" }) { __typename } }`,
        {},
        "viewer",
      );
      expect(refused.errors?.[0]?.extensions?.code).toBe("FORBIDDEN");
    }
    // At most 10 lines of one actor and field a minute; the rest are counted and reported once.
    expect(audited()).toBe(10);
    sampledLog(gw.gateway.services.logger).flush();
    expect(logLines).toContainEqual(
      expect.objectContaining({
        kind: "refused:test-viewer:Mutation.deleteBinding",
        suppressed: before + 40,
      }),
    );
  });
});

/** A selection of every field reachable from `type` without required arguments, `depth` levels deep. */
function selectAll(type: GraphQLObjectType, depth: number): string {
  const fields = Object.values(type.getFields()).filter(
    (field: GraphQLField<unknown, unknown>) => !field.args.some((arg) => isNonNullType(arg.type)),
  );
  const parts = fields.flatMap((field) => {
    const named = getNamedType(field.type);
    if (isLeafType(named)) return [field.name];
    if (depth === 0) return [];
    if (isObjectType(named)) return [`${field.name} { __typename ${selectAll(named, depth - 1)} }`];
    if (isUnionType(named) || isInterfaceType(named)) {
      const members = isUnionType(named) ? named.getTypes() : schema.getPossibleTypes(named);
      const fragments = members.map((member) => `... on ${member.name} { ${selectAll(member, depth - 1)} }`);
      return [`${field.name} { __typename ${fragments.join(" ")} }`];
    }
    return [];
  });
  return parts.join(" ");
}

describe("phone numbers by role", () => {
  let gw: TestGateway;
  let subscriptionId: string;
  let sessionId: string;

  beforeAll(async () => {
    // Every field of every type, four levels deep, costs far more than GRAPHQL_MAX_COST allows a client.
    const limits = { ...DEFAULT_LIMITS, graphql: { ...DEFAULT_LIMITS.graphql, maxCost: 1_000_000 } };
    gw = await startGateway({ limits });
    const created = await gw.gql<{
      createBinding: { binding: { subscriptionId: string; extendNum: string } };
    }>(
      `mutation($input: CreateBindingInput!) { createBinding(input: $input) {
        ... on CreateBindingPayload { binding { subscriptionId extendNum } } } }`,
      { input: { bindNum: A, virtualNum: X, callbackNum: CALLBACK, userData: `order for ${IN_USER_DATA}` } },
      "operator",
    );
    ({ subscriptionId } = created.data!.createBinding.binding);
    const sim = gw.gateway.simulator!;
    const call = await sim.simulateCall({
      caller: CALLER,
      virtualNum: X,
      digits: created.data!.createBinding.binding.extendNum,
      talkSeconds: 5,
    });
    sessionId = call.sessionId;
    await sim.clock.advance(120_000);
    await until(async () => {
      const seen = await gw.gql<{ callRecords: { edges: unknown[] } }>(
        "{ callRecords { edges { cursor } } }",
      );
      return (seen.data?.callRecords.edges.length ?? 0) > 0;
    }, "the CDR to be stored");
  });
  afterAll(async () => {
    await gw?.stop();
  });
  afterEach(async () => {
    // Each test ends its subscriptions; wait until the server has let go, so counts start from zero.
    const live = () => gw.gateway.services.feed.listenerCount() + gw.gateway.services.changes.listenerCount();
    await until(() => live() === 0, "subscriptions of the previous test to end");
  });

  const query = schema.getQueryType()!;
  const everything = () => {
    const roots = ["bindings", "callSessions", "callRecords", "virtualNumbers"].map((name) => {
      const field = query.getFields()[name]!;
      return `${name} { ${selectAll(getNamedType(field.type) as GraphQLObjectType, 4)} }`;
    });
    return `query($sid: String!, $sub: String!) {
      ${roots.join("\n")}
      callSession(sessionId: $sid) { ${selectAll(schema.getType("CallSession") as GraphQLObjectType, 3)} }
      binding(subscriptionId: $sub) { ${selectAll(schema.getType("Binding") as GraphQLObjectType, 3)} }
    }`;
  };

  it("shows a viewer no whole number in any field, and an operator every number whole", async () => {
    const asViewer = await gw.gql(everything(), { sid: sessionId, sub: subscriptionId }, "viewer");
    expect(asViewer.errors).toBeUndefined();
    const viewerText = JSON.stringify(asViewer.data);
    for (const number of FULL_NUMBERS) {
      expect(viewerText).not.toContain(number.slice(1));
      expect(viewerText).toContain(maskPhoneNumber(number));
    }
    const asOperator = await gw.gql(everything(), { sid: sessionId, sub: subscriptionId }, "operator");
    expect(asOperator.errors).toBeUndefined();
    const operatorText = JSON.stringify(asOperator.data);
    for (const number of FULL_NUMBERS) expect(operatorText).toContain(number);
    // The same rows, the same shape: only the numbers differ.
    expect(Object.keys(asViewer.data!)).toEqual(Object.keys(asOperator.data!));
  });

  it("sends a viewer and an operator on the same callEvents subscription masked and whole numbers of one event", async () => {
    const document =
      "subscription($f: CallEventFilter) { callEvents(filter: $f) { eventType caller virtualNum bindNum statusInfo } }";
    const subscribed = subscriptionCounter(gw.gateway);
    const viewer = collect<Record<string, unknown>>(
      gw.wsClient("viewer"),
      document,
      { f: { virtualNum: X } },
      "callEvents",
    );
    const operator = collect<Record<string, unknown>>(
      gw.wsClient("operator"),
      document,
      { f: { virtualNum: X } },
      "callEvents",
    );
    await subscribed(2);
    const binding = await gw.gql<{ binding: { extendNum: string } }>(
      "query($s: String!) { binding(subscriptionId: $s) { extendNum } }",
      { s: subscriptionId },
    );
    await gw.gateway.simulator!.simulateCall({
      caller: CALLER,
      virtualNum: X,
      digits: binding.data!.binding.extendNum,
      talkSeconds: 1,
    });
    await gw.gateway.simulator!.clock.advance(60_000);
    const [viewerEvents, operatorEvents] = await Promise.all([viewer.waitFor(6), operator.waitFor(6)]);
    viewer.unsubscribe();
    operator.unsubscribe();
    expect(viewerEvents.map((e) => e.eventType)).toEqual(operatorEvents.map((e) => e.eventType));
    expect(operatorEvents[0]).toMatchObject({ caller: CALLER, virtualNum: X });
    expect(viewerEvents[0]).toMatchObject({
      caller: maskPhoneNumber(CALLER),
      virtualNum: maskPhoneNumber(X),
    });
    expect(operatorEvents[5]).toMatchObject({ bindNum: A });
    expect(viewerEvents[5]).toMatchObject({ bindNum: maskPhoneNumber(A) });
    const viewerText = JSON.stringify(viewerEvents);
    for (const number of [X, A, CALLER]) expect(viewerText).not.toContain(number.slice(1));
  });

  it("refuses a viewer's filter on bindNum everywhere, which would reveal the masked digits; lets an operator", async () => {
    const queries = [
      "query($n: String!) { bindings(filter: { bindNum: $n }) { edges { cursor } } }",
      "query($n: String!) { callRecords(filter: { bindNum: $n }) { edges { cursor } } }",
      "query($n: String!) { callSessions(filter: { bindNum: $n }) { edges { cursor } } }",
    ];
    for (const document of queries) {
      const asViewer = await gw.gql(document, { n: A }, "viewer");
      expect(asViewer.errors, document).toEqual([
        expect.objectContaining({
          message: expect.stringMatching(/bindNum/),
          extensions: { code: "FORBIDDEN" },
        }),
      ]);
      const asOperator = await gw.gql<Record<string, { edges: unknown[] }>>(document, { n: A }, "operator");
      expect(asOperator.errors, document).toBeUndefined();
      expect(Object.values(asOperator.data!)[0]!.edges.length, document).toBeGreaterThan(0);
      // Without bindNum, the viewer reads the same list.
      expect(
        (await gw.gql(document.replace("bindNum", "virtualNum"), { n: X }, "viewer")).errors,
      ).toBeUndefined();
    }
    const subscriptions = [
      ["bindingChanges", "subscription($n: String!) { bindingChanges(filter: { bindNum: $n }) { kind } }"],
      ["callEvents", "subscription($n: String!) { callEvents(filter: { bindNum: $n }) { cursor } }"],
      [
        "callRecords",
        "subscription($n: String!) { callRecords(filter: { bindNum: $n }) { record { icid } } }",
      ],
      [
        "callSessionUpdates",
        "subscription($n: String!) { callSessionUpdates(filter: { bindNum: $n }) { session { sessionId } } }",
      ],
    ] as const;
    const client = gw.wsClient("viewer");
    for (const [field, document] of subscriptions) {
      const refused = collect(client, document, { n: A }, field);
      await refused.done;
      expect(refused.errors, field).toEqual([expect.objectContaining({ extensions: { code: "FORBIDDEN" } })]);
    }
  });

  it("masks binding changes for a viewer", async () => {
    const subscribed = subscriptionCounter(gw.gateway);
    const changes = collect<{ binding: { bindNum: string; callbackNum: string | null } }>(
      gw.wsClient("viewer"),
      "subscription { bindingChanges { binding { bindNum callbackNum userData } } }",
      {},
      "bindingChanges",
    );
    await subscribed(1);
    const bindNum = "+8613500099999";
    const created = await gw.gql<{ createBinding: { __typename: string; message?: string } }>(
      `mutation($input: CreateBindingInput!) { createBinding(input: $input) { __typename ... on Error { message } } }`,
      { input: { bindNum, virtualNum: X, callbackNum: CALLBACK } },
      "operator",
    );
    expect(created.data?.createBinding).toEqual({ __typename: "CreateBindingPayload" });
    const [change] = await changes.waitFor(1);
    changes.unsubscribe();
    expect(change!.binding).toMatchObject({
      bindNum: maskPhoneNumber(bindNum),
      callbackNum: maskPhoneNumber(CALLBACK),
    });
  });
});
