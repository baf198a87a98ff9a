// A child process that takes the lock of the data directory given as its argument, says "locked", and
// waits to be killed.
import { acquireDataDirLock } from "../../src/process/data-dir-lock.js";

const dataDir = process.argv[2];
if (!dataDir) throw new Error("usage: hold-data-dir-lock.ts <dataDir>");
await acquireDataDirLock(dataDir);
process.stdout.write("locked\n");
setInterval(() => {}, 60_000);
