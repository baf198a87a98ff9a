import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { acquireDataDirLock, LOCK_FILE_NAME } from "../src/process/data-dir-lock.js";
import { DataDirInUseError } from "../src/shared/errors.js";
import { GATEWAY_DIR, spawnGateway } from "./support/gateway-process.js";

const dirs: string[] = [];
function newDataDir(): string {
  const dir = mkdtempSync(join(tmpdir(), "privnum-lock-"));
  dirs.push(dir);
  return dir;
}

afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

/** A real child process holding the lock of `dataDir` (through tsx, from the source). */
async function childHoldingLock(dataDir: string) {
  const child = spawnGateway(
    process.execPath,
    ["--import", "tsx", join(GATEWAY_DIR, "test/support/hold-data-dir-lock.ts"), dataDir],
    {},
  );
  await child.waitForOutput("locked");
  return child;
}

describe("acquireDataDirLock", () => {
  it("creates the directory and writes this process's pid; release removes the lock", async () => {
    const dataDir = join(newDataDir(), "nested", "data");
    const lock = await acquireDataDirLock(dataDir);
    expect(JSON.parse(readFileSync(join(dataDir, LOCK_FILE_NAME), "utf8")).pid).toBe(process.pid);
    await lock.release();
    await lock.release();
    const again = await acquireDataDirLock(dataDir);
    await again.release();
  });

  it("refuses while this process holds it", async () => {
    const dataDir = newDataDir();
    const lock = await acquireDataDirLock(dataDir);
    await expect(acquireDataDirLock(dataDir)).rejects.toMatchObject({
      code: "data-dir-in-use",
      pid: process.pid,
    });
    await lock.release();
  });

  it("refuses while another live process holds it, and takes over once that process is killed with SIGKILL", async () => {
    const dataDir = newDataDir();
    const holder = await childHoldingLock(dataDir);
    const error = await acquireDataDirLock(dataDir).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DataDirInUseError);
    expect(error).toMatchObject({ pid: holder.child.pid, dataDir });
    expect((error as Error).message).toBe(
      `DATA_DIR ${dataDir} is in use by another gateway (pid ${holder.child.pid}); several instances need DATABASE_URL, AXE_BASE_URL, REDIS_URL and one shared RECORDINGS_DIR, each with its own DATA_DIR`,
    );

    holder.child.kill("SIGKILL");
    await holder.exited;
    const lock = await acquireDataDirLock(dataDir);
    expect(JSON.parse(readFileSync(join(dataDir, LOCK_FILE_NAME), "utf8")).pid).toBe(process.pid);
    await lock.release();
  }, 60_000);

  it("takes over a lock naming this process's pid that it did not take (an earlier process with the same pid)", async () => {
    const dataDir = newDataDir();
    writeFileSync(join(dataDir, LOCK_FILE_NAME), JSON.stringify({ pid: process.pid, token: "earlier" }));
    const lock = await acquireDataDirLock(dataDir);
    await lock.release();
  });

  it("takes over a lock file it cannot read as a lock", async () => {
    const dataDir = newDataDir();
    writeFileSync(join(dataDir, LOCK_FILE_NAME), "not a lock");
    const lock = await acquireDataDirLock(dataDir);
    await lock.release();
  });

  it("release leaves a lock that is no longer this process's", async () => {
    const dataDir = newDataDir();
    const lock = await acquireDataDirLock(dataDir);
    writeFileSync(join(dataDir, LOCK_FILE_NAME), JSON.stringify({ pid: 1, token: "someone-else" }));
    await lock.release();
    expect(readFileSync(join(dataDir, LOCK_FILE_NAME), "utf8")).toContain("someone-else");
  });
});
