import { createHash, randomUUID } from "node:crypto";
import { createReadStream, createWriteStream } from "node:fs";
import { mkdir, open, rename, rm, stat, unlink, writeFile } from "node:fs/promises";
import { dirname, join, resolve } from "node:path";
import type { Readable } from "node:stream";
import { finished } from "node:stream/promises";
import {
  type ByteRange,
  type RecordingStorage,
  RecordingStorageError,
  RecordingTooLargeError,
  SNIFF_BYTES,
  type StagedFile,
} from "./recording-storage.js";

/** Storage keys: relative paths of safe segments, never `..` nor absolute. */
const KEY_PATTERN = /^(?:[A-Za-z0-9_-][A-Za-z0-9._-]{0,127}\/){0,8}[A-Za-z0-9_-][A-Za-z0-9._-]{0,127}$/;

/** Directory of the files being written, under the root (never a valid key: keys start with no dot). */
const STAGING_DIR = ".staging";

function checkedKey(key: string): string {
  if (!KEY_PATTERN.test(key)) throw new RangeError(`not a storage key: ${JSON.stringify(key)}`);
  return key;
}

function storageError(what: string, error: unknown): RecordingStorageError {
  const code = (error as NodeJS.ErrnoException | null)?.code;
  return new RecordingStorageError(`${what}: ${code ?? (error as Error)?.message ?? String(error)}`, {
    cause: error,
  });
}

/**
 * {@link RecordingStorage} in a local directory (`RECORDINGS_DIR`): files under `<root>/<key>`, written to
 * `<root>/.staging/` first and renamed into place (one filesystem, so the rename is atomic). Several
 * instances must share the directory (a network filesystem) to serve each other's files.
 */
export function createDirectoryStorage(root: string): RecordingStorage {
  const base = resolve(root);
  const staging = join(base, STAGING_DIR);
  const pathOf = (key: string) => join(base, checkedKey(key));

  return {
    description: `directory ${base}`,

    async stage(body, { maxBytes }) {
      const path = join(staging, `${randomUUID()}.part`);
      try {
        await mkdir(staging, { recursive: true });
      } catch (error) {
        throw storageError("cannot create the staging directory", error);
      }
      const out = createWriteStream(path, { flags: "wx" });
      let writeError: unknown;
      out.on("error", (error) => {
        writeError ??= error;
      });
      const hash = createHash("sha256");
      const head: Buffer[] = [];
      let headBytes = 0;
      let size = 0;
      // Destroyed before its file is open, a write stream still opens (creates) it, then closes it: the file
      // is removed once the stream has closed, or it would outlive the removal.
      const discard = async () => {
        out.destroy();
        if (!out.closed) await new Promise<void>((resolveClose) => out.once("close", () => resolveClose()));
        await rm(path, { force: true }).catch(() => {});
      };
      try {
        for await (const chunk of body) {
          if (writeError) break;
          size += chunk.byteLength;
          if (size > maxBytes) throw new RecordingTooLargeError(maxBytes);
          hash.update(chunk);
          if (headBytes < SNIFF_BYTES) {
            const take = chunk.subarray(0, SNIFF_BYTES - headBytes);
            head.push(Buffer.from(take));
            headBytes += take.byteLength;
          }
          if (!out.write(chunk)) {
            await new Promise<void>((resolveDrain) => {
              const done = () => {
                out.off("drain", done);
                out.off("error", done);
                resolveDrain();
              };
              out.on("drain", done);
              out.on("error", done);
            });
          }
        }
        if (!writeError) {
          out.end();
          await finished(out).catch((error: unknown) => {
            writeError ??= error;
          });
        }
      } catch (error) {
        await discard();
        throw error;
      }
      if (writeError) {
        await discard();
        throw storageError("cannot write the file", writeError);
      }
      let committed = false;
      return {
        size,
        sha256: hash.digest(),
        head: Buffer.concat(head),
        async commit(key) {
          const target = pathOf(key);
          try {
            await mkdir(dirname(target), { recursive: true });
            // The data reaches the disk before the name does: a crash never leaves a named, empty file.
            const handle = await open(path, "r");
            try {
              await handle.sync();
            } finally {
              await handle.close();
            }
            await rename(path, target);
            committed = true;
          } catch (error) {
            throw storageError("cannot store the file", error);
          }
        },
        async discard() {
          if (!committed) await rm(path, { force: true }).catch(() => {});
        },
      } satisfies StagedFile;
    },

    async read(key, range?: ByteRange): Promise<Readable | undefined> {
      const path = pathOf(key);
      try {
        // Opened before the stream is handed out, so that a missing file is an answer, not a stream error.
        const handle = await open(path, "r");
        return createReadStream("", { fd: handle, ...(range ?? {}) });
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === "ENOENT") return undefined;
        throw error;
      }
    },

    async stat(key) {
      try {
        const info = await stat(pathOf(key));
        return info.isFile() ? { size: info.size } : undefined;
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === "ENOENT") return undefined;
        throw error;
      }
    },

    async delete(key) {
      try {
        await unlink(pathOf(key));
        return true;
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === "ENOENT") return false;
        throw error;
      }
    },

    async probe() {
      const path = join(staging, `probe-${randomUUID()}`);
      try {
        await mkdir(staging, { recursive: true });
        await writeFile(path, "probe");
        await unlink(path);
      } catch (error) {
        throw storageError(`cannot write to ${base}`, error);
      }
    },
  };
}
