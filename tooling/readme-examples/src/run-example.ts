import { execFile } from "node:child_process";
import { createRequire } from "node:module";

const tsxCli = createRequire(import.meta.url).resolve("tsx/cli");

/** How one example's process ended. */
export interface ExampleRun {
  /** The exit code; `null` when a signal (or the time limit) ended it. */
  readonly exitCode: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** Options of {@link runExample}. */
export interface RunExampleOptions {
  /** The working directory: the example workspace. */
  readonly cwd: string;
  /** Variables added to this process's environment. */
  readonly env?: Readonly<Record<string, string>>;
  /**
   * Longest run before the process is killed (a hung example fails rather than hanging the suite).
   * @default 60000
   */
  readonly timeoutMs?: number;
}

/** Runs one example file in its own Node process: `.ts` through tsx, `.js` as Node runs it. */
export function runExample(file: string, options: RunExampleOptions): Promise<ExampleRun> {
  const args = file.endsWith(".ts") ? [tsxCli, file] : [file];
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      args,
      {
        cwd: options.cwd,
        env: { ...process.env, ...options.env },
        timeout: options.timeoutMs ?? 60_000,
        killSignal: "SIGKILL",
        maxBuffer: 16 * 1024 * 1024,
      },
      (error, stdout, stderr) => {
        const exitCode = error === null ? 0 : typeof error.code === "number" ? error.code : null;
        resolve({ exitCode, stdout, stderr });
      },
    );
  });
}
