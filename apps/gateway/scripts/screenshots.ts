// `pnpm screenshots`: start a gateway (in-memory PGlite, embedded simulator, recordings archived), drive its
// GraphiQL and its web console in headless Chromium exactly as the browser tests do, and write what they show to
// docs/screenshots/:
//   graphiql-query.png          a binding created with the mutation, its result on the right
//   graphiql-subscription.png   callEvents on X, showing the live DISCONNECT of a simulated call
//   console-bindings.png        the console's bindings, as an operator
//   console-live-calls.png      live calls: finished ones and one in progress
//   console-call-records.png    CDRs with outcome, duration and a recording playing
//   console-numbers.png         X numbers with their live panels (calls per 5 minutes, answer rate, hang-up causes)
//   console-viewer.png          the same bindings as a viewer: numbers masked, no control that changes anything
import { mkdirSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { DEFAULT_RECORDINGS, TEST_API_KEYS, testConfig } from "../src/shared/config.js";
import { openConsole } from "../test/support/console-browser.js";
import { seedBindings, seedFinishedCalls } from "../test/support/console-scenario.js";
import { startGateway } from "../test/support/gateway.js";
import { openGraphiQL, showCreatedBinding, showLiveCallEvent } from "../test/support/graphiql-browser.js";

const outDir = fileURLToPath(new URL("../../../docs/screenshots/", import.meta.url));
mkdirSync(outDir, { recursive: true });
const written: string[] = [];

async function graphiqlScreens(): Promise<void> {
  // Development keys on a loopback host: GraphiQL opens with the operator's key in place.
  const gw = await startGateway({ auth: { ...testConfig().auth, devKeys: true } });
  try {
    const graphiql = await openGraphiQL(gw.gateway.graphqlUrl);
    try {
      const binding = await showCreatedBinding(graphiql);
      await graphiql.screenshot(`${outDir}graphiql-query.png`);
      await showLiveCallEvent(graphiql, {
        gateway: gw.gateway,
        simulator: gw.gateway.simulator!,
        extendNum: binding.extendNum,
      });
      await graphiql.screenshot(`${outDir}graphiql-subscription.png`);
      graphiql.assertNoForeignRequests();
      written.push("graphiql-query.png", "graphiql-subscription.png");
    } finally {
      await graphiql.close();
    }
  } finally {
    await gw.stop();
  }
}

async function consoleScreens(): Promise<void> {
  const gw = await startGateway({ recordings: { ...DEFAULT_RECORDINGS, archive: true } });
  const simulator = gw.gateway.simulator!;
  const browser = await openConsole(gw.gateway.url, { viewport: { width: 1440, height: 900 } });
  try {
    const bindings = await seedBindings(gw);
    await seedFinishedCalls(simulator, bindings);
    await browser.signIn(TEST_API_KEYS.operator);
    const { page } = browser;

    await browser.open("bindings");
    await page.getByRole("table").locator("tbody tr").first().waitFor();
    await browser.screenshot(`${outDir}console-bindings.png`);
    written.push("console-bindings.png");

    await browser.open("records");
    // The archiver stores the answered calls' recordings; the page shows them without a reload.
    const archived = page.locator('tr:has([data-testid="recording-state"][data-state="ARCHIVED"])').first();
    await archived.waitFor({ timeout: 60_000 });
    await archived.getByRole("button", { name: /^Play recording/ }).click();
    await page.waitForFunction(() => (document.querySelector("audio")?.readyState ?? 0) >= 1);
    await browser.screenshot(`${outDir}console-call-records.png`);
    written.push("console-call-records.png");

    // Live calls: the finished ones, and one placed now, shown while it rings and then talks.
    await browser.open("calls");
    await page.getByTestId("feed-status").and(page.locator('[data-state="live"]')).first().waitFor();
    const ringing = bindings[0]!;
    await simulator.simulateCall({
      caller: "+8613900000077",
      virtualNum: ringing.virtualNum,
      digits: ringing.extendNum,
      talkSeconds: 600,
    });
    await simulator.clock.advance(15_000);
    const liveRow = page.getByRole("table", { name: /^Calls/ }).getByRole("row", { name: /\+8613900000077/ });
    await liveRow
      .getByText(/answered|talking/i)
      .first()
      .waitFor();
    const lastFinished = page.getByRole("button", { name: /^Show the events of the call from / }).nth(1);
    await lastFinished.click();
    await page.getByRole("table", { name: /^Events of the call from / }).waitFor();
    await browser.screenshot(`${outDir}console-live-calls.png`);
    written.push("console-live-calls.png");

    await browser.open("numbers");
    await page.locator("figure canvas").first().waitFor();
    await page.waitForTimeout(500);
    await browser.screenshot(`${outDir}console-numbers.png`);
    written.push("console-numbers.png");

    // The viewer: the same bindings, masked, without a control that changes anything.
    await page.getByRole("button", { name: "Sign out" }).click();
    await browser.signIn(TEST_API_KEYS.viewer);
    await browser.open("bindings");
    await page.getByRole("table").locator("tbody tr").first().waitFor();
    await browser.screenshot(`${outDir}console-viewer.png`);
    written.push("console-viewer.png");
    if (browser.pageErrors.length > 0)
      throw new Error(`the console logged errors: ${browser.pageErrors.join("; ")}`);
    if (browser.foreignRequests().length > 0) {
      throw new Error(`the console requested other hosts: ${browser.foreignRequests().join(", ")}`);
    }
  } finally {
    await browser.close();
    await gw.stop();
  }
}

await graphiqlScreens();
await consoleScreens();
console.log(`Wrote ${written.join(", ")} to ${outDir}`);
