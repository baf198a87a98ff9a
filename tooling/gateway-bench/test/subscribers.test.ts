// P3's and P4's gateway subscribers authenticate at `connection_init`: against a real gateway (its public entry,
// in-memory PGlite), a socket with the run's key is accepted and one with another key is refused, so the
// bench can never measure sockets the gateway closed.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { buildApp, type GatewayApp, type RunningGateway, testConfig } from "@privnum/gateway";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { bearerAuthorization, generateApiKey } from "../src/lib/gateway-api-keys.js";
import { openSubscriber, type Subscriber } from "../src/lib/subscribers.js";

const key = generateApiKey();
const dataDir = mkdtempSync(join(tmpdir(), "privnum-gateway-bench-test-"));
let app: GatewayApp;
let running: RunningGateway;
let wsUrl: string;
const opened: Subscriber[] = [];

beforeAll(async () => {
  const config = testConfig({ dataDir });
  app = buildApp({ ...config, auth: { ...config.auth, apiKeys: [{ key, role: "operator" }] } });
  running = await app.start();
  wsUrl = running.graphqlUrl.replace(/^http/, "ws");
}, 60_000);

afterAll(async () => {
  for (const subscriber of opened) subscriber.close();
  await app?.stop();
  rmSync(dataDir, { recursive: true, force: true });
});

const noEvent = () => {};
const noError = () => {};
// What P4 waits for before it reads the gateway's memory: the subscriptions the gateway holds.
const subscriptions = () => running.services.feed.listenerCount() + running.services.changes.listenerCount();

describe("gateway subscribers", () => {
  it("are accepted with the run's key, and their callEvents subscription is registered", async () => {
    const errors: unknown[] = [];
    const subscriber = await openSubscriber(
      { target: "gateway", wsUrl, authorization: bearerAuthorization(key) },
      noEvent,
      (error) => errors.push(error),
    );
    opened.push(subscriber);
    await expect.poll(subscriptions, { timeout: 10_000 }).toBe(1);
    expect(errors).toEqual([]);
  });

  it("are refused (4403) with a key the gateway does not know", async () => {
    await expect(
      openSubscriber(
        { target: "gateway", wsUrl, authorization: bearerAuthorization(generateApiKey()) },
        noEvent,
        noError,
      ),
    ).rejects.toThrow(/4403/);
  });

  it("are not opened at all without a credential", () => {
    expect(() => openSubscriber({ target: "gateway", wsUrl }, noEvent, noError)).toThrow(/Authorization/);
  });
});
