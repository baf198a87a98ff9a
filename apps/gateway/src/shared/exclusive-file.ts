// Small files that must appear whole or not at all, and must never replace one that exists: the data
// directory's lock, the development keys.
import { randomUUID } from "node:crypto";
import { link, open, readFile, unlink } from "node:fs/promises";

/**
 * Create `path` holding `text` unless it exists (then false). The text is written in full (and synced) to a
 * private file beside it, then hard-linked to `path`: `link` fails rather than replace an existing file, and
 * nobody ever sees the file half-written.
 */
export async function createFileExclusively(path: string, text: string, mode = 0o644): Promise<boolean> {
  const temporary = `${path}.${randomUUID()}.tmp`;
  try {
    const handle = await open(temporary, "wx", mode);
    try {
      await handle.writeFile(text);
      await handle.sync();
    } finally {
      await handle.close();
    }
    await link(temporary, path);
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "EEXIST") return false;
    throw error;
  } finally {
    await unlink(temporary).catch(() => {});
  }
}

/** The text of `path`, or undefined when there is no such file. */
export async function readFileIfExists(path: string): Promise<string | undefined> {
  try {
    return await readFile(path, "utf8");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw error;
  }
}
