import { describe, expect, it } from "vitest";
import { createShutdownStack, ShutdownStepTimeoutError } from "../src/shared/shutdown-stack.js";

describe("createShutdownStack", () => {
  it("closes newest first, each once, however often close is called", async () => {
    const closed: string[] = [];
    const stack = createShutdownStack();
    stack.defer(() => closed.push("database"), "the database");
    stack.defer(async () => closed.push("server"), "the server");
    await Promise.all([stack.close(), stack.close()]);
    await stack.close();
    expect(closed).toEqual(["server", "database"]);
  });

  it("leaves a step that overruns its bound behind, closes the rest, and reports it by name", async () => {
    const closed: string[] = [];
    const stack = createShutdownStack({ stepTimeoutMs: 100 });
    stack.defer(() => closed.push("database"), "the database");
    stack.defer(() => new Promise(() => {}), "the feed");
    stack.defer(() => closed.push("server"), "the server");
    const error = await stack.close().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ShutdownStepTimeoutError);
    expect((error as Error).message).toBe(
      "stopping the feed did not finish within 100 ms; the stop went on without it",
    );
    expect(closed).toEqual(["server", "database"]);
  });

  it("collects the failures of several steps and still closes every step", async () => {
    const closed: string[] = [];
    const stack = createShutdownStack({ stepTimeoutMs: 100 });
    stack.defer(() => closed.push("database"));
    stack.defer(() => {
      throw new Error("boom");
    });
    stack.defer(() => new Promise(() => {}), "the feed");
    const error = await stack.close().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AggregateError);
    expect((error as AggregateError).errors.map((e: Error) => e.message)).toEqual([
      "stopping the feed did not finish within 100 ms; the stop went on without it",
      "boom",
    ]);
    expect(closed).toEqual(["database"]);
  });
});
