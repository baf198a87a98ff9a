import { afterEach, describe, expect, test } from "vitest";
import { type FixtureWorkspace, makeTree, removeTree, runTestCommand } from "./fixture-tree.js";

const roots: string[] = [];
afterEach(() => {
  for (const root of roots.splice(0)) removeTree(root);
});

/** Runs the real test command (turbo, vitest) over a tree of the given fixture workspaces. */
function run(workspaces: FixtureWorkspace[]) {
  const tree = makeTree(workspaces);
  roots.push(tree.root);
  const result = runTestCommand(tree.root);
  const lines = `${result.stdout}`.trimEnd().split("\n");
  return { status: result.status, lines, output: `${result.stdout}${result.stderr}` };
}

// Each of these runs turbo and vitest for real, several processes at once; the timeout only bounds a hang on a
// small, busy machine. (The remaining rules, such as "no test ran", are tested on summarise() alone.)
describe("the test command (tooling/ci/run-tests.js)", { timeout: 600_000 }, () => {
  test("runs every suite past failures and counts failed tests, load failures and a crash", () => {
    const { status, lines, output } = run(["passing", "failing", "unloadable", "crashing", "lint-fails"]);
    expect(status, output).toBe(1);
    expect(lines.at(-1)).toBe("4 passed, 5 failed, 2 skipped");
    const explanation = lines.slice(-7, -1);
    expect(explanation).toEqual(
      expect.arrayContaining([
        "task failed: lint-fails#lint (exit 3)",
        expect.stringMatching(
          /^crashing: test run crashed \(its test task exited \d+; no \.vitest-result\.json\)$/,
        ),
        expect.stringMatching(/^unloadable: test\/missing-import\.test\.js failed outside its tests/),
        expect.stringMatching(/^unloadable: test\/throws-at-import\.test\.js failed outside its tests/),
        expect.stringMatching(/^failing: test\/failing-hook\.test\.js failed outside its tests/),
      ]),
    );
  });

  test("exits 0 on a clean run, with the closing line last", () => {
    const { status, lines, output } = run(["passing"]);
    expect(status, output).toBe(0);
    expect(lines.at(-1)).toBe("2 passed, 0 failed, 1 skipped");
  });
});
