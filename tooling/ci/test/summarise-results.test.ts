import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, describe, expect, test } from "vitest";
import {
  listRunSummaries,
  listWorkspaces,
  REPORT_FILE,
  readReport,
  readTurboTasks,
} from "../read-run-results.js";
import { closingLine, countReport, summarise, summaryLines } from "../summarise-results.js";
import { makeTree, removeTree, runVitest } from "./fixture-tree.js";

const CLOSING_LINE = /^\d+ passed, \d+ failed(, \d+ skipped)?$/;

// One tree with every fixture workspace; vitest really runs in each of them once, here.
const tree = makeTree(["passing", "failing", "unloadable", "crashing", "lint-fails"]);
const runs = {
  passing: runVitest(tree.dir("passing")),
  failing: runVitest(tree.dir("failing")),
  unloadable: runVitest(tree.dir("unloadable")),
  crashing: runVitest(tree.dir("crashing")),
};
afterAll(() => removeTree(tree.root));

function reportOf(name: keyof typeof runs) {
  const reading = readReport(tree.dir(name));
  if (!("report" in reading)) throw new Error(`no report for ${name}: ${reading.error}`);
  return reading.report;
}

describe("countReport on real vitest reports", () => {
  test("counts passed and skipped tests of a passing suite", () => {
    expect(runs.passing.status).toBe(0);
    expect(countReport(reportOf("passing"), tree.dir("passing"))).toEqual({
      passed: 2,
      failed: 0,
      skipped: 1,
      problems: [],
    });
  });

  test("counts a failing test once, and a file whose setup failed (its tests skipped) as one more", () => {
    expect(runs.failing.status).toBe(1);
    expect(countReport(reportOf("failing"), tree.dir("failing"))).toEqual({
      passed: 1,
      failed: 2,
      skipped: 1,
      problems: [
        "test/failing-hook.test.js failed outside its tests (a load error or a failing hook): the setup of this file fails",
      ],
    });
  });

  test("counts each file that failed to load as one failure and names it", () => {
    expect(runs.unloadable.status).toBe(1);
    const counted = countReport(reportOf("unloadable"), tree.dir("unloadable"));
    expect(counted).toMatchObject({ passed: 1, failed: 2, skipped: 0 });
    expect(counted.problems).toEqual([
      expect.stringMatching(/^test\/missing-import\.test\.js failed outside its tests .*no-such-module\.js/),
      expect.stringMatching(/^test\/throws-at-import\.test\.js failed .*throws while it is imported$/),
    ]);
  });
});

describe("readReport", () => {
  test("says why when the runner died before writing its report", () => {
    expect(runs.crashing.status).not.toBe(0);
    expect(readReport(tree.dir("crashing"))).toEqual({ error: `no ${REPORT_FILE}` });
  });

  test("says why when the report is cut short", () => {
    const dir = tree.dir("passing");
    const whole = readFileSync(join(dir, REPORT_FILE), "utf8");
    const copy = join(tree.root, "packages", "lint-fails");
    writeFileSync(join(copy, REPORT_FILE), whole.slice(0, whole.length / 2));
    expect(readReport(copy)).toEqual({ error: expect.stringMatching(/is unreadable: /) });
  });
});

describe("summarise", () => {
  const workspaces = listWorkspaces(tree.root);
  const reports = new Map(workspaces.filter((w) => w.hasTest).map((w) => [w.name, readReport(w.dir)]));
  const passedTasks = workspaces
    .filter((w) => w.hasTest)
    .map((w) => ({ package: w.name, task: "test", exitCode: 0 }));

  test("lists the tree's workspaces and which have tests", () => {
    expect(workspaces.map((w) => [w.name, w.hasTest]).sort()).toEqual([
      ["crashing", true],
      ["failing", true],
      ["lint-fails", false],
      ["passing", true],
      ["unloadable", true],
    ]);
  });

  test("adds every suite up, counts load failures and the crash, and ends on the closing line", () => {
    const tasks = [
      { package: "passing", task: "test", exitCode: runs.passing.status ?? 1 },
      { package: "failing", task: "test", exitCode: runs.failing.status ?? 1 },
      { package: "unloadable", task: "test", exitCode: runs.unloadable.status ?? 1 },
      { package: "crashing", task: "test", exitCode: 137 },
    ];
    const summary = summarise({ workspaces, reports, tasks, turboExitCode: 1 });
    expect(summary).toMatchObject({ passed: 4, failed: 5, skipped: 2, exitCode: 1 });
    const lines = summaryLines(summary);
    expect(lines.at(-1)).toBe("4 passed, 5 failed, 2 skipped");
    expect(lines.at(-1)).toMatch(CLOSING_LINE);
    expect(lines).toContain("crashing: test run crashed (its test task exited 137; no .vitest-result.json)");
    expect(lines.filter((line) => line.startsWith("unloadable: "))).toHaveLength(2);
  });

  test("passes only a clean run", () => {
    const summary = summarise({
      workspaces: workspaces.filter((w) => w.name === "passing"),
      reports,
      tasks: passedTasks.filter((t) => t.package === "passing"),
      turboExitCode: 0,
    });
    expect(summary).toEqual({ passed: 2, failed: 0, skipped: 1, problems: [], exitCode: 0 });
  });

  test("fails a run whose non-test task failed, and names the task", () => {
    const summary = summarise({
      workspaces: workspaces.filter((w) => w.name === "passing" || w.name === "lint-fails"),
      reports,
      tasks: [...passedTasks, { package: "lint-fails", task: "lint", exitCode: 3 }],
      turboExitCode: 3,
    });
    expect(summary).toEqual({
      passed: 2,
      failed: 0,
      skipped: 1,
      problems: ["task failed: lint-fails#lint (exit 3)"],
      exitCode: 1,
    });
  });

  test("counts a test task that failed although its report is clean", () => {
    const summary = summarise({
      workspaces: workspaces.filter((w) => w.name === "passing"),
      reports,
      tasks: [{ package: "passing", task: "test", exitCode: 1 }],
      turboExitCode: 1,
    });
    expect(summary).toMatchObject({ passed: 2, failed: 1, exitCode: 1 });
    expect(summary.problems).toEqual(["passing: test task exited 1 though its report shows no failure"]);
  });

  test("fails a run in which no test ran", () => {
    const summary = summarise({
      workspaces: workspaces.filter((w) => w.name === "lint-fails"),
      reports,
      tasks: [],
      turboExitCode: 0,
    });
    expect(summaryLines(summary)).toEqual(["no test ran", "0 passed, 0 failed, 0 skipped"]);
    expect(summary.exitCode).toBe(1);
  });

  test("fails a run when turbo left no run summary and exited non-zero", () => {
    const runsDir = join(tree.root, ".turbo", "runs");
    const tasks = readTurboTasks(runsDir, listRunSummaries(runsDir));
    expect(tasks).toBeUndefined();
    const summary = summarise({
      workspaces: workspaces.filter((w) => w.name === "passing"),
      reports,
      tasks,
      turboExitCode: 2,
    });
    expect(summary.problems).toEqual(["turbo exited with status 2 and left no run summary"]);
    expect(summary.exitCode).toBe(1);
  });
});

test("closingLine has the form CI reads", () => {
  expect(closingLine({ passed: 179, failed: 2, skipped: 0 })).toMatch(CLOSING_LINE);
});
