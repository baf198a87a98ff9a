import { describe, expect, it } from "vitest";
import {
  createGroupCommit,
  GroupCommitFullError,
  GroupCommitTimeoutError,
} from "../src/ingest/group-commit.js";

/** A run whose batches finish only when the test says so. */
function controlledRun<T>() {
  const batches: T[][] = [];
  const finishers: (() => void)[] = [];
  return {
    batches,
    run: (batch: readonly T[]) =>
      new Promise<readonly string[]>((resolve) => {
        batches.push([...batch]);
        finishers.push(() => resolve(batch.map((item) => `done ${String(item)}`)));
      }),
    finishNext: async () => {
      finishers.shift()!();
      await new Promise((resolve) => setImmediate(resolve));
    },
  };
}

describe("createGroupCommit", () => {
  it("runs an item that arrives while idle at once, on its own", async () => {
    const control = controlledRun<number>();
    const group = createGroupCommit({ run: control.run, maxBatch: 10, maxWaiting: 100 });
    const first = group.submit(1);
    expect(control.batches).toEqual([[1]]);
    await control.finishNext();
    await expect(first).resolves.toBe("done 1");
  });

  it("batches the items that arrive while every slot is busy, in arrival order, up to maxBatch", async () => {
    const control = controlledRun<number>();
    const group = createGroupCommit({ run: control.run, maxBatch: 3, maxWaiting: 100 });
    const results = [1, 2, 3, 4, 5, 6].map((n) => group.submit(n));
    expect(control.batches).toEqual([[1]]);
    expect(group.waiting).toBe(5);
    await control.finishNext();
    expect(control.batches).toEqual([[1], [2, 3, 4]]);
    await control.finishNext();
    expect(control.batches).toEqual([[1], [2, 3, 4], [5, 6]]);
    await control.finishNext();
    expect(await Promise.all(results)).toEqual([1, 2, 3, 4, 5, 6].map((n) => `done ${n}`));
    expect(group.waiting).toBe(0);
  });

  it("keeps `concurrency` batches in progress", async () => {
    const control = controlledRun<number>();
    const group = createGroupCommit({ run: control.run, maxBatch: 10, maxWaiting: 100, concurrency: 2 });
    for (const n of [1, 2, 3, 4]) void group.submit(n);
    expect(control.batches).toEqual([[1], [2]]);
    await control.finishNext();
    expect(control.batches).toEqual([[1], [2], [3, 4]]);
  });

  it("stops a batch at maxWeight, but runs an item heavier than maxWeight alone", async () => {
    const control = controlledRun<number>();
    const group = createGroupCommit({
      run: control.run,
      maxBatch: 10,
      maxWaiting: 100,
      weight: (n) => n,
      maxWeight: 5,
    });
    for (const n of [1, 2, 3, 9, 1]) void group.submit(n);
    await control.finishNext();
    expect(control.batches[1]).toEqual([2, 3]);
    await control.finishNext();
    expect(control.batches[2]).toEqual([9]);
    await control.finishNext();
    expect(control.batches[3]).toEqual([1]);
  });

  it("rejects every item of a failed batch with its error, and only those", async () => {
    let calls = 0;
    const group = createGroupCommit<number, number>({
      maxBatch: 10,
      maxWaiting: 100,
      run: async (batch) => {
        calls++;
        if (calls === 2) throw new Error("database said no");
        return batch.map((n) => n * 10);
      },
    });
    const outcomes = await Promise.allSettled([1, 2, 3].map((n) => group.submit(n)));
    expect(outcomes[0]).toEqual({ status: "fulfilled", value: 10 });
    expect(outcomes[1]).toMatchObject({ status: "rejected", reason: { message: "database said no" } });
    expect(outcomes[2]).toMatchObject({ status: "rejected", reason: { message: "database said no" } });
    await expect(group.submit(4)).resolves.toBe(40);
  });

  it("rejects the items of a batch whose run returns the wrong number of results", async () => {
    const group = createGroupCommit<number, number>({ maxBatch: 10, maxWaiting: 100, run: async () => [] });
    await expect(group.submit(1)).rejects.toThrow("a batch of 1 items produced 0 results");
  });

  it("refuses an item once maxWaiting items wait, and accepts again when they drain", async () => {
    const control = controlledRun<number>();
    const group = createGroupCommit({ run: control.run, maxBatch: 10, maxWaiting: 2 });
    void group.submit(1); // running, not waiting
    void group.submit(2);
    void group.submit(3);
    await expect(group.submit(4)).rejects.toBeInstanceOf(GroupCommitFullError);
    await control.finishNext();
    expect(group.waiting).toBe(0);
    const fifth = group.submit(5);
    await control.finishNext();
    await control.finishNext();
    await expect(fifth).resolves.toBe("done 5");
  });

  it("refuses an item that would take the waiting size past maxWaitingSize, unless nothing waits", async () => {
    const control = controlledRun<number>();
    const group = createGroupCommit({
      run: control.run,
      maxBatch: 10,
      maxWaiting: 100,
      size: (n) => n,
      maxWaitingSize: 10,
    });
    void group.submit(50); // runs at once: nothing waits
    const big = group.submit(40); // alone in the queue: accepted however large
    await expect(group.submit(1)).rejects.toBeInstanceOf(GroupCommitFullError);
    await control.finishNext(); // the 40 starts running: the queue is empty again
    const small = [group.submit(6), group.submit(4)];
    await expect(group.submit(1)).rejects.toBeInstanceOf(GroupCommitFullError);
    await control.finishNext();
    await control.finishNext();
    await expect(big).resolves.toBe("done 40");
    await expect(Promise.all(small)).resolves.toEqual(["done 6", "done 4"]);
  });

  it("with maxWaitMs, drops an item still queued when its time is up: it rejects and never runs", async () => {
    const control = controlledRun<number>();
    const group = createGroupCommit({ run: control.run, maxBatch: 10, maxWaiting: 100, maxWaitMs: 50 });
    const first = group.submit(1).catch((error: unknown) => error);
    const queued = group.submit(2).catch((error: unknown) => error);
    const dropped = await queued;
    expect(dropped).toBeInstanceOf(GroupCommitTimeoutError);
    expect((dropped as GroupCommitTimeoutError).dropped).toBe(true);
    expect(group.waiting).toBe(0);
    // The batch in progress rejects its item too, once its time is up; finishing it later changes nothing.
    const late = await first;
    expect(late).toBeInstanceOf(GroupCommitTimeoutError);
    expect((late as GroupCommitTimeoutError).dropped).toBe(false);
    await control.finishNext();
    // The dropped item was never handed to a batch; the queue serves new items as before.
    const next = group.submit(3);
    await control.finishNext();
    await expect(next).resolves.toBe("done 3");
    expect(control.batches).toEqual([[1], [3]]);
  });

  it("with maxWaitMs, frees the dropped item's size for new items", async () => {
    const control = controlledRun<number>();
    const group = createGroupCommit({
      run: control.run,
      maxBatch: 10,
      maxWaiting: 100,
      size: (n: number) => n,
      maxWaitingSize: 10,
      maxWaitMs: 50,
    });
    const running = group.submit(1).catch(() => {});
    const waiting = [group.submit(6).catch(() => {}), group.submit(4).catch(() => {})];
    await expect(group.submit(1)).rejects.toBeInstanceOf(GroupCommitFullError);
    await Promise.all(waiting);
    // Both dropped (6 + 4): room again for a full 10, although the batch in progress has not finished.
    const fresh = [
      group.submit(9).catch((error: unknown) => error),
      group.submit(1).catch((error: unknown) => error),
    ];
    expect(group.waiting).toBe(2);
    await Promise.all([running, ...fresh]);
  });
});
