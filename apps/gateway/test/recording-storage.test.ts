import { createHash } from "node:crypto";
import { mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createDirectoryStorage } from "../src/recordings/directory-storage.js";
import { RecordingTooLargeError } from "../src/recordings/recording-storage.js";

async function* chunks(...parts: (string | Error)[]): AsyncGenerator<Uint8Array> {
  for (const part of parts) {
    if (part instanceof Error) throw part;
    yield Buffer.from(part);
  }
}

async function text(stream: AsyncIterable<unknown> | undefined): Promise<string> {
  const parts: Buffer[] = [];
  for await (const chunk of stream!) parts.push(chunk as Buffer);
  return Buffer.concat(parts).toString();
}

describe("the local-directory recordings storage", () => {
  let root: string;
  beforeAll(() => {
    root = mkdtempSync(join(tmpdir(), "privnum-storage-"));
  });
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  it("stages a stream, shows nothing under the key until commit, then serves it whole or by range", async () => {
    const storage = createDirectoryStorage(root);
    const staged = await storage.stage(chunks("hello ", "recorded ", "world"), { maxBytes: 1000 });
    expect(staged.size).toBe(20);
    expect(Buffer.from(staged.sha256).toString("hex")).toBe(
      createHash("sha256").update("hello recorded world").digest("hex"),
    );
    expect(Buffer.from(staged.head).toString()).toBe("hello recorded world");
    expect(await storage.stat("2026/12/07/1.wav")).toBeUndefined();
    await staged.commit("2026/12/07/1.wav");
    await staged.discard();
    expect(await storage.stat("2026/12/07/1.wav")).toEqual({ size: 20 });
    expect(await text(await storage.read("2026/12/07/1.wav"))).toBe("hello recorded world");
    expect(await text(await storage.read("2026/12/07/1.wav", { start: 6, end: 13 }))).toBe("recorded");
    expect(await storage.read("2026/12/07/2.wav")).toBeUndefined();
    expect(await storage.delete("2026/12/07/1.wav")).toBe(true);
    expect(await storage.delete("2026/12/07/1.wav")).toBe(false);
  });

  it("a body that fails midway, or grows past the limit, leaves nothing behind", async () => {
    const storage = createDirectoryStorage(root);
    await expect(
      storage.stage(chunks("half of it", new Error("socket closed")), { maxBytes: 1000 }),
    ).rejects.toThrow("socket closed");
    await expect(storage.stage(chunks("0123456789", "0123456789"), { maxBytes: 15 })).rejects.toBeInstanceOf(
      RecordingTooLargeError,
    );
    expect(readdirSync(join(root, ".staging"))).toEqual([]);
  });

  it("refuses keys that leave the root or name the staging area", async () => {
    const storage = createDirectoryStorage(root);
    for (const key of ["../escape.wav", "/etc/passwd", "a/../../b.wav", ".staging/x", "", "a//b.wav"]) {
      await expect(storage.stat(key)).rejects.toThrow(/not a storage key/);
    }
  });

  it("probe writes and removes a file; a root that cannot be created fails it with a storage error", async () => {
    await createDirectoryStorage(root).probe();
    expect(readdirSync(join(root, ".staging"))).toEqual([]);
    // A regular file where the root's directory should be: mkdir fails whoever runs the test (root included).
    const blocked = createDirectoryStorage(join(root, "not-a-dir", "x"));
    const { writeFileSync } = await import("node:fs");
    writeFileSync(join(root, "not-a-dir"), "a file");
    await expect(blocked.probe()).rejects.toMatchObject({ name: "RecordingStorageError" });
  });
});
