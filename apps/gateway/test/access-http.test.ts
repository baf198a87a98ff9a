import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { Writable } from "node:stream";
import { generateKeyPair, SignJWT } from "jose";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import WebSocket from "ws";
import { TEST_API_KEYS, testConfig } from "../src/shared/config.js";
import { createLogger } from "../src/shared/logger.js";
import { startGateway, type TestGateway, until } from "./support/gateway.js";

// Browsers and credentials: CORS, the WebSocket upgrade's Origin, CSRF, and JWTs on both transports.

const X = "+8617000000001";
const ALLOWED_ORIGIN = "https://console.example.com";
const EVIL_ORIGIN = "https://evil.example";
const OPERATOR = `Bearer ${TEST_API_KEYS.operator}`;
const CREATE = `mutation { createBinding(input: { bindNum: "+8613800000777", virtualNum: "${X}" }) { __typename } }`;

/** Opens a raw WebSocket with `headers`; resolves with the upgrade's HTTP status, or 101 once it opened. */
function upgradeStatus(url: string, headers: Record<string, string>): Promise<number> {
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(url, "graphql-transport-ws", { headers });
    socket.on("open", () => {
      socket.close();
      resolve(101);
    });
    socket.on("unexpected-response", (_request, response) => resolve(response.statusCode ?? 0));
    socket.on("error", (error) => reject(error));
  });
}

describe("browsers", () => {
  let gw: TestGateway;
  beforeAll(async () => {
    gw = await startGateway({ auth: { ...testConfig().auth, corsOrigins: [ALLOWED_ORIGIN] } });
  });
  afterAll(async () => {
    await gw?.stop();
  });

  const bindingsOnPlatform = () => gw.gateway.simulator!.state().bindings.length;

  it("answers a preflight from an unlisted origin without any CORS grant", async () => {
    const response = await fetch(gw.gateway.graphqlUrl, {
      method: "OPTIONS",
      headers: {
        origin: EVIL_ORIGIN,
        "access-control-request-method": "POST",
        "access-control-request-headers": "authorization, content-type",
      },
    });
    expect(response.headers.get("access-control-allow-origin")).toBeNull();
    expect(response.headers.get("access-control-allow-credentials")).toBeNull();
    expect(response.headers.get("access-control-allow-headers")).toBeNull();
  });

  it("grants a listed origin, naming it and no other, without credentials mode", async () => {
    const preflight = await fetch(gw.gateway.graphqlUrl, {
      method: "OPTIONS",
      headers: { origin: ALLOWED_ORIGIN, "access-control-request-method": "POST" },
    });
    expect(preflight.headers.get("access-control-allow-origin")).toBe(ALLOWED_ORIGIN);
    expect(preflight.headers.get("access-control-allow-headers")).toContain("authorization");
    expect(preflight.headers.get("access-control-allow-credentials")).toBeNull();
    const post = await fetch(gw.gateway.graphqlUrl, {
      method: "POST",
      headers: { origin: ALLOWED_ORIGIN, "content-type": "application/json", authorization: OPERATOR },
      body: JSON.stringify({ query: "{ virtualNumbers { number } }" }),
    });
    expect(post.status).toBe(200);
    expect(post.headers.get("access-control-allow-origin")).toBe(ALLOWED_ORIGIN);
    const evil = await fetch(gw.gateway.graphqlUrl, {
      method: "POST",
      headers: { origin: EVIL_ORIGIN, "content-type": "application/json", authorization: OPERATOR },
      body: JSON.stringify({ query: "{ virtualNumbers { number } }" }),
    });
    expect(evil.headers.get("access-control-allow-origin")).toBeNull();
  });

  it("refuses the WebSocket upgrade of an unlisted origin, and takes its own pages, listed ones and non-browsers", async () => {
    const url = gw.gateway.graphqlUrl.replace(/^http/, "ws");
    expect(await upgradeStatus(url, { origin: EVIL_ORIGIN })).toBe(403);
    expect(await upgradeStatus(url, { origin: ALLOWED_ORIGIN })).toBe(101);
    expect(await upgradeStatus(url, { origin: gw.gateway.url })).toBe(101);
    expect(await upgradeStatus(url, {})).toBe(101);
  });

  it("never runs a form post (urlencoded, multipart, text/plain, no type), even with credentials", async () => {
    const before = bindingsOnPlatform();
    const urlencoded = new URLSearchParams({ query: CREATE });
    const multipart = new FormData();
    multipart.set("query", CREATE);
    const bodies: [string | undefined, BodyInit][] = [
      ["application/x-www-form-urlencoded", urlencoded.toString()],
      [undefined, multipart],
      ["text/plain", JSON.stringify({ query: CREATE })],
      ["text/plain;charset=UTF-8", JSON.stringify({ query: CREATE })],
    ];
    for (const [contentType, body] of bodies) {
      for (const authorization of [undefined, OPERATOR]) {
        const response = await fetch(gw.gateway.graphqlUrl, {
          method: "POST",
          headers: {
            origin: EVIL_ORIGIN,
            ...(contentType ? { "content-type": contentType } : {}),
            ...(authorization ? { authorization } : {}),
          },
          body,
        });
        expect(
          response.status,
          `${contentType ?? "multipart"} ${authorization ? "with" : "without"} a key`,
        ).toBe(415);
        expect(await response.text()).toMatch(/application\/json/);
      }
    }
    const bare = await fetch(gw.gateway.graphqlUrl, {
      method: "POST",
      headers: { authorization: OPERATOR },
      body: "",
    });
    expect(bare.status).toBe(415);
    expect(bindingsOnPlatform()).toBe(before);
  });

  it("never runs a mutation sent with GET", async () => {
    const before = bindingsOnPlatform();
    const response = await fetch(`${gw.gateway.graphqlUrl}?query=${encodeURIComponent(CREATE)}`, {
      headers: { authorization: OPERATOR, accept: "application/json" },
    });
    expect(response.status).toBe(405);
    expect(bindingsOnPlatform()).toBe(before);
    // A query may use GET.
    const query = await fetch(
      `${gw.gateway.graphqlUrl}?query=${encodeURIComponent("{ virtualNumbers { number } }")}`,
      {
        headers: { authorization: OPERATOR, accept: "application/json" },
      },
    );
    expect(query.status).toBe(200);
  });

  it("answers a request without credentials 401 before reading its document, schema hints included", async () => {
    const response = await fetch(gw.gateway.graphqlUrl, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ query: "{ bindingz { id } }" }),
    });
    expect(response.status).toBe(401);
    expect(response.headers.get("www-authenticate")).toBe('Bearer realm="privnum"');
    const body = await response.text();
    expect(body).toMatch(/UNAUTHENTICATED/);
    expect(body).not.toMatch(/bindings|Did you mean/);
    const wrongKey = await fetch(gw.gateway.graphqlUrl, {
      method: "POST",
      headers: { "content-type": "application/json", authorization: `Bearer ${"x".repeat(32)}` },
      body: JSON.stringify({ query: "{ virtualNumbers { number } }" }),
    });
    expect(wrongKey.status).toBe(401);
  });

  it("serves GraphiQL and the health check without credentials, and no key in GraphiQL without development keys", async () => {
    const page = await fetch(gw.gateway.graphqlUrl, { headers: { accept: "text/html" } });
    expect(page.status).toBe(200);
    const html = await page.text();
    expect(html).toContain("privnum gateway");
    for (const key of Object.values(TEST_API_KEYS)) expect(html).not.toContain(key);
    expect((await fetch(`${gw.gateway.url}/health`)).status).toBe(200);
  });
});

describe("JWTs", () => {
  const secret = "a-secret-of-at-least-thirty-two-chars!";
  let gw: TestGateway;
  beforeAll(async () => {
    gw = await startGateway({
      auth: {
        apiKeys: [],
        jwt: { secret, issuer: "https://id.test", roleClaim: "role" },
        devKeys: false,
        corsOrigins: [],
      },
    });
  });
  afterAll(async () => {
    await gw?.stop();
  });

  const token = (claims: Record<string, unknown>, expiresAt: number) =>
    new SignJWT(claims)
      .setProtectedHeader({ alg: "HS256" })
      .setIssuer("https://id.test")
      .setSubject("alice@example.com")
      .setExpirationTime(Math.floor(expiresAt / 1000))
      .sign(new TextEncoder().encode(secret));

  it("takes a JWT's role over HTTP", async () => {
    const viewer = await token({ role: "viewer" }, Date.now() + 60_000);
    const read = await gw.gql("{ virtualNumbers { number } }", {}, { authorization: `Bearer ${viewer}` });
    expect(read.errors).toBeUndefined();
    const write = await gw.gql(CREATE, {}, { authorization: `Bearer ${viewer}` });
    expect(write.errors?.[0]?.extensions?.code).toBe("FORBIDDEN");
    const expired = await gw.gql(
      "{ virtualNumbers { number } }",
      {},
      { authorization: `Bearer ${await token({ role: "admin" }, Date.now() - 1000)}` },
    );
    expect(expired.errors?.[0]).toMatchObject({ extensions: { code: "UNAUTHENTICATED" } });
    // API keys are not configured here: a key is refused, not mistaken for anything.
    const key = await gw.gql("{ virtualNumbers { number } }", {}, "admin");
    expect(key.errors?.[0]?.extensions?.code).toBe("UNAUTHENTICATED");
  });

  it("ends a subscription over HTTP (server-sent events) when its JWT expires, saying why", async () => {
    const soon = await token({ role: "viewer" }, Date.now() + 2_000);
    const response = await fetch(gw.gateway.graphqlUrl, {
      method: "POST",
      headers: {
        "content-type": "application/json",
        accept: "text/event-stream",
        authorization: `Bearer ${soon}`,
      },
      body: JSON.stringify({ query: "subscription { bindingChanges { kind } }" }),
    });
    expect(response.status).toBe(200);
    // The stream ends by itself: read it to its end.
    const text = await response.text();
    const events = [...text.matchAll(/^data: (.+)$/gm)].map(
      (m) => JSON.parse(m[1]!) as { errors?: unknown[] },
    );
    expect(events.at(-1)?.errors).toEqual([
      expect.objectContaining({
        message: expect.stringMatching(/expired/),
        extensions: { code: "UNAUTHENTICATED" },
      }),
    ]);
    await until(() => gw.gateway.services.changes.listenerCount() === 0, "the subscription to let go");
  });

  it("closes a socket with 4403 when its JWT expires, and refuses an expired one at connection_init", async () => {
    const url = gw.gateway.graphqlUrl.replace(/^http/, "ws");
    // A raw socket speaking graphql-ws: connection_init with the JWT, then wait for the close.
    const closedWith = (authorization: string) =>
      new Promise<{ code: number; reason: string; opened: boolean }>((resolve, reject) => {
        let opened = false;
        const socket = new WebSocket(url, "graphql-transport-ws");
        socket.on("open", () =>
          socket.send(JSON.stringify({ type: "connection_init", payload: { authorization } })),
        );
        socket.on("message", (data) => {
          if (JSON.parse(String(data)).type === "connection_ack") opened = true;
        });
        socket.on("close", (code, reason) => resolve({ code, reason: reason.toString(), opened }));
        socket.on("error", reject);
      });
    const soon = await token({ role: "operator" }, Date.now() + 2_000);
    const closed = await closedWith(`Bearer ${soon}`);
    expect(closed).toMatchObject({ code: 4403, opened: true });
    expect(closed.reason).toMatch(/expired/);
    const late = await closedWith(`Bearer ${await token({ role: "operator" }, Date.now() - 1_000)}`);
    expect(late).toMatchObject({ code: 4403, opened: false });
    expect(late.reason).toMatch(/expired/);
  });
});

describe("introspection", () => {
  const INTROSPECT = "{ __schema { queryType { name } } }";
  for (const production of [false, true]) {
    it(`is ${production ? "refused to viewers only" : "open to every role"} ${production ? "in" : "outside"} production`, async () => {
      const gw = await startGateway({ production });
      try {
        const viewer = await gw.gql(INTROSPECT, {}, "viewer");
        if (production) {
          expect(viewer.errors).toEqual([expect.objectContaining({ extensions: { code: "FORBIDDEN" } })]);
          expect(viewer.data).toBeUndefined();
          // __typename is not introspection of the schema.
          expect((await gw.gql("{ __typename }", {}, "viewer")).data).toEqual({ __typename: "Query" });
        } else {
          expect(viewer.data).toEqual({ __schema: { queryType: { name: "Query" } } });
        }
        const operator = await gw.gql(
          `query { ...on Query { __type(name: "Binding") { name } } }`,
          {},
          "operator",
        );
        expect(operator.data).toEqual({ __type: { name: "Binding" } });
      } finally {
        await gw.stop();
      }
    });
  }
});

describe("GraphiQL with development keys", () => {
  it("opens on a loopback host with the operator's development key for queries and subscriptions, and no other key", async () => {
    const gw = await startGateway({ auth: { ...testConfig().auth, devKeys: true } });
    try {
      const keys = gw.gateway.devKeys!;
      const html = await (await fetch(gw.gateway.graphqlUrl, { headers: { accept: "text/html" } })).text();
      expect(html).toContain(`"additionalHeaders":{"authorization":"Bearer ${keys.operator}"}`);
      expect(html).toContain(`"connectionParams":{"authorization":"Bearer ${keys.operator}"}`);
      expect(html).not.toContain(keys.viewer);
      expect(html).not.toContain(keys.admin);
      // The development keys work beside the configured ones.
      const asViewer = await gw.gql(
        "{ virtualNumbers { number } }",
        {},
        { authorization: `Bearer ${keys.viewer}` },
      );
      expect(asViewer.errors).toBeUndefined();
    } finally {
      await gw.stop();
    }
  });
});

describe("a JWKS the gateway cannot reach", () => {
  it("refuses the JWT with 401 and warns the operator, naming no token", async () => {
    const lines: Record<string, unknown>[] = [];
    const destination = new Writable({
      write(chunk, _encoding, done) {
        for (const line of String(chunk).split("\n").filter(Boolean)) lines.push(JSON.parse(line));
        done();
      },
    });
    // A port that was free a moment ago: nothing answers there.
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, "127.0.0.1", resolve));
    const { port } = closed.address() as AddressInfo;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    const gw = await startGateway(
      {
        auth: {
          apiKeys: [],
          jwt: { jwksUrl: `http://127.0.0.1:${port}/jwks.json`, roleClaim: "role" },
          devKeys: false,
          corsOrigins: [],
        },
      },
      { logger: createLogger({ level: "info", destination }) },
    );
    try {
      const { privateKey } = await generateKeyPair("ES256");
      const jwt = await new SignJWT({ role: "admin" })
        .setProtectedHeader({ alg: "ES256", kid: "k1" })
        .setExpirationTime("1h")
        .sign(privateKey);
      const result = await gw.gql("{ virtualNumbers { number } }", {}, { authorization: `Bearer ${jwt}` });
      expect(result.errors).toEqual([
        expect.objectContaining({
          message: "The JWT could not be checked: the gateway could not fetch its key set.",
          extensions: { code: "UNAUTHENTICATED" },
        }),
      ]);
      expect(lines).toContainEqual(expect.objectContaining({ level: 40, reason: "invalid-token" }));
      expect(JSON.stringify(lines)).not.toContain(jwt);
    } finally {
      await gw.stop();
    }
  });
});
