import { describe, expect, it } from "vitest";
import { createMemoryNonceStore, WsseInputError } from "../src/index.js";

function virtualStore(maxEntries?: number) {
  let now = new Date("2026-01-01T00:00:00Z");
  const store = createMemoryNonceStore({ ...(maxEntries ? { maxEntries } : {}), now: () => now });
  return {
    store,
    advance(seconds: number) {
      now = new Date(now.getTime() + seconds * 1000);
    },
  };
}

describe("createMemoryNonceStore", () => {
  it("adds a key once until its TTL has passed", async () => {
    const { store, advance } = virtualStore();
    expect(await store.add("app:n1", 10)).toBe(true);
    expect(await store.add("app:n1", 10)).toBe(false);
    expect(await store.add("app:n2", 10)).toBe(true);
    advance(9.999);
    expect(await store.add("app:n1", 10)).toBe(false);
    advance(0.001);
    expect(await store.add("app:n1", 10)).toBe(true);
    expect(await store.add("app:n1", 10)).toBe(false);
  });

  it("keeps TTLs exact when its clock is set back to before the store was made", async () => {
    const { store, advance } = virtualStore();
    advance(-86_400);
    expect(await store.add("app:n1", 10)).toBe(true);
    advance(9.999);
    expect(await store.add("app:n1", 10)).toBe(false);
    advance(0.001);
    expect(await store.add("app:n1", 10)).toBe(true);
  });

  it("purges expired entries", async () => {
    const { store, advance } = virtualStore();
    for (let i = 0; i < 50; i++) await store.add(`k${i}`, 5);
    expect(store.size).toBe(50);
    advance(6);
    await store.add("fresh", 5);
    expect(store.size).toBe(1);
  });

  it("stays within maxEntries by evicting the oldest entry", async () => {
    const { store } = virtualStore(3);
    for (const key of ["a", "b", "c", "d"]) expect(await store.add(key, 60)).toBe(true);
    expect(store.size).toBe(3);
    expect(await store.add("d", 60)).toBe(false);
    expect(await store.add("c", 60)).toBe(false);
    // "a" was evicted, so it is new again (and evicts "b").
    expect(await store.add("a", 60)).toBe(true);
    expect(await store.add("b", 60)).toBe(true);
    expect(store.size).toBe(3);
  });

  it("prefers dropping expired entries to evicting live ones when full", async () => {
    const { store, advance } = virtualStore(3);
    await store.add("short", 1);
    await store.add("live1", 100);
    await store.add("live2", 100);
    advance(2);
    expect(await store.add("new", 100)).toBe(true);
    expect(await store.add("live1", 100)).toBe(false);
    expect(await store.add("live2", 100)).toBe(false);
  });

  it("decides concurrent adds of one key atomically: exactly one wins", async () => {
    const { store } = virtualStore();
    const results = await Promise.all(Array.from({ length: 20 }, () => store.add("app:same", 60)));
    expect(results.filter(Boolean)).toHaveLength(1);
  });

  it("forgets everything on clear()", async () => {
    const { store } = virtualStore();
    await store.add("k", 60);
    store.clear();
    expect(store.size).toBe(0);
    expect(await store.add("k", 60)).toBe(true);
  });

  it("uses the real clock by default", async () => {
    const store = createMemoryNonceStore();
    expect(await store.add("k", 60)).toBe(true);
    expect(await store.add("k", 60)).toBe(false);
  });

  it("rejects invalid arguments", async () => {
    const store = createMemoryNonceStore();
    for (const ttl of [0, -1, Number.NaN, Number.POSITIVE_INFINITY]) {
      await expect(store.add("k", ttl)).rejects.toBeInstanceOf(WsseInputError);
    }
    await expect(store.add(42 as unknown as string, 60)).rejects.toBeInstanceOf(WsseInputError);
    for (const maxEntries of [0, -5, 1.5, Number.NaN]) {
      expect(() => createMemoryNonceStore({ maxEntries })).toThrow(WsseInputError);
    }
  });
});
