import { createServer, request as httpRequest, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import type { Scheme } from "@privnum/wsse-auth";
import { afterEach, describe, expect, it } from "vitest";
import { AxeAuthenticationError } from "../src/index.js";
import {
  A1,
  APP_KEY,
  APP_SECRET,
  type Harness,
  platformCalls,
  rejectionOf,
  startHarness,
  X1,
} from "./support/harness.js";

let h: Harness | undefined;
let proxy: Server | undefined;
afterEach(async () => {
  await new Promise((resolve) => (proxy ? proxy.close(resolve) : resolve(undefined)));
  proxy = undefined;
  await h?.stop();
  h = undefined;
});

describe("signing schemes", () => {
  it.each<Scheme>(["aksk", "wsse-hex", "wsse-raw"])(
    "works end to end with an app that accepts only %s",
    async (scheme) => {
      h = await startHarness({
        apps: [{ appKey: APP_KEY, appSecret: APP_SECRET, schemes: [scheme], virtualNumbers: [X1] }],
      });
      const seen: string[] = [];
      const client = h.client({
        scheme,
        fetch: (input, init) => {
          seen.push(new Headers(init?.headers).get("authorization") ?? "");
          return fetch(input, init);
        },
      });
      const created = await client.createBinding({ bindNum: A1, virtualNum: X1, extendNum: "0001" });
      expect((await client.getBinding({ subscriptionId: created.subscriptionId })).bindNum).toBe(A1);
      await client.deleteBinding({ subscriptionId: created.subscriptionId });
      expect(seen[0]).toMatch(scheme === "aksk" ? /^AKSK / : /^WSSE /);
    },
  );

  it("a scheme the app does not accept is an authentication failure, sent once", async () => {
    h = await startHarness({
      apps: [{ appKey: APP_KEY, appSecret: APP_SECRET, schemes: ["aksk"], virtualNumbers: [X1] }],
    });
    const error = await rejectionOf(h.client({ scheme: "wsse-raw" }).getBinding({ subscriptionId: "s" }));
    expect(error).toBeInstanceOf(AxeAuthenticationError);
    expect(error).toMatchObject({ retryable: false });
    expect(platformCalls(h.requests)).toHaveLength(1);
  });

  it("a wrong digest variant (hex vs raw) is refused as an invalid digest", async () => {
    h = await startHarness({
      apps: [{ appKey: APP_KEY, appSecret: APP_SECRET, schemes: ["wsse-hex"], virtualNumbers: [X1] }],
    });
    const error = await rejectionOf(h.client({ scheme: "wsse-raw" }).getBinding({ subscriptionId: "s" }));
    expect(error).toBeInstanceOf(AxeAuthenticationError);
  });
});

/**
 * A legacy-style front: its own port, the platform under a path prefix. Requests outside the prefix get 404,
 * the prefix is stripped before forwarding, and status, headers (Location included) and body pass through.
 */
async function startPrefixProxy(target: string, prefix: string): Promise<string> {
  const upstream = new URL(target);
  proxy = createServer((req, res) => {
    if (!req.url?.startsWith(`${prefix}/`)) {
      res.writeHead(404).end();
      return;
    }
    const forward = httpRequest(
      {
        host: upstream.hostname,
        port: upstream.port,
        method: req.method,
        path: req.url.slice(prefix.length),
        headers: req.headers,
      },
      (upstreamRes) => {
        res.writeHead(upstreamRes.statusCode ?? 502, upstreamRes.headers);
        upstreamRes.pipe(res);
      },
    );
    forward.on("error", () => res.writeHead(502).end());
    req.pipe(forward);
  });
  await new Promise<void>((resolve) => proxy?.listen(0, "127.0.0.1", resolve));
  return `http://127.0.0.1:${(proxy.address() as AddressInfo).port}${prefix}`;
}

describe("base URL with port and path prefix", () => {
  it("reaches every interface under the prefix", async () => {
    h = await startHarness();
    const baseUrl = await startPrefixProxy(h.sim.url, "/legacy/pn");
    expect(baseUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/legacy\/pn$/);
    for (const form of [baseUrl, `${baseUrl}/`]) {
      const client = h.client({ baseUrl: form });
      const created = await client.createBinding({ bindNum: A1, virtualNum: X1, extendNum: "0001" });
      await client.updateBinding({ subscriptionId: created.subscriptionId }, { userData: "via-proxy" });
      expect((await client.getBinding({ virtualNum: X1, extendNum: "0001" })).userData).toBe("via-proxy");
      const listed = [];
      for await (const b of client.listBindings({ virtualNum: X1 })) listed.push(b);
      expect(listed).toHaveLength(1);
      await client.deleteBinding({ virtualNum: X1, extendNum: "0001" });
    }
    expect(h.sim.state().bindings).toHaveLength(0);
  });

  it("does not lose the prefix (a client without it gets the proxy's 404)", async () => {
    h = await startHarness();
    const baseUrl = await startPrefixProxy(h.sim.url, "/legacy/pn");
    const withoutPrefix = new URL(baseUrl).origin;
    await expect(
      h.client({ baseUrl: withoutPrefix }).getBinding({ subscriptionId: "s" }),
    ).rejects.toMatchObject({
      httpStatus: 404,
      category: "invalid-request",
    });
  });
});
