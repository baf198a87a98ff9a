// P2's bare baseline commits bodies in groups: what arrives while one insert is in flight goes into the next
// insert, all of it at once, and each submit settles with its own batch.
import { describe, expect, it } from "vitest";
import { BatcherFullError, createBodyBatcher } from "../src/lib/body-batcher.js";

/** A store whose calls finish only when the test says so. */
function gatedStore() {
  const batches: string[][] = [];
  const gates: { open: () => void; fail: (error: Error) => void }[] = [];
  return {
    batches,
    gates,
    store: (batch: readonly string[]) => {
      batches.push([...batch]);
      return new Promise<void>((resolve, reject) => gates.push({ open: resolve, fail: reject }));
    },
  };
}

const tick = () => new Promise((resolve) => setImmediate(resolve));

describe("createBodyBatcher", () => {
  it("stores the first item at once, then everything that queued meanwhile in one batch", async () => {
    const store = gatedStore();
    const batcher = createBodyBatcher({ store: store.store, maxBatch: 100, maxWaiting: 100 });
    const settled: string[] = [];
    const submit = (item: string) => batcher.submit(item).then(() => settled.push(item));
    const first = submit("a");
    const rest = ["b", "c", "d"].map(submit);
    await tick();
    expect(store.batches).toEqual([["a"]]);
    expect(batcher.waiting).toBe(3);
    store.gates[0]!.open();
    await first;
    await tick();
    // Answered after its own commit only: b, c, d wait for theirs.
    expect(settled).toEqual(["a"]);
    expect(store.batches).toEqual([["a"], ["b", "c", "d"]]);
    store.gates[1]!.open();
    await Promise.all(rest);
    expect(settled).toEqual(["a", "b", "c", "d"]);
  });

  it("takes at most maxBatch items per batch", async () => {
    const store = gatedStore();
    const batcher = createBodyBatcher({ store: store.store, maxBatch: 2, maxWaiting: 100 });
    const all = ["a", "b", "c", "d"].map((item) => batcher.submit(item));
    for (let i = 0; i < 3; i++) {
      await tick();
      store.gates[i]!.open();
    }
    await Promise.all(all);
    expect(store.batches).toEqual([["a"], ["b", "c"], ["d"]]);
  });

  it("fails every item of a failed batch, and goes on with the next", async () => {
    const store = gatedStore();
    const batcher = createBodyBatcher({ store: store.store, maxBatch: 100, maxWaiting: 100 });
    const a = batcher.submit("a");
    const b = batcher.submit("b");
    const c = batcher.submit("c");
    await tick();
    store.gates[0]!.open();
    await a;
    await tick();
    store.gates[1]!.fail(new Error("connection lost"));
    await expect(b).rejects.toThrow("connection lost");
    await expect(c).rejects.toThrow("connection lost");
    const d = batcher.submit("d");
    await tick();
    store.gates[2]!.open();
    await expect(d).resolves.toBeUndefined();
  });

  it("refuses an item beyond maxWaiting", async () => {
    const store = gatedStore();
    const batcher = createBodyBatcher({ store: store.store, maxBatch: 100, maxWaiting: 1 });
    void batcher.submit("in flight");
    void batcher.submit("queued");
    await expect(batcher.submit("one too many")).rejects.toBeInstanceOf(BatcherFullError);
  });

  it("rejects limits below one", () => {
    expect(() => createBodyBatcher({ store: async () => {}, maxBatch: 0, maxWaiting: 1 })).toThrow(/≥ 1/);
  });
});
