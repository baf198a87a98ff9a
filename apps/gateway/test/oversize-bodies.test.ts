import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { OTHER_PATHS_MAX_BODY_BYTES } from "../src/http/body-policy.js";
import { MAX_GRAPHQL_BODY_BYTES } from "../src/http/request-size-limit.js";
import { DEFAULT_DISCARD_BYTES } from "../src/http/unread-body.js";
import { MAX_NOTIFY_BODY_BYTES } from "../src/ingest/notify-handler.js";
import { TEST_API_KEYS } from "../src/shared/config.js";
import { startGateway, type TestGateway } from "./support/gateway.js";
import { signedHeaders } from "./support/notifications.js";
import { type RawExchange, rawExchange } from "./support/raw-http.js";

const MiB = 1024 * 1024;

/** A whole 413 answer, after which the server closed the connection without a reset. */
function expectCleanRefusal(exchange: RawExchange, status = 413): void {
  expect(exchange.error).toBeUndefined();
  expect(exchange.status).toBe(status);
  expect(exchange.complete).toBe(true);
  expect(exchange.headers.connection).toBe("close");
}

describe("oversize bodies: 413 on every path, the answer sent whole, the rest discarded, then the connection closed", () => {
  let gw: TestGateway;
  beforeAll(async () => {
    gw = await startGateway();
  });
  afterAll(async () => {
    await gw?.stop();
  });
  const url = () => gw.gateway.url;
  const rejectedRows = () =>
    gw.gateway.services.db
      .selectFrom("received_notifications")
      .selectAll()
      .where("http_status", "=", 413)
      .orderBy("id")
      .execute();

  it("/notify, declared 5 MiB and streamed: 413 in the platform's envelope before any handler, no reset, nothing kept", async () => {
    const exchange = await rawExchange({
      url: url(),
      path: "/notify",
      headers: signedHeaders(),
      bodyBytes: 5 * MiB,
    });
    expectCleanRefusal(exchange);
    expect(JSON.parse(exchange.body)).toEqual({
      resultcode: "1010002",
      resultdesc: `Invalid request. The body exceeds ${MAX_NOTIFY_BODY_BYTES} bytes.`,
    });
    // The whole body went out: it was read and thrown away, not refused with a reset.
    expect(exchange.sent).toBe(5 * MiB);
    expect(await rejectedRows()).toEqual([]);
  });

  it("/notify, 5 MiB chunked: the handler refuses it past 1 MiB, keeps its metadata only, and the rest is discarded", async () => {
    const exchange = await rawExchange({
      url: url(),
      path: "/notify/fees",
      headers: signedHeaders(),
      bodyBytes: 5 * MiB,
      declare: "chunked",
    });
    expectCleanRefusal(exchange);
    expect(JSON.parse(exchange.body)).toMatchObject({ resultcode: "1010002" });
    expect(exchange.sent).toBe(5 * MiB);
    const rows = await rejectedRows();
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({
      path: "/notify/fees",
      verdict: "rejected",
      body: null,
      source_address: "127.0.0.1",
      header_names: expect.arrayContaining(["transfer-encoding", "x-aksk"]),
    });
    expect(rows[0]!.body_size).toBeGreaterThan(MAX_NOTIFY_BODY_BYTES);
    expect(rows[0]!.body_size).toBeLessThan(2 * MAX_NOTIFY_BODY_BYTES);
  });

  it("/graphql, declared 5 MiB: 413 with a GraphQL error, with or without credentials", async () => {
    const credentials: Record<string, string>[] = [{}, { authorization: `Bearer ${TEST_API_KEYS.viewer}` }];
    for (const headers of credentials) {
      const exchange = await rawExchange({ url: url(), path: "/graphql", headers, bodyBytes: 5 * MiB });
      expectCleanRefusal(exchange);
      expect(JSON.parse(exchange.body)).toEqual({
        errors: [
          {
            message: `Request body exceeds ${MAX_GRAPHQL_BODY_BYTES} bytes.`,
            extensions: { code: "REQUEST_ENTITY_TOO_LARGE" },
          },
        ],
      });
      expect(exchange.sent).toBe(5 * MiB);
    }
  });

  it("/graphql, 5 MiB chunked: 413 once past 256 KiB, the rest discarded", async () => {
    const exchange = await rawExchange({
      url: url(),
      path: "/graphql",
      headers: { authorization: `Bearer ${TEST_API_KEYS.viewer}` },
      bodyBytes: 5 * MiB,
      declare: "chunked",
    });
    expectCleanRefusal(exchange);
    expect(JSON.parse(exchange.body).errors[0].message).toBe(
      `Request body exceeds ${MAX_GRAPHQL_BODY_BYTES} bytes.`,
    );
    expect(exchange.sent).toBe(5 * MiB);
  });

  it("any other path, declared or chunked: 413 past 64 KiB", async () => {
    for (const declare of [5 * MiB, "chunked"] as const) {
      const exchange = await rawExchange({ url: url(), path: "/elsewhere", bodyBytes: 5 * MiB, declare });
      expectCleanRefusal(exchange);
      expect(JSON.parse(exchange.body).errors[0].message).toBe(
        `Request body exceeds ${OTHER_PATHS_MAX_BODY_BYTES} bytes.`,
      );
      expect(exchange.sent).toBe(5 * MiB);
    }
  });

  it("a body far beyond the discard bound is cut after the answer was sent whole", async () => {
    const bodyBytes = 16 * DEFAULT_DISCARD_BYTES;
    for (const declare of [bodyBytes, "chunked"] as const) {
      const exchange = await rawExchange({
        url: url(),
        path: "/notify",
        headers: signedHeaders(),
        bodyBytes,
        declare,
      });
      expect(exchange.status).toBe(413);
      expect(exchange.complete).toBe(true);
      expect(exchange.headers.connection).toBe("close");
      expect(exchange.sent).toBeLessThan(bodyBytes);
    }
  });

  it("a body within the limits is served and the connection kept alive", async () => {
    const exchange = await rawExchange({
      url: url(),
      path: "/graphql",
      headers: { authorization: `Bearer ${TEST_API_KEYS.viewer}`, connection: "close" },
      bodyBytes: 0,
      declare: 0,
    });
    // An empty GraphQL request: answered (400, no query) and not refused for its size.
    expect(exchange.error).toBeUndefined();
    expect(exchange.status).toBe(400);
    expect(exchange.complete).toBe(true);
  });
});
