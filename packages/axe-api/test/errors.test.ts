import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { createAxeApiError } from "../src/errors.js";
import {
  AXE_ERROR_CATEGORIES,
  AxeAuthenticationError,
  AxeFlowControlError,
  AxeInvalidRequestError,
  AxeNetworkError,
  AxeNoResourcesError,
  AxeNotFoundError,
  AxePlatformError,
  AxeTimeoutError,
} from "../src/index.js";
import { A1, A2, type Harness, platformCalls, rejectionOf, startHarness, X1 } from "./support/harness.js";

let h: Harness | undefined;
const servers: Server[] = [];
afterEach(async () => {
  await h?.stop();
  h = undefined;
  await Promise.all(servers.splice(0).map((s) => new Promise((resolve) => s.close(resolve))));
});

async function listen(server: Server): Promise<string> {
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

describe("authentication failures are never retried", () => {
  it("a wrong secret is HTTP 401 1010010: authentication, one request only", async () => {
    h = await startHarness();
    const error = await rejectionOf(
      h.client({ appSecret: "wrong-secret" }).getBinding({ subscriptionId: "s" }),
    );
    expect(error).toBeInstanceOf(AxeAuthenticationError);
    expect(error).toMatchObject({
      category: "authentication",
      resultcode: "1010010",
      httpStatus: 401,
      retryable: false,
    });
    expect(platformCalls(h.requests)).toHaveLength(1);
  });

  it("a bind with a wrong secret is refused once, not repeated", async () => {
    h = await startHarness();
    const error = await rejectionOf(
      h
        .client({ appSecret: "wrong-secret" })
        .createBinding({ bindNum: A1, virtualNum: X1, extendNum: "0001" }),
    );
    expect(error).toBeInstanceOf(AxeAuthenticationError);
    expect(platformCalls(h.requests)).toEqual(["POST /rest/caas/extendnumber/v1.0"]);
  });

  it("a clock too far off is HTTP 401 1010013: authentication, one request only", async () => {
    h = await startHarness();
    const hourAgo = () => new Date(Date.now() - 3_600_000);
    const error = await rejectionOf(h.client({ now: hourAgo }).getBinding({ subscriptionId: "s" }));
    expect(error).toMatchObject({ category: "authentication", resultcode: "1010013", httpStatus: 401 });
    expect(platformCalls(h.requests)).toHaveLength(1);
  });

  it("an unknown app_key is authentication (1010003)", async () => {
    h = await startHarness();
    const error = await rejectionOf(h.client({ appKey: "nobody" }).getBinding({ subscriptionId: "s" }));
    expect(error).toMatchObject({ category: "authentication", resultcode: "1010003", retryable: false });
    expect(platformCalls(h.requests)).toHaveLength(1);
  });

  it("the IP lock-out (1020176) is authentication and is not retried", async () => {
    h = await startHarness({ lockout: { threshold: 2, durationSeconds: 1800 } });
    const bad = h.client({ appSecret: "wrong-secret" });
    await rejectionOf(bad.getBinding({ subscriptionId: "s" }));
    await rejectionOf(bad.getBinding({ subscriptionId: "s" }));
    const before = platformCalls(h.requests).length;
    const error = await rejectionOf(h.client().getBinding({ subscriptionId: "s" }));
    expect(error).toBeInstanceOf(AxeAuthenticationError);
    expect(error).toMatchObject({ resultcode: "1020176", retryable: false });
    expect(platformCalls(h.requests).length - before).toBe(1);
  });
});

describe("error categories", () => {
  it("a parameter the platform refuses is invalid-request (1010002), not retried", async () => {
    h = await startHarness();
    // Valid for the client (1–4 digits), wrong for this app's 4-digit extensions.
    const error = await rejectionOf(
      h.client().createBinding({ bindNum: A1, virtualNum: X1, extendNum: "12" }),
    );
    expect(error).toBeInstanceOf(AxeInvalidRequestError);
    expect(error).toMatchObject({ resultcode: "1010002", httpStatus: 403, retryable: false });
    expect(platformCalls(h.requests)).toHaveLength(1);
  });

  it("an X that is not the app's is invalid-request", async () => {
    h = await startHarness();
    const error = await rejectionOf(h.client().createBinding({ bindNum: A1, virtualNum: "+8617099999999" }));
    expect(error).toBeInstanceOf(AxeInvalidRequestError);
  });

  it("an unknown binding is not-found (1012007)", async () => {
    h = await startHarness();
    const client = h.client();
    await expect(client.getBinding({ virtualNum: X1, extendNum: "0009" })).rejects.toBeInstanceOf(
      AxeNotFoundError,
    );
    await expect(client.deleteBinding({ subscriptionId: "nope" })).rejects.toBeInstanceOf(AxeNotFoundError);
    await expect(client.updateBinding({ subscriptionId: "nope" }, { userData: "x" })).rejects.toMatchObject({
      category: "not-found",
      resultcode: "1012007",
    });
  });

  it("a taken extension (1020167) and a second extension for the same A (1013102) are no-resources", async () => {
    h = await startHarness();
    const client = h.client();
    await client.createBinding({ bindNum: A1, virtualNum: X1, extendNum: "0001" });
    const taken = await rejectionOf(client.createBinding({ bindNum: A2, virtualNum: X1, extendNum: "0001" }));
    expect(taken).toBeInstanceOf(AxeNoResourcesError);
    expect(taken).toMatchObject({ resultcode: "1020167", retryable: false });
    const again = await rejectionOf(client.createBinding({ bindNum: A1, virtualNum: X1 }));
    expect(again).toMatchObject({ category: "no-resources", resultcode: "1013102" });
  });

  it("persistent flow control (403 1010010) is flow-control after the allowed attempts", async () => {
    h = await startHarness({ faults: { api: { flowControl: 1 } } });
    const error = await rejectionOf(
      h.client({ retry: { maxAttempts: 3 } }).getBinding({ subscriptionId: "s" }),
    );
    expect(error).toBeInstanceOf(AxeFlowControlError);
    expect(error).toMatchObject({ resultcode: "1010010", httpStatus: 403, retryable: true, attempts: 3 });
    expect(platformCalls(h.requests)).toHaveLength(3);
  });

  it("flow control that does not fit the time budget is thrown at once", async () => {
    h = await startHarness({ faults: { api: { flowControl: 1 } } });
    const client = h.client({ retry: { flowControlDelayMs: 60_000, maxElapsedMs: 5_000 } });
    const error = await rejectionOf(client.getBinding({ subscriptionId: "s" }));
    expect(error).toMatchObject({ category: "flow-control", attempts: 1 });
    expect(platformCalls(h.requests)).toHaveLength(1);
  });

  it("persistent 500s are platform errors after the allowed attempts", async () => {
    h = await startHarness({ faults: { api: { error500: 1 } } });
    const error = await rejectionOf(
      h.client({ retry: { maxAttempts: 2 } }).getBinding({ subscriptionId: "s" }),
    );
    expect(error).toBeInstanceOf(AxePlatformError);
    expect(error).toMatchObject({ resultcode: "1010001", httpStatus: 500, retryable: true, attempts: 2 });
    expect(platformCalls(h.requests)).toHaveLength(2);
  });

  it("no answer within timeoutMs is a timeout", async () => {
    h = await startHarness({ faults: { api: { hang: 1, hangMs: 5_000 } } });
    const error = await rejectionOf(
      h.client({ timeoutMs: 100, retry: false }).getBinding({ subscriptionId: "s" }),
    );
    expect(error).toBeInstanceOf(AxeTimeoutError);
    expect(error).toMatchObject({ category: "timeout", retryable: true, attempts: 1 });
    expect((error as AxeTimeoutError).httpStatus).toBeUndefined();
  });

  it("a refused connection is a network error, retried (even for a bind, which never reached the platform)", async () => {
    const closed = createServer();
    const url = await listen(closed);
    await new Promise((resolve) => closed.close(resolve));
    servers.splice(servers.indexOf(closed), 1);
    h = await startHarness();
    let retries = 0;
    const client = h.client({ baseUrl: url, retry: { maxAttempts: 2 }, hooks: { onRetry: () => retries++ } });
    const error = await rejectionOf(client.createBinding({ bindNum: A1, virtualNum: X1 }));
    expect(error).toBeInstanceOf(AxeNetworkError);
    expect(error).toMatchObject({ category: "network", retryable: true, attempts: 2 });
    expect((error as Error).message).toContain("ECONNREFUSED");
    expect(retries).toBe(1);
  });

  it("a connection reset mid-request is a network error", async () => {
    const url = await listen(createServer((req) => req.socket.destroy()));
    h = await startHarness();
    const error = await rejectionOf(
      h.client({ baseUrl: url, retry: false }).getBinding({ subscriptionId: "s" }),
    );
    expect(error).toBeInstanceOf(AxeNetworkError);
  });

  it("an answer that is not a platform envelope is a platform error", async () => {
    const url = await listen(
      createServer((_req, res) => res.writeHead(200, { "content-type": "text/html" }).end("<h1>hi</h1>")),
    );
    h = await startHarness();
    const error = await rejectionOf(
      h.client({ baseUrl: url, retry: false }).getBinding({ subscriptionId: "s" }),
    );
    expect(error).toBeInstanceOf(AxePlatformError);
    expect(error).toMatchObject({ httpStatus: 200 });
  });

  it("a wrong path (HTTP 404 without envelope) is invalid-request, not not-found", async () => {
    h = await startHarness();
    const error = await rejectionOf(
      h.client({ baseUrl: `${h.sim.url}/wrong-prefix` }).getBinding({ subscriptionId: "s" }),
    );
    expect(error).toMatchObject({ category: "invalid-request", httpStatus: 404, retryable: false });
  });
});

describe("answers the simulator does not produce", () => {
  it("a missing X-AKSK header (400 1023033) is authentication and sent once", async () => {
    h = await startHarness();
    const client = h.client({
      fetch: (input, init) => {
        const headers = new Headers(init?.headers);
        headers.delete("x-aksk");
        return fetch(input, { ...init, headers });
      },
    });
    const error = await rejectionOf(client.getBinding({ subscriptionId: "s" }));
    expect(error).toBeInstanceOf(AxeAuthenticationError);
    expect(error).toMatchObject({ resultcode: "1023033", httpStatus: 400, retryable: false });
    expect(platformCalls(h.requests)).toHaveLength(1);
  });

  it("500 1023002 'Response timeout.' is repeated for a lookup", async () => {
    let calls = 0;
    const url = await listen(
      createServer((_req, res) => {
        calls++;
        const body =
          calls === 1
            ? { resultcode: "1023002", resultdesc: "Response timeout." }
            : {
                resultcode: "0",
                resultdesc: "Success",
                subscriptionId: "s",
                virtualNum: X1,
                extendNum: "0001",
                bindNum: A1,
              };
        res
          .writeHead(calls === 1 ? 500 : 200, { "content-type": "application/json" })
          .end(JSON.stringify(body));
      }),
    );
    h = await startHarness();
    const binding = await h.client({ baseUrl: url }).getBinding({ subscriptionId: "s" });
    expect(binding.bindNum).toBe(A1);
    expect(calls).toBe(2);
  });

  it("HTTP 401 with 1010010 is an invalid digest, HTTP 403 with 1010010 is flow control", async () => {
    const statuses = [401, 403];
    const url = await listen(
      createServer((_req, res) =>
        res
          .writeHead(statuses.shift() ?? 500, { "content-type": "application/json" })
          .end('{"resultcode":"1010010","resultdesc":"x"}'),
      ),
    );
    h = await startHarness();
    const client = h.client({ baseUrl: url, retry: false });
    await expect(client.getBinding({ subscriptionId: "s" })).rejects.toBeInstanceOf(AxeAuthenticationError);
    await expect(client.getBinding({ subscriptionId: "s" })).rejects.toBeInstanceOf(AxeFlowControlError);
  });

  it("an answer declaring an oversized length is refused before it is read", async () => {
    const body = `{"resultcode":"0","pad":"${"x".repeat(2 * 1024 * 1024)}"}`;
    const url = await listen(
      createServer((_req, res) => {
        res.writeHead(200, { "content-type": "application/json", "content-length": Buffer.byteLength(body) });
        res.end(body);
      }),
    );
    h = await startHarness();
    const error = await rejectionOf(
      h.client({ baseUrl: url, retry: false }).getBinding({ subscriptionId: "s" }),
    );
    expect(error).toBeInstanceOf(AxePlatformError);
    expect((error as Error).message).toMatch(/answer of \d+ bytes exceeds 1048576/);
  });

  it("an oversized answer without a declared length is cut off while streaming", async () => {
    const url = await listen(
      createServer((_req, res) => {
        // Chunked: no content-length, so the client must count as it reads.
        res.writeHead(200, { "content-type": "application/json" });
        res.end(`{"resultcode":"0","pad":"${"x".repeat(2 * 1024 * 1024)}"}`);
      }),
    );
    h = await startHarness();
    const error = await rejectionOf(
      h.client({ baseUrl: url, retry: false }).getBinding({ subscriptionId: "s" }),
    );
    expect(error).toBeInstanceOf(AxePlatformError);
    expect((error as Error).message).toMatch(/answer exceeds 1048576 bytes/);
  });
});

describe("AXE_ERROR_CATEGORIES", () => {
  it("is frozen and builds, for each category, the subclass of that category", () => {
    expect(Object.isFrozen(AXE_ERROR_CATEGORIES)).toBe(true);
    const classes = AXE_ERROR_CATEGORIES.map(
      (category) =>
        createAxeApiError({ category, message: "m", retryable: false, requestId: "r" }).constructor,
    );
    expect(classes).toEqual([
      AxeAuthenticationError,
      AxeInvalidRequestError,
      AxeNotFoundError,
      AxeNoResourcesError,
      AxeFlowControlError,
      AxePlatformError,
      AxeTimeoutError,
      AxeNetworkError,
    ]);
  });
});
