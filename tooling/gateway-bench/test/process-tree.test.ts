// The gateway cluster's CPU is read from /proc for its primary and every descendant: a grandchild's busy
// loop must count, and a process that is gone must fail the reading rather than read as idle.
import { type ChildProcess, spawn } from "node:child_process";
import { once } from "node:events";
import { afterEach, describe, expect, it } from "vitest";
import { parseProcStat, readProcessTree } from "../src/lib/process-tree.js";

let child: ChildProcess | undefined;
let grandchild: number | undefined;
afterEach(() => {
  child?.kill("SIGKILL");
  if (grandchild) process.kill(grandchild, "SIGKILL");
  child = undefined;
  grandchild = undefined;
});

// A parent that starts a child which spins until it has used 600 ms of CPU, then says so on the parent's
// stdout; the parent prints the child's pid first, and both idle after.
const SPIN = "while (process.cpuUsage().user < 600000); console.log('spun'); setInterval(() => {}, 1000)";
const SPINNING_GRANDCHILD = `
const { spawn } = require("node:child_process");
const g = spawn(process.execPath, ["-e", ${JSON.stringify(SPIN)}], { stdio: ["ignore", "inherit", "inherit"] });
console.log(g.pid);
setInterval(() => {}, 1000);
`;

/** Resolves with everything `stream` printed once it has printed `text`. */
function printed(stream: NodeJS.ReadableStream, text: string): Promise<string> {
  let out = "";
  return new Promise((resolve) => {
    stream.on("data", (chunk: Buffer) => {
      out += chunk.toString();
      if (out.includes(text)) resolve(out);
    });
  });
}

describe("readProcessTree", () => {
  it("counts the CPU of a process's descendants", async () => {
    child = spawn(process.execPath, ["-e", SPINNING_GRANDCHILD], { stdio: ["ignore", "pipe", "inherit"] });
    const out = await printed(child.stdout!, "spun");
    grandchild = Number(out.split("\n")[0]);
    const tree = readProcessTree(child.pid!);
    expect(tree.pids).toEqual(expect.arrayContaining([child.pid, grandchild]));
    // The grandchild spun for 600 ms of its own, besides both processes' start-up.
    expect(tree.cpuMs).toBeGreaterThanOrEqual(600);
    expect(tree.rssBytes).toBeGreaterThan(10 * 1024 * 1024);
    const parentOnly = parseProcStat(
      (await import("node:fs")).readFileSync(`/proc/${child.pid}/stat`, "utf8"),
    );
    expect(tree.cpuMs).toBeGreaterThanOrEqual(parentOnly.cpuTicks * 10 + 600);
  });

  it("throws for a process that is gone", async () => {
    const gone = spawn(process.execPath, ["-e", ""], { stdio: "ignore" });
    await once(gone, "exit");
    expect(() => readProcessTree(gone.pid!)).toThrow(`process ${gone.pid} is gone`);
  });

  it("reads a stat line whose command name holds spaces and parentheses", () => {
    const line = "4242 (node (x) y) S 4000 1 1 0 -1 4194560 1 0 0 0 150 30 7 3 20 0 11 0 1 1 1";
    expect(parseProcStat(line)).toEqual({
      pid: 4242,
      ppid: 4000,
      cpuTicks: 180,
      systemTicks: 30,
      reapedChildrenTicks: 10,
    });
  });
});
