import { readFileSync } from "node:fs";
import { createServer, type Server } from "node:https";
import type { AddressInfo } from "node:net";
import { afterEach, expect, it } from "vitest";
import { AxeNetworkError, createAxeClient } from "../src/index.js";
import { rejectionOf } from "./support/harness.js";

let server: Server | undefined;
afterEach(async () => {
  await new Promise((resolve) => (server ? server.close(resolve) : resolve(undefined)));
});

it("refuses a server whose certificate cannot be verified, once, without retrying", async () => {
  let reached = 0;
  server = createServer(
    {
      key: readFileSync(new URL("./fixtures/self-signed.key.pem", import.meta.url)),
      cert: readFileSync(new URL("./fixtures/self-signed.cert.pem", import.meta.url)),
    },
    (_req, res) => {
      reached++;
      res
        .writeHead(200, { "content-type": "application/json" })
        .end('{"resultcode":"0","resultdesc":"Success"}');
    },
  );
  await new Promise<void>((resolve) => server?.listen(0, "127.0.0.1", resolve));
  const client = createAxeClient({
    baseUrl: `https://127.0.0.1:${(server.address() as AddressInfo).port}`,
    appKey: "k",
    appSecret: "s",
    retry: { baseDelayMs: 1 },
  });
  const error = await rejectionOf(client.getBinding({ subscriptionId: "s" }));
  expect(error).toBeInstanceOf(AxeNetworkError);
  expect(error).toMatchObject({ retryable: false, attempts: 1 });
  expect((error as Error).message).toMatch(/TLS verification failed/);
  expect(reached).toBe(0);
});
