// Pure functions that turn what a `pnpm test` run left behind (the workspace list, each workspace's vitest JSON
// report or the reason it could not be read, and turbo's failed tasks) into the closing summary. Nothing here
// touches the disk, so the rules are tested on their own; `read-run-results.js` gathers the inputs.

/**
 * @typedef {object} Workspace
 * @property {string} name package name, e.g. `@privnum/axe-api`
 * @property {string} dir absolute directory of the workspace
 * @property {boolean} hasTest whether its package.json has a `test` script
 */

/**
 * @typedef {object} VitestFileResult
 * @property {string} name absolute path of the test file
 * @property {string} status `passed` or `failed`
 * @property {string} [message] why the file failed outside any test (load error, hook error)
 * @property {{ status: string }[]} assertionResults one entry per test
 */

/**
 * @typedef {object} VitestReport vitest's JSON reporter output, as far as the summary reads it
 * @property {number} [numPassedTests]
 * @property {number} [numFailedTests]
 * @property {number} [numPendingTests]
 * @property {number} [numTodoTests]
 * @property {boolean} [success]
 * @property {VitestFileResult[]} [testResults]
 */

/** @typedef {{ report: VitestReport } | { error: string }} ReportReading what reading one workspace's report gave */

/**
 * @typedef {object} TaskResult
 * @property {string} package package name
 * @property {string} task task name, e.g. `lint`
 * @property {number} exitCode the task's exit status (0 when it passed or was restored from the cache)
 */

/**
 * @typedef {object} Summary
 * @property {number} passed tests that passed
 * @property {number} failed failed tests, plus one per file that failed outside its tests and per crashed run
 * @property {number} skipped skipped and todo tests
 * @property {string[]} problems one line per failure that the counts alone do not explain
 * @property {number} exitCode 0 only when every task passed and at least one test ran
 */

/**
 * Keeps the first line of a (possibly multi-line) message, for one-line explanations.
 * @param {string | undefined} text
 */
function firstLine(text) {
  return (text ?? "").split("\n", 1)[0]?.trim() ?? "";
}

/**
 * Counts one vitest JSON report: its tests, plus every file that failed without a failing test in it (a file that
 * could not be imported, or whose hooks threw or timed out, skipping its tests) as one failure each.
 * @param {VitestReport} report
 * @param {string} dir the workspace directory, to print test files relative to it
 * @returns {{ passed: number, failed: number, skipped: number, problems: string[] }}
 */
export function countReport(report, dir) {
  const passed = report.numPassedTests ?? 0;
  let failed = report.numFailedTests ?? 0;
  const skipped = (report.numPendingTests ?? 0) + (report.numTodoTests ?? 0);
  const problems = [];
  for (const file of report.testResults ?? []) {
    if (file.status !== "failed") continue;
    if ((file.assertionResults ?? []).some((test) => test.status === "failed")) continue;
    failed++;
    const relative = file.name.startsWith(`${dir}/`) ? file.name.slice(dir.length + 1) : file.name;
    const why = firstLine(file.message) || "see its output above";
    problems.push(`${relative} failed outside its tests (a load error or a failing hook): ${why}`);
  }
  // Vitest also fails a run for errors outside any file (an unhandled rejection after a test ended).
  if (report.success === false && failed === 0) {
    failed++;
    problems.push("vitest reported errors outside any test (unhandled error?)");
  }
  return { passed, failed, skipped, problems };
}

/**
 * Summarises a whole run over every workspace.
 * @param {object} input
 * @param {Workspace[]} input.workspaces every workspace of the tree
 * @param {Map<string, ReportReading>} input.reports what reading each test workspace's report gave, by name
 * @param {TaskResult[] | undefined} input.tasks every task turbo ran, or undefined when turbo left no run summary
 * @param {number} input.turboExitCode turbo's own exit status
 * @returns {Summary}
 */
export function summarise({ workspaces, reports, tasks, turboExitCode }) {
  let passed = 0;
  let failed = 0;
  let skipped = 0;
  const problems = [];
  let exitCode = 0;

  if (tasks === undefined) problems.push(`turbo exited with status ${turboExitCode} and left no run summary`);
  const failedTasks = (tasks ?? []).filter((task) => task.exitCode !== 0);
  for (const task of failedTasks) {
    if (task.task === "test") continue; // accounted for below, with the workspace's report
    problems.push(`task failed: ${task.package}#${task.task} (exit ${task.exitCode})`);
    exitCode = 1;
  }

  for (const workspace of workspaces.filter((w) => w.hasTest)) {
    const reading = reports.get(workspace.name) ?? { error: "no report was read" };
    const testTask = tasks?.find((task) => task.package === workspace.name && task.task === "test");
    if ("error" in reading) {
      failed++;
      const how = testTask ? `its test task exited ${testTask.exitCode}` : "turbo did not run its test task";
      problems.push(`${workspace.name}: test run crashed (${how}; ${reading.error})`);
      continue;
    }
    const counted = countReport(reading.report, workspace.dir);
    passed += counted.passed;
    skipped += counted.skipped;
    failed += counted.failed;
    for (const problem of counted.problems) problems.push(`${workspace.name}: ${problem}`);
    if (testTask && testTask.exitCode !== 0 && counted.failed === 0) {
      failed++;
      problems.push(
        `${workspace.name}: test task exited ${testTask.exitCode} though its report shows no failure`,
      );
    }
  }

  if (failed > 0) exitCode = 1;
  if (passed + failed === 0) {
    problems.push("no test ran");
    exitCode = 1;
  }
  if (turboExitCode !== 0) {
    if (problems.length === 0) problems.push(`turbo exited with status ${turboExitCode}`);
    exitCode = 1;
  }
  return { passed, failed, skipped, problems, exitCode };
}

/**
 * The closing line of a run, which CI reads: `N passed, N failed, N skipped`.
 * @param {Pick<Summary, "passed" | "failed" | "skipped">} summary
 */
export function closingLine({ passed, failed, skipped }) {
  return `${passed} passed, ${failed} failed, ${skipped} skipped`;
}

/**
 * Every line the run prints after turbo: the problems, then the closing line last.
 * @param {Summary} summary
 * @returns {string[]}
 */
export function summaryLines(summary) {
  return [...summary.problems, closingLine(summary)];
}
