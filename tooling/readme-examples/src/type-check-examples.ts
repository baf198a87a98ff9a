import { execFile } from "node:child_process";
import { createRequire } from "node:module";
import { join } from "node:path";
import { promisify } from "node:util";
import { blockLocation } from "./example-conventions.js";
import type { ExampleWorkspace } from "./example-workspace.js";

const run = promisify(execFile);
const tsc = createRequire(import.meta.url).resolve("typescript/bin/tsc");
const DIAGNOSTIC = /^(.+?)\((\d+),(\d+)\): (error TS\d+: .*)$/;

/**
 * Runs `tsc --noEmit` over a workspace's examples and returns one message per error, located in its README:
 * `packages/axe-api/README.md:52 (block at line 34, column 7): error TS2339: …`. Empty when all pass.
 */
export async function typeCheckExamples(workspace: ExampleWorkspace): Promise<string[]> {
  const result = await run(process.execPath, [tsc, "--noEmit", "--pretty", "false", "-p", workspace.dir], {
    cwd: workspace.dir,
    maxBuffer: 16 * 1024 * 1024,
  }).then(
    ({ stdout }) => ({ output: stdout, failed: false }),
    (error: { stdout?: string; stderr?: string; message: string }) => ({
      output: `${error.stdout ?? ""}${error.stderr ?? ""}` || error.message,
      failed: true,
    }),
  );
  if (!result.failed) return [];
  const blocks = new Map([...workspace.files].map(([block, file]) => [file, block]));
  const messages: string[] = [];
  for (const line of result.output.split("\n")) {
    const match = DIAGNOSTIC.exec(line);
    if (match) {
      const [, file = "", row = "0", column = "0", text = ""] = match;
      const block = blocks.get(join(workspace.dir, file));
      messages.push(
        block
          ? `${block.readme}:${block.line + Number(row)} (block at ${blockLocation(block)}, column ${column}): ${text}`
          : `${file}(${row},${column}): ${text}`,
      );
    } else if (line.trim() !== "" && messages.length > 0) {
      messages[messages.length - 1] += `\n${line}`; // a diagnostic's continuation line
    } else if (line.trim() !== "") {
      messages.push(line);
    }
  }
  return messages.length > 0 ? messages : [result.output];
}
