// One gateway per DATA_DIR: a pid file created atomically, judged stale the moment its process is gone.
//
// Why not proper-lockfile: it judges staleness by the lock's mtime, so the lock of a gateway killed with
// SIGKILL would keep a restarted one out for the whole stale period. A kernel lock (flock) would be ideal but
// needs a native addon. A pid file plus a liveness check of the pid frees the directory at once.
import { randomUUID } from "node:crypto";
import { mkdir, readFile, unlink, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { DataDirInUseError } from "../shared/errors.js";
import { createFileExclusively, readFileIfExists } from "../shared/exclusive-file.js";

/** Name of the lock file inside the data directory. */
export const LOCK_FILE_NAME = "gateway.pid";

/** The lock of a data directory, held until {@link DataDirLock.release}. */
export interface DataDirLock {
  /** Path of the lock file. */
  readonly path: string;
  /** Remove the lock file, if it is still ours. Safe to call twice. */
  release(): Promise<void>;
}

interface LockOwner {
  pid: number;
  /** Unique per acquisition: tells a lock from an older one left by a process that had the same pid. */
  token: string;
}

// Tokens of the locks this process holds: a lock naming our pid but not one of these was left by an
// earlier process that had our pid (a container restarted, say), so it is stale.
const heldTokens = new Set<string>();

const MAX_ATTEMPTS = 20;

/**
 * Take the lock of `dataDir` (creating the directory). Throws {@link DataDirInUseError} when a live process
 * holds it; takes over a lock whose process is gone.
 */
export async function acquireDataDirLock(dataDir: string): Promise<DataDirLock> {
  await mkdir(dataDir, { recursive: true });
  const path = join(dataDir, LOCK_FILE_NAME);
  const owner: LockOwner = { pid: process.pid, token: randomUUID() };
  for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
    if (await tryCreate(path, owner)) {
      heldTokens.add(owner.token);
      return { path, release: () => release(path, owner.token) };
    }
    const current = await readOwner(path);
    if (current === undefined) continue; // released meanwhile: try again
    if (isAlive(current)) throw new DataDirInUseError(dataDir, current.pid);
    await removeStale(path, current);
  }
  // Only reachable when other processes keep taking over the same stale lock at the same moment.
  const current = await readOwner(path);
  throw new DataDirInUseError(dataDir, current?.pid ?? 0);
}

// Created whole or not at all, never over an existing lock.
function tryCreate(path: string, owner: LockOwner): Promise<boolean> {
  return createFileExclusively(path, `${JSON.stringify(owner)}\n`);
}

async function readOwner(path: string): Promise<LockOwner | undefined> {
  const text = await readFileIfExists(path);
  if (text === undefined) return undefined;
  try {
    const parsed = JSON.parse(text) as Partial<LockOwner>;
    if (Number.isInteger(parsed.pid) && typeof parsed.token === "string") {
      return { pid: parsed.pid!, token: parsed.token };
    }
  } catch {}
  // Not ours to understand (edited by hand?): no live owner can be named, so it is stale.
  return { pid: 0, token: text };
}

function isAlive(owner: LockOwner): boolean {
  if (!Number.isInteger(owner.pid) || owner.pid <= 0) return false;
  if (owner.pid === process.pid) return heldTokens.has(owner.token);
  try {
    process.kill(owner.pid, 0);
    return true;
  } catch (error) {
    // EPERM: the process exists but belongs to another user.
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}

// Several processes may find the same stale lock at once. The one that creates the takeover marker of that
// lock (named by its token) removes it, after checking it is still that lock; the others retry.
async function removeStale(path: string, stale: LockOwner): Promise<void> {
  const marker = `${path}.${stale.token.replace(/[^\w-]/g, "_").slice(0, 64)}.takeover`;
  try {
    await writeFile(marker, String(process.pid), { flag: "wx" });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
    // Another process is taking over; unless it died doing so, in which case its marker goes too.
    // (An empty marker is being written: wait.)
    const taker = Number(await readFile(marker, "utf8").catch(() => "0"));
    if (taker > 0 && !isAlive({ pid: taker, token: "" })) await unlink(marker).catch(() => {});
    else await new Promise((resolve) => setTimeout(resolve, 10));
    return;
  }
  try {
    const current = await readOwner(path);
    if (current?.token === stale.token) await unlink(path).catch(() => {});
  } finally {
    await unlink(marker).catch(() => {});
  }
}

async function release(path: string, token: string): Promise<void> {
  if (!heldTokens.delete(token)) return;
  const current = await readOwner(path);
  if (current?.token === token) await unlink(path).catch(() => {});
}
