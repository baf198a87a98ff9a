import { readFileSync } from "node:fs";
import { getIntrospectionQuery, Lexer, Source, TokenKind } from "graphql";
import { type Client, createClient } from "graphql-ws";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import WebSocket from "ws";
import { createOriginPolicy } from "../src/http/origin-policy.js";
import { createGatewayYoga } from "../src/http/yoga.js";
import { DEFAULT_LIMITS, TEST_API_KEYS } from "../src/shared/config.js";
import { sampledLog } from "../src/shared/sampled-log.js";
import { ADMIN_AUTHORIZATION, testAuthentication } from "./support/authentication.js";
import { captureLog } from "./support/captured-log.js";
import { type As, authorizationFor, startGateway, type TestGateway, until } from "./support/gateway.js";

// The abuse corpus of issue 15, sent with a viewer's key over HTTP and over graphql-ws: every document is
// refused before anything runs (no database statement), with the same code on both transports; documents just
// inside each limit, GraphiQL's introspection query and the README's examples still pass.

const LIMITS = DEFAULT_LIMITS.graphql;

/** `{ f { f { … id } } }`, `depth` fields deep, over a self-referencing list field. */
function nested(depth: number): string {
  const field = "sameSubscriptionIdBindings";
  return `{ binding(subscriptionId: "s") { ${`${field} { `.repeat(depth - 2)}id${" }".repeat(depth - 2)} } }`;
}

/** A document `depth` levels deep that does not even name schema fields (the deepest parse). */
function bare(depth: number): string {
  return `{ ${"a { ".repeat(depth)}b${" }".repeat(depth)} }`;
}

/** `count` aliases of `binding` under 100 sessions. */
function aliased(count: number): string {
  const bindings = Array.from({ length: count }, (_, i) => `b${i}: binding { id }`).join(" ");
  return `{ callSessions(first: 100) { edges { node { ${bindings} } } } }`;
}

/** The probe's 11 KB document: 500 aliases of `binding` under 100 sessions. */
const ALIASED = aliased(500);

/** `bindings → callSessions → binding → callSessions → binding`, one row each: 12 fields deep, cheap. */
const RELAY_DEPTH_12 = `{ bindings(first: 1) { edges { node { callSessions(first: 1) { edges { node { binding {
  callSessions(first: 1) { edges { node { binding { id } } } } } } } } } } } }`;

/** binding → callSessions(first: 100), two levels deep: 100 × 100 sessions. */
const COSTLY = `{ callSessions(first: 100) { edges { node { binding { callSessions(first: 100) { edges { node {
  sessionId binding { callSessions(first: 100) { edges { node { sessionId } } } } } } } } } } } }`;

/** Cost 1 + 100 × (1 + 1 + 1 + (1 + 10 × 4)) = 4,401: just inside the limit of 5,000. */
const NEAR_COST = `{ callSessions(first: 100) { edges { node { id events { cursor eventType sessionId stateCode } } } } }`;

/** The tokens of a document, as GraphQL Armor counts them. */
function tokenCount(query: string): number {
  const lexer = new Lexer(new Source(query));
  let count = 0;
  while (lexer.advance().kind !== TokenKind.EOF) count += 1;
  return count;
}

/** A legitimate document of exactly `tokens` tokens (a long list argument; no field selected twice). */
function withTokens(tokens: number): string {
  const query = (states: number) =>
    `{ bindings(first: 1, filter: { states: [${"ACTIVE ".repeat(states)}] }) { edges { node { id } } } }`;
  return query(tokens - tokenCount(query(0)));
}

/** A corpus entry: what is sent, and the code it is refused with. */
interface Abuse {
  name: string;
  query: string;
  code: string;
  /** HTTP status. @default 400 */
  status?: number;
}

const CORPUS: Abuse[] = [
  { name: "deep (1,500 levels)", query: nested(1500), code: "TOKEN_LIMIT_EXCEEDED" },
  { name: "deep (10,000 levels)", query: bare(10_000), code: "TOKEN_LIMIT_EXCEEDED" },
  {
    name: "deep (one level over the limit)",
    query: nested(LIMITS.maxDepth + 1),
    code: "DEPTH_LIMIT_EXCEEDED",
  },
  // Its 3,500 tokens stop it while it is parsed, before its aliases are counted.
  {
    name: "aliased (the probe's 500 bindings under 100 sessions)",
    query: ALIASED,
    code: "TOKEN_LIMIT_EXCEEDED",
  },
  { name: "aliased (100 bindings under 100 sessions)", query: aliased(100), code: "ALIAS_LIMIT_EXCEEDED" },
  {
    name: "wide (16 aliases)",
    query: `{ ${Array.from({ length: LIMITS.maxAliases + 1 }, (_, i) => `v${i}: virtualNumbers { number }`).join(" ")} }`,
    code: "ALIAS_LIMIT_EXCEEDED",
  },
  { name: "costly (first: 100, two levels deep)", query: COSTLY, code: "COST_LIMIT_EXCEEDED" },
  {
    name: "platform-heavy (the probe's recordingDownloadUrl on 100 CDRs × 50 aliases)",
    query: `{ ${Array.from(
      { length: 50 },
      (_, i) => `r${i}: callRecords(first: 100) { edges { node { recordingDownloadUrl { url } } } }`,
    ).join(" ")} }`,
    code: "ALIAS_LIMIT_EXCEEDED",
  },
  {
    name: "costly (two aliases of a query near the limit)",
    query: `{ a: ${NEAR_COST.slice(2, -2)} b: ${NEAR_COST.slice(2, -2)} }`,
    code: "COST_LIMIT_EXCEEDED",
  },
  {
    name: "token-heavy",
    query: `{ ${"__typename ".repeat(LIMITS.maxTokens)} }`,
    code: "TOKEN_LIMIT_EXCEEDED",
  },
  {
    name: "directive-heavy",
    query: `{ ${"__typename @include(if: true) ".repeat(LIMITS.maxDirectives + 1)} }`,
    code: "DIRECTIVE_LIMIT_EXCEEDED",
  },
  {
    name: "an introspection bomb (lists of types and fields nested four deep)",
    query: "{ __schema { types { fields { type { fields { type { fields { name } } } } } } } }",
    code: "DEPTH_LIMIT_EXCEEDED",
  },
  {
    name: "an introspection bomb hidden in fragments",
    query: `{ __type(name: "Binding") { ...A } }
      fragment A on __Type { fields { type { ...B } } }
      fragment B on __Type { fields { type { ...C } } }
      fragment C on __Type { fields { type { fields { name } } } }`,
    code: "DEPTH_LIMIT_EXCEEDED",
  },
  {
    name: "introspection by a viewer in production",
    query: "{ __schema { types { name } } }",
    code: "FORBIDDEN",
    status: 200,
  },
];

/** What a graphql-ws subscription got: an `error` message, or results and completion. */
type WsOutcome =
  | { error: { message: string; extensions?: Record<string, unknown> }[] }
  | { results: unknown[] };

function overWebSocket(client: Client, query: string): Promise<WsOutcome> {
  return new Promise((resolve) => {
    const results: unknown[] = [];
    client.subscribe(
      { query },
      {
        next: (result) => results.push(result),
        error: (error) => resolve({ error: error as never }),
        complete: () => resolve({ results }),
      },
    );
  });
}

async function overHttp(gw: TestGateway, query: string, as: As = "viewer", variables?: unknown) {
  const authorization = authorizationFor(as);
  const response = await fetch(gw.gateway.graphqlUrl, {
    method: "POST",
    headers: { "content-type": "application/json", ...(authorization ? { authorization } : {}) },
    body: JSON.stringify({ query, variables }),
  });
  const body = (await response.json()) as {
    data?: unknown;
    errors?: { message: string; extensions?: Record<string, unknown> }[];
  };
  return { status: response.status, ...body };
}

/** Wait until the gateway's background work (the start-up check, the feed) has settled: no statement for 300 ms. */
async function quiet(gw: TestGateway): Promise<number> {
  let last = -1;
  await until(
    async () => {
      const before = gw.gateway.databaseQueryCount();
      await new Promise((resolve) => setTimeout(resolve, 300));
      const now = gw.gateway.databaseQueryCount();
      const settled = now === before && now === last;
      last = now;
      return settled;
    },
    "the database to go quiet",
    20_000,
  );
  return last;
}

describe("the abuse corpus, in production, with a viewer's key", () => {
  let gw: TestGateway;
  let ws: Client;
  let socketCloses = 0;
  // Every request the platform client sends.
  let platformCalls = 0;
  const countingFetch: typeof fetch = (input, init) => {
    platformCalls += 1;
    return fetch(input, init);
  };
  beforeAll(async () => {
    // The feed polls and the nonce purge runs rarely here, so that the statement count moves only with the
    // requests.
    gw = await startGateway(
      { production: true },
      {
        feedPollIntervalMs: 3_600_000,
        noncePurgeIntervalMs: 3_600_000,
        platformClient: { fetch: countingFetch },
      },
    );
    // One socket, kept open (not lazy): a refusal must leave it open.
    ws = createClient({
      url: gw.gateway.graphqlUrl.replace(/^http/, "ws"),
      webSocketImpl: WebSocket,
      retryAttempts: 0,
      lazy: false,
      connectionParams: { authorization: `Bearer ${TEST_API_KEYS.viewer}` },
      on: {
        closed: () => {
          socketCloses += 1;
        },
      },
    });
  });
  afterAll(async () => {
    await ws?.dispose();
    await gw?.stop();
  });

  for (const abuse of CORPUS) {
    it(`refuses ${abuse.name} over HTTP and graphql-ws, running no database statement and no platform call`, async () => {
      const before = await quiet(gw);
      const platformCallsBefore = platformCalls;
      const http = await overHttp(gw, abuse.query);
      expect(http.status).toBe(abuse.status ?? 400);
      expect(http.data ?? null).toBeNull();
      expect(http.errors?.map((e) => e.extensions?.code)).toContain(abuse.code);
      // Yoga reads the status from the error and leaves it out of the answer.
      expect(JSON.stringify(http.errors)).not.toContain('"http"');

      const overWs = await overWebSocket(ws, abuse.query);
      if (abuse.status === 200) {
        // Refused at execution (the introspection policy): a result with the error, then completion.
        expect(overWs).toMatchObject({ results: [{ errors: [{ extensions: { code: abuse.code } }] }] });
      } else {
        // Refused before execution: an `error` message, the socket kept open.
        expect("error" in overWs && overWs.error.map((e) => e.extensions?.code)).toContain(abuse.code);
        expect(JSON.stringify(overWs)).not.toContain('"http"');
      }
      expect(gw.gateway.databaseQueryCount()).toBe(before);
      expect(platformCalls).toBe(platformCallsBefore);
      expect(socketCloses).toBe(0);
    });
  }

  it("says what was exceeded, with the cost and the limit", async () => {
    const { errors } = await overHttp(gw, COSTLY);
    expect(errors?.[0]?.message).toMatch(/^Query cost \d+ exceeds the limit of 5000/);
    const depth = await overHttp(gw, nested(LIMITS.maxDepth + 1));
    expect(depth.errors?.[0]?.message).toBe(`Query depth limit of ${LIMITS.maxDepth} exceeded, found 13.`);
    const tokens = await overHttp(gw, bare(10_000));
    expect(tokens.errors?.[0]?.message).toBe(`Token limit of ${LIMITS.maxTokens} exceeded.`);
  });

  it("counts the cost with the request's variables (not cached with the document)", async () => {
    // 1 + n × 8, and 1 + n × 44: 5,202 with n = 100.
    const single = `query ($n: Int) { a: callSessions(first: $n) { edges { node { id sessionId state scenario digits caller } } }
      b: callSessions(first: $n) { edges { node { id events { cursor eventType sessionId stateCode } } } } }`;
    expect((await overHttp(gw, single, "viewer", { n: 1 })).errors).toBeUndefined();
    expect((await overHttp(gw, single, "viewer", { n: 100 })).errors?.[0]?.extensions?.code).toBe(
      "COST_LIMIT_EXCEEDED",
    );
    expect((await overHttp(gw, single, "viewer", { n: 1 })).errors).toBeUndefined();
    // A cursor does not change the cost, which is then remembered with the document; a request whose
    // variables cannot be measured (here: none given) leaves nothing remembered for the next one.
    const paged = `query ($after: String!) { a: callSessions(first: 100, after: $after) { edges { node { id sessionId state scenario digits caller } } }
      b: callSessions(first: 100) { edges { node { id events { cursor eventType sessionId stateCode } } } } }`;
    expect((await overHttp(gw, paged, "viewer", {})).errors?.[0]?.extensions?.code).not.toBe(
      "COST_LIMIT_EXCEEDED",
    );
    for (let i = 0; i < 2; i += 1) {
      const after = await overHttp(gw, paged, "viewer", { after: "x" });
      expect(after.status).toBe(400);
      expect(after.errors?.[0]?.extensions?.code).toBe("COST_LIMIT_EXCEEDED");
    }
  });

  it("hides field suggestions in production", async () => {
    const http = await overHttp(gw, "{ bindingz(first: 1) { edges { node { id } } } }");
    expect(http.errors?.[0]?.message).toBe('Cannot query field "bindingz" on type "Query".');
    const overWs = await overWebSocket(ws, "{ callSesions { edges { node { id } } } }");
    expect(overWs).toMatchObject({
      error: [{ message: 'Cannot query field "callSesions" on type "Query".' }],
    });
    expect(JSON.stringify(overWs)).not.toContain("Did you mean");
    // An enum literal (validation) and an enum value inside a variable (execution).
    const literal = await overHttp(gw, "{ bindings(filter: { states: [ACTIV] }) { edges { cursor } } }");
    expect(literal.errors?.[0]?.message).toBe('Value "ACTIV" does not exist in "BindingState" enum.');
    const variable = "query ($s: [BindingState!]) { bindings(filter: { states: $s }) { edges { cursor } } }";
    const overHttpVariable = await overHttp(gw, variable, "viewer", { s: ["ACTIV"] });
    expect(overHttpVariable.errors?.[0]?.message).toMatch(/^Variable "\$s" got invalid value "ACTIV"/);
    const wsVariable = await new Promise<unknown>((resolve) => {
      const results: unknown[] = [];
      ws.subscribe(
        { query: variable, variables: { s: ["ACTIV"] } },
        { next: (r) => results.push(r), error: resolve, complete: () => resolve(results) },
      );
    });
    expect(JSON.stringify(wsVariable)).toContain("got invalid value");
    for (const answer of [literal, overHttpVariable, wsVariable]) {
      expect(JSON.stringify(answer)).not.toContain("Did you mean");
    }
  });

  it("keeps field suggestions outside production", async () => {
    const dev = await startGateway();
    try {
      const { errors } = await dev.gql(
        "{ bindings(filter: { states: [ACTIV] }) { edges { cursor } } }",
        {},
        "viewer",
      );
      expect(errors?.[0]?.message).toContain('Did you mean the enum value "ACTIVE"?');
    } finally {
      await dev.stop();
    }
  });

  it("answers a body over 256 KiB with 413 over HTTP, and closes a socket whose message is over 64 KiB (1009)", async () => {
    const before = await quiet(gw);
    const http = await fetch(gw.gateway.graphqlUrl, {
      method: "POST",
      headers: { "content-type": "application/json", authorization: `Bearer ${TEST_API_KEYS.viewer}` },
      body: JSON.stringify({ query: `{ __typename } # ${"x".repeat(300 * 1024)}` }),
    });
    expect(http.status).toBe(413);

    const raw = new WebSocket(gw.gateway.graphqlUrl.replace(/^http/, "ws"), "graphql-transport-ws");
    const closed = new Promise<number>((resolve) => raw.on("close", (code) => resolve(code)));
    await new Promise((resolve) => raw.on("open", resolve));
    raw.send(
      JSON.stringify({
        type: "connection_init",
        payload: { authorization: `Bearer ${TEST_API_KEYS.viewer}` },
      }),
    );
    await new Promise((resolve) => raw.once("message", resolve));
    raw.send(
      JSON.stringify({
        id: "1",
        type: "subscribe",
        payload: { query: `{ __typename } # ${"x".repeat(70 * 1024)}` },
      }),
    );
    expect(await closed).toBe(1009);
    expect(gw.gateway.databaseQueryCount()).toBe(before);
  });

  it("lets documents just inside every limit run, over HTTP and graphql-ws", async () => {
    const inside = [
      RELAY_DEPTH_12,
      `{ ${Array.from({ length: LIMITS.maxAliases }, (_, i) => `v${i}: virtualNumbers { number }`).join(" ")} }`,
      NEAR_COST,
      withTokens(LIMITS.maxTokens),
      `{ ${"__typename @include(if: true) ".repeat(LIMITS.maxDirectives)} }`,
    ];
    for (const query of inside) {
      const http = await overHttp(gw, query);
      expect(http.errors, query.slice(0, 80)).toBeUndefined();
      expect(http.status).toBe(200);
      const overWs = await overWebSocket(ws, query);
      expect(overWs, query.slice(0, 80)).toMatchObject({ results: [{ data: expect.anything() }] });
    }
    expect(tokenCount(withTokens(LIMITS.maxTokens))).toBe(LIMITS.maxTokens);
    expect((await overHttp(gw, withTokens(LIMITS.maxTokens + 1))).errors?.[0]?.extensions?.code).toBe(
      "TOKEN_LIMIT_EXCEEDED",
    );
    expect(socketCloses).toBe(0);
  });

  it("refuses an introspection bomb to an operator too, and says how deep its lists nest", async () => {
    const three = "{ __schema { types { fields { type { fields { name } } } } } }";
    expect((await overHttp(gw, three, "operator")).errors).toBeUndefined();
    const four = "{ __schema { types { fields { type { fields { type { fields { name } } } } } } } }";
    const http = await overHttp(gw, four, "operator");
    expect(http.status).toBe(400);
    expect(http.errors?.[0]?.message).toBe("Introspection lists nested 4 deep; at most 3 are allowed.");
  });

  it("lets an operator run GraphiQL's introspection query in production", async () => {
    for (const query of [
      getIntrospectionQuery(),
      // What GraphiQL (bundled by @graphql-yoga/render-graphiql) asks, with every option on.
      getIntrospectionQuery({
        descriptions: true,
        specifiedByUrl: true,
        directiveIsRepeatable: true,
        schemaDescription: true,
        inputValueDeprecation: true,
        experimentalDirectiveDeprecation: true,
        oneOf: true,
        typeDepth: 9,
      }),
    ]) {
      const http = await overHttp(gw, query, "operator");
      expect(http.errors).toBeUndefined();
      expect((http.data as { __schema: { types: unknown[] } }).__schema.types.length).toBeGreaterThan(50);
    }
  });

  it("passes every example of the README through the limits", () => {
    const readme = readFileSync(new URL("../README.md", import.meta.url), "utf8");
    const examples = [...readme.matchAll(/```graphql\n([\s\S]*?)```/g)].flatMap(([, block]) =>
      // A block may hold several operations: each is sent alone.
      (block ?? "").split(/\n(?=(?:query|mutation|subscription)\b|\{)/).filter((text) => text.trim()),
    );
    const inline = [...readme.matchAll(/query: "(\{[^"]*\})"/g)].map(([, query]) => query ?? "");
    expect(examples.length).toBeGreaterThanOrEqual(6);
    for (const query of [...examples, ...inline]) {
      const { parse, validate, schema } = gw.gateway.yoga.getEnveloped({
        params: { query, variables: {} },
      } as never);
      const errors = validate(schema, parse(query));
      expect(errors, query).toEqual([]);
    }
  });
});

describe("documents nested deeper than the parser's stack", () => {
  let gw: TestGateway;
  beforeAll(async () => {
    // A token limit so high that only the stack stops a deep document.
    gw = await startGateway({ limits: { ...DEFAULT_LIMITS, graphql: { ...LIMITS, maxTokens: 1_000_000 } } });
  });
  afterAll(async () => {
    await gw?.stop();
  });

  it("answers 400 (never 500) over HTTP and an error message over graphql-ws", async () => {
    for (const query of [bare(1_500), bare(10_000), bare(40_000), nested(1_500), nested(5_000)]) {
      const http = await overHttp(gw, query);
      expect(http.status, query.slice(0, 60)).toBe(400);
      expect(http.errors?.[0]?.extensions?.code).toBe("DEPTH_LIMIT_EXCEEDED");
    }
    const ws = gw.wsClient("viewer");
    const overWs = await overWebSocket(ws, bare(10_000));
    expect(overWs).toMatchObject({ error: [{ extensions: { code: "DEPTH_LIMIT_EXCEEDED" } }] });
  });
});

describe("logs that cannot flood", () => {
  it("write a bounded number of lines and bytes for 1,000 refusals of one kind", async () => {
    const { raw: lines, logger } = captureLog();
    const gw = await startGateway({}, { logger });
    try {
      const startLines = lines.length;
      // 1,000 different documents (Yoga caches the verdict per text), each with 20 KB of comment.
      const padding = `# ${"x".repeat(20_000)}\n`;
      for (let i = 0; i < 1000; i += 1) {
        const { errors } = await gw.gql(`query Q${i} ${padding}${nested(LIMITS.maxDepth + 1)}`, {}, "viewer");
        expect(errors?.[0]?.extensions?.code).toBe("DEPTH_LIMIT_EXCEEDED");
      }
      sampledLog(logger).flush();
      const written = lines.slice(startLines);
      const refusals = written.filter((line) => line.includes('"refused":"DEPTH_LIMIT_EXCEEDED"'));
      expect(refusals).toHaveLength(10);
      for (const line of refusals) expect(line.length).toBeLessThan(2_000);
      const summary = written.filter((line) => line.includes('"suppressed":990'));
      expect(summary).toHaveLength(1);
      expect(written.join("").length).toBeLessThan(30_000);
    } finally {
      await gw.stop();
    }
  });

  it("log a client's broken WebSocket messages at debug through the gateway's logger, never to the console", async () => {
    const { lines, logger } = captureLog("debug");
    const gw = await startGateway({}, { logger });
    const consoleError = vi.spyOn(console, "error").mockImplementation(() => {});
    try {
      const url = gw.gateway.graphqlUrl.replace(/^http/, "ws");
      /** Open a socket, send `message` as a text frame, and resolve with the code the gateway closes it with. */
      const closeCodeAfter = async (message: string | Buffer) => {
        const raw = new WebSocket(url, "graphql-transport-ws");
        const closed = new Promise<number>((resolve) => raw.on("close", (code) => resolve(code)));
        await new Promise((resolve) => raw.on("open", resolve));
        raw.send(message, { binary: false });
        return closed;
      };
      for (let i = 0; i < 20; i += 1) expect(await closeCodeAfter("x".repeat(70 * 1024))).toBe(1009);
      // A text frame that is not UTF-8.
      expect(await closeCodeAfter(Buffer.from([0x7b, 0xff, 0xfe, 0x7d]))).toBe(1007);

      await until(() => gw.gateway.webSocket.openSockets === 0, "every socket closed");
      expect(consoleError).not.toHaveBeenCalled();
      const closedLines = lines.filter((line) => String(line.msg).startsWith("WebSocket closed: "));
      expect(closedLines).toHaveLength(21);
      expect(closedLines.filter((line) => line.code === "WS_ERR_UNSUPPORTED_MESSAGE_LENGTH")).toHaveLength(
        20,
      );
      expect(closedLines[0]).toMatchObject({ level: 20, msg: "WebSocket closed: Max payload size exceeded" });
      expect(closedLines[20]).toMatchObject({ level: 20, code: "WS_ERR_INVALID_UTF8" });

      // The gateway still serves subscriptions.
      const ws = gw.wsClient("viewer");
      expect(await overWebSocket(ws, "{ __typename }")).toEqual({
        results: [{ data: { __typename: "Query" } }],
      });
    } finally {
      consoleError.mockRestore();
      await gw.stop();
    }
  });

  it("write a bounded number of lines and bytes for 1,000 failed requests, each 60 KB, of one kind", async () => {
    const gw = await startGateway();
    const { raw: lines, logger } = captureLog();
    try {
      // A database that fails every statement: each read fails with an unexpected (masked) error.
      const failing = new Proxy(
        {},
        {
          get() {
            throw new Error("database connection lost");
          },
        },
      );
      const yoga = createGatewayYoga({
        services: { ...gw.gateway.services, db: failing as never },
        logger,
        routes: [],
        authentication: testAuthentication(),
        origins: createOriginPolicy([]),
        production: true,
      });
      const padding = `# ${"y".repeat(60_000)}\n`;
      for (let i = 0; i < 1000; i += 1) {
        const response = await yoga.fetch("http://gateway.test/graphql", {
          method: "POST",
          headers: { "content-type": "application/json", authorization: ADMIN_AUTHORIZATION },
          body: JSON.stringify({
            query: `${padding}query Q${i} { bindings(first: 1) { edges { node { id } } } }`,
          }),
        });
        const body = (await response.json()) as { errors?: { message: string }[] };
        expect(body.errors?.[0]?.message).toBe("Unexpected error.");
      }
      sampledLog(logger).flush();
      const failures = lines.filter((line) => line.includes('"msg":"request failed"'));
      expect(failures).toHaveLength(10);
      // Each names the failure, with at most 1 KB of its query.
      const first = JSON.parse(failures[0]!) as { error: { query: string; cause: { message: string } } };
      expect(first.error.cause.message).toBe("database connection lost");
      expect(first.error.query.length).toBeLessThanOrEqual(1024);
      expect(lines.filter((line) => line.includes('"suppressed":990'))).toHaveLength(1);
      expect(lines.join("").length).toBeLessThan(60_000);
    } finally {
      await gw.stop();
    }
  });
});
