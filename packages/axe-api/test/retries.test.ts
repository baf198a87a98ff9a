import { afterEach, describe, expect, it } from "vitest";
import { AxeNoResourcesError, AxePlatformError, type AxeRetryEvent, AxeTimeoutError } from "../src/index.js";
import {
  A1,
  A2,
  type Harness,
  platformCalls,
  rejectionOf,
  startHarness,
  wireLog,
  X1,
} from "./support/harness.js";

let h: Harness;
afterEach(async () => {
  await h?.stop();
});

const POST = "POST /rest/caas/extendnumber/v1.0";
const GET = "GET /rest/caas/extendnumber/v1.0";

describe("retries of idempotent calls under injected faults", () => {
  it.each([
    ["HTTP 500", { error500: 1 }, "platform"],
    ["flow control", { flowControl: 1 }, "flow-control"],
  ] as const)(
    "repeats a lookup after %s and succeeds once the fault clears",
    async (_name, fault, category) => {
      h = await startHarness();
      const { subscriptionId } = await h.client().createBinding({ bindNum: A1, virtualNum: X1 });
      h.sim.setFaults({ api: fault });
      const retries: AxeRetryEvent[] = [];
      const client = h.client({
        hooks: {
          onRetry: (event) => {
            retries.push(event);
            h.sim.setFaults({ api: {} });
          },
        },
      });
      const binding = await client.getBinding({ subscriptionId });
      expect(binding.bindNum).toBe(A1);
      expect(retries).toHaveLength(1);
      expect(retries[0]).toMatchObject({
        action: "retry",
        attempt: 1,
        operation: "getBinding",
        method: "GET",
      });
      expect(retries[0]?.error.category).toBe(category);
      expect(platformCalls(h.requests).slice(-2)).toEqual([GET, GET]);
    },
  );

  it("repeats a lookup whose answer never came (hang) after the attempt timeout", async () => {
    h = await startHarness();
    const { subscriptionId } = await h.client().createBinding({ bindNum: A1, virtualNum: X1 });
    h.sim.setFaults({ api: { hang: 1, hangMs: 5_000 } });
    const client = h.client({ timeoutMs: 400, hooks: { onRetry: () => h.sim.setFaults({ api: {} }) } });
    expect((await client.getBinding({ subscriptionId })).subscriptionId).toBe(subscriptionId);
  });

  it("repeats a lookup whose connection was reset", async () => {
    h = await startHarness();
    const { subscriptionId } = await h.client().createBinding({ bindNum: A1, virtualNum: X1 });
    h.sim.setFaults({ api: { hang: 1, hangMs: 20 } });
    const categories: string[] = [];
    const client = h.client({
      hooks: {
        onRetry: (e) => {
          categories.push(e.error.category);
          h.sim.setFaults({ api: {} });
        },
      },
    });
    expect((await client.getBinding({ subscriptionId })).subscriptionId).toBe(subscriptionId);
    expect(categories).toEqual(["network"]);
  });

  it("repeats a modify after a 500", async () => {
    h = await startHarness();
    const { subscriptionId } = await h.client().createBinding({ bindNum: A1, virtualNum: X1 });
    h.sim.setFaults({ api: { error500: 1 } });
    const client = h.client({ hooks: { onRetry: () => h.sim.setFaults({ api: {} }) } });
    await client.updateBinding({ subscriptionId }, { userData: "changed" });
    expect((await client.getBinding({ subscriptionId })).userData).toBe("changed");
  });

  it("treats 'not found' on a repeated unbind as done when the first attempt's answer was lost", async () => {
    h = await startHarness();
    const { subscriptionId } = await h.client().createBinding({ bindNum: A1, virtualNum: X1 });
    // The simulator processes a hung request, then withholds its answer: the unbind happens, the client
    // times out, and the repeat finds nothing.
    h.sim.setFaults({ api: { hang: 1, hangMs: 5_000 } });
    const client = h.client({ timeoutMs: 400, hooks: { onRetry: () => h.sim.setFaults({ api: {} }) } });
    await client.deleteBinding({ subscriptionId });
    expect(h.sim.state().bindings).toHaveLength(0);
  });

  it("still reports 'not found' for an unbind of a binding that never existed", async () => {
    h = await startHarness();
    await expect(h.client().deleteBinding({ subscriptionId: "never" })).rejects.toMatchObject({
      category: "not-found",
    });
  });

  it("waits with growing, jittered delays and gives up after maxAttempts", async () => {
    h = await startHarness({ faults: { api: { error500: 1 } } });
    const delays: number[] = [];
    const client = h.client({
      retry: { maxAttempts: 4, baseDelayMs: 8, maxDelayMs: 1000, factor: 2 },
      hooks: { onRetry: (e) => delays.push(e.delayMs) },
    });
    await expect(client.getBinding({ subscriptionId: "s" })).rejects.toBeInstanceOf(AxePlatformError);
    expect(delays).toHaveLength(3);
    // Equal jitter: each wait lies in [step/2, step] with step 8, 16, 32.
    delays.forEach((d, i) => {
      const step = 8 * 2 ** i;
      expect(d).toBeGreaterThanOrEqual(step / 2);
      expect(d).toBeLessThanOrEqual(step);
    });
  });

  it("stops when the total time budget is spent, even with attempts left", async () => {
    h = await startHarness({ faults: { api: { hang: 1, hangMs: 5_000 } } });
    const client = h.client({ timeoutMs: 100, retry: { maxAttempts: 10, maxElapsedMs: 250 } });
    const error = await rejectionOf(client.getBinding({ subscriptionId: "s" }));
    expect(error).toBeInstanceOf(AxeTimeoutError);
    expect((error as AxeTimeoutError).attempts).toBeLessThanOrEqual(3);
  });
});

describe("createBinding is never blindly repeated", () => {
  it("is repeated after flow control (the platform did nothing) and creates one binding", async () => {
    h = await startHarness({ faults: { api: { flowControl: 1 } } });
    const client = h.client({ hooks: { onRetry: () => h.sim.setFaults({ api: {} }) } });
    const created = await client.createBinding({ bindNum: A1, virtualNum: X1 });
    expect(created.extendNum).toBe("0001");
    expect(platformCalls(h.requests)).toEqual([POST, POST]);
    expect(h.sim.state().bindings).toHaveLength(1);
  });

  it("without an explicit extension, an ambiguous failure is thrown as is: one request, retryable false", async () => {
    h = await startHarness({ faults: { api: { hang: 1, hangMs: 5_000 } } });
    const wire = wireLog();
    const error = await rejectionOf(
      h.client({ timeoutMs: 400, fetch: wire.fetch }).createBinding({ bindNum: A1, virtualNum: X1 }),
    );
    expect(error).toBeInstanceOf(AxeTimeoutError);
    expect(error).toMatchObject({ retryable: false, attempts: 1 });
    expect(wire.calls).toEqual([POST]);
  });

  it("without an explicit extension, a 500 is not repeated either", async () => {
    h = await startHarness({ faults: { api: { error500: 1 } } });
    const error = await rejectionOf(h.client().createBinding({ bindNum: A1, virtualNum: X1 }));
    expect(error).toMatchObject({ category: "platform", retryable: false, attempts: 1 });
    expect(platformCalls(h.requests)).toEqual([POST]);
  });
});

describe("ambiguous createBinding with an explicit extension is reconciled", () => {
  it("after a timeout, finds the binding the lost answer created and returns it", async () => {
    h = await startHarness({ faults: { api: { hang: 1, hangMs: 5_000 } } });
    const events: AxeRetryEvent[] = [];
    const wire = wireLog();
    const client = h.client({
      timeoutMs: 400,
      fetch: wire.fetch,
      hooks: {
        onRetry: (e) => {
          events.push(e);
          h.sim.setFaults({ api: {} });
        },
      },
    });
    const created = await client.createBinding({ bindNum: A1, virtualNum: X1, extendNum: "0123" });
    const [stored] = h.sim.state().bindings;
    expect(h.sim.state().bindings).toHaveLength(1);
    expect(created).toMatchObject({
      subscriptionId: stored?.subscriptionId,
      virtualNum: X1,
      extendNum: "0123",
    });
    expect(events.map((e) => [e.action, e.error.category])).toEqual([["reconcile", "timeout"]]);
    expect(wire.calls).toEqual([POST, GET]);
  });

  it("after a connection reset (the answer dropped), finds the binding and returns it", async () => {
    h = await startHarness({ faults: { api: { hang: 1, hangMs: 20 } } });
    const events: AxeRetryEvent[] = [];
    const wire = wireLog();
    const client = h.client({
      timeoutMs: 5_000,
      fetch: wire.fetch,
      hooks: {
        onRetry: (e) => {
          events.push(e);
          h.sim.setFaults({ api: {} });
        },
      },
    });
    const created = await client.createBinding({ bindNum: A1, virtualNum: X1, extendNum: "0456" });
    expect(created.extendNum).toBe("0456");
    expect(h.sim.state().bindings).toHaveLength(1);
    expect(events[0]).toMatchObject({ action: "reconcile" });
    expect(events[0]?.error.category).toBe("network");
    // Found by the lookup: the bind was not sent a second time.
    expect(wire.calls).toEqual([POST, GET]);
  });

  it("after a 500 that created nothing, the lookup finds nothing and the bind is sent again", async () => {
    h = await startHarness({ faults: { api: { error500: 1 } } });
    const client = h.client({ hooks: { onRetry: () => h.sim.setFaults({ api: {} }) } });
    const created = await client.createBinding({ bindNum: A1, virtualNum: X1, extendNum: "0777" });
    expect(created.extendNum).toBe("0777");
    expect(platformCalls(h.requests)).toEqual([POST, GET, POST]);
    expect(h.sim.state().bindings).toHaveLength(1);
  });

  it("when the lookup also fails, the repeated bind's conflict (1020167) is reconciled to our binding", async () => {
    h = await startHarness({ faults: { api: { hang: 1, hangMs: 5_000 } } });
    let sent = 0;
    const wire = wireLog();
    const client = h.client({
      timeoutMs: 400,
      retry: { maxAttempts: 3 },
      fetch: wire.fetch,
      hooks: {
        onRequest: () => {
          sent++;
          // POST (hangs, but creates) → GET (hangs) → POST again: let that one and everything after through.
          if (sent === 3) h.sim.setFaults({ api: {} });
        },
      },
    });
    const created = await client.createBinding({ bindNum: A1, virtualNum: X1, extendNum: "0321" });
    expect(created.extendNum).toBe("0321");
    expect(h.sim.state().bindings).toHaveLength(1);
    expect(wire.calls).toEqual([POST, GET, POST, GET]);
  });

  it("does not claim someone else's binding on the same extension", async () => {
    h = await startHarness();
    await h.client().createBinding({ bindNum: A2, virtualNum: X1, extendNum: "0005" });
    h.sim.setFaults({ api: { hang: 1, hangMs: 5_000 } });
    let sent = 0;
    const client = h.client({
      timeoutMs: 400,
      hooks: {
        onRequest: () => {
          sent++;
          if (sent === 2) h.sim.setFaults({ api: {} });
        },
      },
    });
    const error = await rejectionOf(client.createBinding({ bindNum: A1, virtualNum: X1, extendNum: "0005" }));
    expect(error).toBeInstanceOf(AxeNoResourcesError);
    expect(error).toMatchObject({ resultcode: "1020167" });
    expect(h.sim.state().bindings.map((b) => b.bindNum)).toEqual([A2]);
  });
});

describe("abort", () => {
  it("rejects with the signal's reason and sends nothing when already aborted", async () => {
    h = await startHarness();
    const controller = new AbortController();
    const reason = new Error("user navigated away");
    controller.abort(reason);
    await expect(h.client().getBinding({ subscriptionId: "s" }, { signal: controller.signal })).rejects.toBe(
      reason,
    );
    expect(platformCalls(h.requests)).toEqual([]);
  });

  it("cancels a request in flight", async () => {
    h = await startHarness({ faults: { api: { hang: 1, hangMs: 5_000 } } });
    const controller = new AbortController();
    const pending = h
      .client({ timeoutMs: 10_000 })
      .createBinding({ bindNum: A1, virtualNum: X1, extendNum: "0001" }, { signal: controller.signal });
    setTimeout(() => controller.abort(), 50);
    const error = await rejectionOf(pending);
    expect((error as Error).name).toBe("AbortError");
  });

  it("cancels the wait between attempts", async () => {
    h = await startHarness({ faults: { api: { flowControl: 1 } } });
    const controller = new AbortController();
    const client = h.client({
      retry: { flowControlDelayMs: 60_000, maxElapsedMs: 120_000 },
      hooks: { onRetry: () => setTimeout(() => controller.abort(new Error("stop")), 10) },
    });
    await expect(client.getBinding({ subscriptionId: "s" }, { signal: controller.signal })).rejects.toThrow(
      "stop",
    );
    expect(platformCalls(h.requests)).toHaveLength(1);
  });

  it("cancels a listing between pages", async () => {
    h = await startHarness();
    h.sim.seedBindings({
      bindings: Array.from({ length: 6 }, (_, i) => ({
        bindNum: `+86137000${String(i).padStart(5, "0")}`,
        virtualNum: X1,
      })),
    });
    const controller = new AbortController();
    const seen: string[] = [];
    const error = await rejectionOf(
      (async () => {
        for await (const b of h
          .client()
          .listBindings({ virtualNum: X1, pageSize: 2 }, { signal: controller.signal })) {
          seen.push(b.extendNum);
          controller.abort(new Error("enough"));
        }
      })(),
    );
    expect((error as Error).message).toBe("enough");
    expect(seen.length).toBeLessThanOrEqual(2);
  });
});
