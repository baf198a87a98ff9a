// Reads what a turbo run left on disk (the workspace list, each workspace's vitest JSON report and turbo's run
// summary) into the plain values that `summarise-results.js` summarises.
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";

/** The folders that hold workspaces, as listed in pnpm-workspace.yaml. */
const WORKSPACE_PARENTS = ["packages", "apps", "tooling"];

/** The file every workspace's vitest run writes (see `@privnum/vitest-config`). */
export const REPORT_FILE = ".vitest-result.json";

/**
 * Lists the workspaces of the tree at `root`, with whether each has a `test` script.
 * @param {string} root
 * @returns {import("./summarise-results.js").Workspace[]}
 */
export function listWorkspaces(root) {
  return WORKSPACE_PARENTS.flatMap((parent) => {
    const parentDir = join(root, parent);
    if (!existsSync(parentDir)) return [];
    return readdirSync(parentDir, { withFileTypes: true })
      .filter((entry) => entry.isDirectory() && existsSync(join(parentDir, entry.name, "package.json")))
      .map((entry) => {
        const dir = join(parentDir, entry.name);
        const manifest = JSON.parse(readFileSync(join(dir, "package.json"), "utf8"));
        return {
          name: manifest.name ?? entry.name,
          dir,
          hasTest: typeof manifest.scripts?.test === "string",
        };
      });
  });
}

/**
 * Reads one workspace's vitest JSON report, or says why it could not.
 * @param {string} dir the workspace directory
 * @returns {import("./summarise-results.js").ReportReading}
 */
export function readReport(dir) {
  const file = join(dir, REPORT_FILE);
  if (!existsSync(file)) return { error: `no ${REPORT_FILE}` };
  try {
    const report = JSON.parse(readFileSync(file, "utf8"));
    if (typeof report !== "object" || report === null || !Array.isArray(report.testResults)) {
      return { error: `${REPORT_FILE} is not a vitest JSON report` };
    }
    return { report };
  } catch (error) {
    return {
      error: `${REPORT_FILE} is unreadable: ${error instanceof Error ? error.message : String(error)}`,
    };
  }
}

/**
 * The run summaries (`turbo run --summarize`) present in `runsDir`, to tell the new one apart afterwards.
 * @param {string} runsDir usually `<root>/.turbo/runs`
 * @returns {Set<string>}
 */
export function listRunSummaries(runsDir) {
  return new Set(existsSync(runsDir) ? readdirSync(runsDir).filter((name) => name.endsWith(".json")) : []);
}

/**
 * Reads the tasks of the run summary turbo wrote since `before` was listed, or undefined when there is none.
 * @param {string} runsDir usually `<root>/.turbo/runs`
 * @param {Set<string>} before what `listRunSummaries` returned before the run
 * @returns {import("./summarise-results.js").TaskResult[] | undefined}
 */
export function readTurboTasks(runsDir, before) {
  const added = [...listRunSummaries(runsDir)].filter((name) => !before.has(name));
  if (added.length !== 1) return undefined;
  try {
    const summary = JSON.parse(readFileSync(join(runsDir, /** @type {string} */ (added[0])), "utf8"));
    return summary.tasks.map((/** @type {any} */ task) => ({
      package: task.package,
      task: task.task,
      // A task restored from the cache passed when it ran; turbo still records its exit status as 0.
      exitCode: task.execution?.exitCode ?? (task.cache?.status === "HIT" ? 0 : 1),
    }));
  } catch {
    return undefined;
  }
}
