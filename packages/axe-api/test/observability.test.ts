import { Writable } from "node:stream";
import { pino } from "pino";
import { afterEach, describe, expect, it } from "vitest";
import type { AxeRequestEvent, AxeResponseEvent, AxeRetryEvent } from "../src/index.js";
import { A1, A2, APP_SECRET, type Harness, rejectionOf, startHarness, X1 } from "./support/harness.js";

let h: Harness;
afterEach(async () => {
  await h?.stop();
});

/** Everything that must never appear in logs or hook events. */
function leaks(text: string): string[] {
  const forbidden = [
    APP_SECRET,
    "PasswordDigest",
    "Nonce=",
    "UsernameToken",
    // Full numbers in every spelling the wire uses.
    "8613800000021",
    "8613900000022",
    "8617000000001",
  ];
  return forbidden.filter((f) => text.includes(f));
}

function capturePino() {
  const lines: string[] = [];
  const stream = new Writable({
    write(chunk, _encoding, done) {
      lines.push(String(chunk));
      done();
    },
  });
  return { logger: pino({ level: "debug" }, stream), lines };
}

describe("hooks", () => {
  it("see every attempt with masked numbers and redacted credentials", async () => {
    h = await startHarness();
    const requests: AxeRequestEvent[] = [];
    const responses: AxeResponseEvent[] = [];
    const retries: AxeRetryEvent[] = [];
    const client = h.client({
      hooks: {
        onRequest: (e) => requests.push(e),
        onResponse: (e) => responses.push(e),
        onRetry: (e) => {
          retries.push(e);
          h.sim.setFaults({ api: {} });
        },
      },
    });
    const created = await client.createBinding({
      bindNum: A1,
      virtualNum: X1,
      extendNum: "0001",
      callbackNum: A2,
      userData: `note ${A2.slice(1)}`,
    });
    h.sim.setFaults({ api: { error500: 1 } });
    await client.getBinding({ virtualNum: X1, extendNum: "0001" });
    await client.updateBinding(
      { subscriptionId: created.subscriptionId },
      { callbackNum: "", callbackTone: "t.wav" },
    );
    await client.deleteBinding({ virtualNum: X1, extendNum: "0001" });
    await rejectionOf(client.getBinding({ virtualNum: X1, extendNum: "0001" }));

    expect(requests.map((e) => `${e.operation}#${e.attempt} ${e.method}`)).toEqual([
      "createBinding#1 POST",
      "getBinding#1 GET",
      "getBinding#2 GET",
      "updateBinding#1 PUT",
      "deleteBinding#1 DELETE",
      "getBinding#1 GET",
    ]);
    expect(responses.map((e) => e.httpStatus)).toEqual([200, 500, 200, 200, 200, 403]);
    expect(responses[5]).toMatchObject({ resultcode: "1012007" });
    expect(retries).toHaveLength(1);
    // The two attempts of one call share their requestId; different calls do not.
    expect(requests[1]?.requestId).toBe(requests[2]?.requestId);
    expect(requests[0]?.requestId).not.toBe(requests[1]?.requestId);

    expect(requests[0]?.body).toMatchObject({
      bindNum: "+86138****0021",
      virtualNum: "+86170****0001",
      extendNum: "0001",
    });
    expect(requests[1]?.url).toContain("virtualNum=%2B86170****0001&extendNum=0001");
    expect(requests[0]?.headers).toMatchObject({ Authorization: "[redacted]", "X-AKSK": "[redacted]" });
    expect(responses[2]?.body).toMatchObject({ bindNum: "+86138****0021" });
    expect(leaks(JSON.stringify({ requests, responses, retries }))).toEqual([]);
    expect(leaks(retries.map((r) => `${r.error.message} ${r.error.stack}`).join("\n"))).toEqual([]);
  });

  it("a throwing hook neither breaks the call nor goes unreported", async () => {
    h = await startHarness();
    const warnings: string[] = [];
    const client = h.client({
      hooks: {
        onRequest: () => {
          throw new Error(`hook bug with ${A1}`);
        },
      },
      logger: { debug: () => {}, warn: (o, m) => warnings.push(`${m} ${JSON.stringify(o)}`) },
    });
    const created = await client.createBinding({ bindNum: A1, virtualNum: X1 });
    expect(created.extendNum).toBe("0001");
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toContain("hook threw");
    expect(leaks(warnings.join())).toEqual([]);
  });
});

describe("errors from fetch", () => {
  it("reach hooks and the caller with the phone numbers of their messages masked", async () => {
    h = await startHarness();
    // Some fetch implementations (node-fetch, for one) name the whole URL, query string included.
    const fetchWithUrlInErrors: typeof fetch = async (input) => {
      const inner = new Error(`socket hang up while reading ${String(input)}`);
      throw Object.assign(new TypeError(`request to ${String(input)} failed`, { cause: inner }), {
        code: "ECONNRESET",
      });
    };
    const retries: AxeRetryEvent[] = [];
    const warnings: string[] = [];
    const client = h.client({
      fetch: fetchWithUrlInErrors,
      retry: { maxAttempts: 2 },
      hooks: { onRetry: (e) => retries.push(e) },
      logger: { debug: () => {}, warn: (o, m) => warnings.push(`${m} ${JSON.stringify(o)}`) },
    });
    const error = await rejectionOf(client.getBinding({ virtualNum: X1, extendNum: "0001" }));
    expect(error).toMatchObject({ category: "network", attempts: 2 });
    expect(retries).toHaveLength(1);

    const chain = (e: unknown): string[] =>
      e instanceof Error ? [e.name, e.message, e.stack ?? "", ...chain(e.cause)] : [];
    const texts = [...chain(error), ...chain(retries[0]?.error), ...warnings].join("\n");
    expect(leaks(texts)).toEqual([]);
    // Still useful: the masked URL, the error's class name and its code survive.
    const cause = (error as Error).cause as Error & { code?: string };
    expect(cause).toMatchObject({ name: "TypeError", code: "ECONNRESET" });
    expect(cause.message).toContain("virtualNum=%2B86170****0001&extendNum=0001");
    expect((cause.cause as Error).message).toContain("%2B86170****0001");
  });

  it("keeps an error that mentions no phone number as it is", async () => {
    h = await startHarness();
    const original = new TypeError("fetch failed");
    const client = h.client({ retry: false, fetch: async () => Promise.reject(original) });
    const error = await rejectionOf(client.getBinding({ subscriptionId: "s" }));
    expect((error as Error).cause).toBe(original);
  });
});

describe("logger", () => {
  it("a pino logger receives requests, answers and retries, masked and without secrets", async () => {
    h = await startHarness();
    const { logger, lines } = capturePino();
    const client = h.client({ logger, hooks: { onRetry: () => h.sim.setFaults({ api: {} }) } });
    const created = await client.createBinding({ bindNum: A1, virtualNum: X1, extendNum: "0001" });
    h.sim.setFaults({ api: { flowControl: 1 } });
    await client.getBinding({ subscriptionId: created.subscriptionId });
    await client.deleteBinding({ subscriptionId: created.subscriptionId });
    await rejectionOf(client.getBinding({ virtualNum: X1, extendNum: "0001" }));

    const records = lines.map((l) => JSON.parse(l) as { level: number; msg: string; [k: string]: unknown });
    const messages = records.map((r) => r.msg);
    expect(messages).toContain("axe-api request");
    expect(messages).toContain("axe-api response");
    expect(messages).toContain("axe-api retrying");
    expect(messages).toContain("axe-api call failed");
    expect(records.find((r) => r.msg === "axe-api retrying")).toMatchObject({
      level: 40,
      category: "flow-control",
    });
    expect(lines.join("")).toContain("+86138****0021");
    expect(leaks(lines.join(""))).toEqual([]);
  });
});
