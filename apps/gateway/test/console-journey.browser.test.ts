// The console's whole journey in a real browser, as a user makes it: sign in, bind A on X with recording through
// the form, place a call through the embedded simulator's HTTP control API and watch its events arrive live, then
// find its CDR with duration and outcome and play its archived recording in the page. Needs /usr/bin/chromium
// (skips without it, except under CI=true).
import { existsSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEFAULT_RECORDINGS, TEST_API_KEYS } from "../src/shared/config.js";
import { type ConsoleBrowser, openConsole } from "./support/console-browser.js";
import { startGateway, type TestGateway } from "./support/gateway.js";
import { CHROMIUM_PATH } from "./support/offline-chromium.js";

const runBrowser = existsSync(CHROMIUM_PATH) || process.env.CI === "true";
if (!runBrowser) console.warn(`console browser test skipped: no Chromium at ${CHROMIUM_PATH}`);

const X = "+8617000000001";
const A = "+8613800000031";
const CALLER = "+8613900000051";

describe.skipIf(!runBrowser)("the console, from sign-in to a recording", () => {
  let gw: TestGateway;
  let browser: ConsoleBrowser;
  let extendNum: string;

  /** POST to the embedded simulator's control API, as a tester at a terminal would. */
  async function control(path: string, body: unknown): Promise<Record<string, unknown>> {
    const response = await fetch(`${gw.gateway.simulatorUrl}${path}`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(body),
    });
    if (!response.ok) throw new Error(`${path} answered ${response.status}: ${await response.text()}`);
    return (await response.json()) as Record<string, unknown>;
  }

  beforeAll(async () => {
    gw = await startGateway({ recordings: { ...DEFAULT_RECORDINGS, archive: true } });
    browser = await openConsole(gw.gateway.url);
  }, 120_000);
  afterAll(async () => {
    await browser?.close();
    await gw?.stop();
  });

  it("signs in and binds A on X with recording through the form", async () => {
    await browser.signIn(TEST_API_KEYS.operator);
    const { page } = browser;
    await page.getByRole("button", { name: "New binding" }).click();
    const form = page.getByRole("form", { name: "New binding" });
    await form.getByLabel("A — number to protect").fill(A);
    await form.getByLabel("X — privacy number").selectOption(X);
    await form.getByLabel("Record calls").check();
    await form.getByRole("button", { name: "Create binding" }).click();
    const notice = page.getByRole("status").filter({ hasText: "Bound" });
    await notice.waitFor();
    extendNum = /extension (\d+)/.exec((await notice.textContent()) ?? "")?.[1] ?? "";
    expect(extendNum).toMatch(/^\d{1,4}$/);
    const row = page.getByRole("table").locator("tbody tr").filter({ hasText: A });
    expect(await row.textContent()).toContain(extendNum);
  });

  it("shows the call placed through the simulator's control API live, event by event", async () => {
    const { page } = browser;
    await browser.open("calls");
    await page.locator('[data-testid="feed-status"][data-state="live"]').first().waitFor();
    const placed = await control("/simulator/calls", {
      caller: CALLER,
      virtualNum: X,
      digits: extendNum,
      talkSeconds: 20,
    });
    const row = page
      .getByRole("table", { name: /^Calls/ })
      .getByRole("row", { name: new RegExp(`\\${CALLER}`) })
      .first();
    await control("/simulator/clock/advance", { ms: 1_000 });
    await row.waitFor();
    await row.getByRole("button", { name: `Show the events of the call from ${CALLER}` }).click();
    const timeline = page.getByRole("table", { name: `Events of the call from ${CALLER}` });
    const eventTypes = () => timeline.locator("tbody tr td:nth-child(2)").allTextContents();
    // Each step of the call arrives while the page stays open: the timeline grows to the call's whole story.
    const seen: number[] = [];
    for (let step = 0; step < 8; step++) {
      seen.push((await eventTypes()).length);
      await control("/simulator/clock/advance", { ms: 5_000 });
    }
    await control("/simulator/clock/advance", { ms: 60_000 });
    await expect
      .poll(eventTypes, { timeout: 15_000 })
      .toEqual(["CALLIN", "COLLECT_INFO", "CALLOUT", "ALERTING", "ANSWER", "DISCONNECT"]);
    // It grew, rather than appearing whole at the end.
    expect(new Set(seen).size).toBeGreaterThan(2);
    expect(await row.textContent()).toContain("Answered");
    expect(placed.sessionId).toEqual(expect.any(String));
  });

  it("lists the CDR with duration and outcome, and plays its archived recording", async () => {
    const { page } = browser;
    await browser.open("records");
    const row = page.getByRole("table").locator("tbody tr").filter({ hasText: CALLER });
    await row.waitFor({ timeout: 30_000 });
    expect(await row.textContent()).toContain("0:20");
    expect(await row.textContent()).toContain("ANSWERED");
    const archived = row.locator('[data-testid="recording-state"][data-state="ARCHIVED"]');
    await archived.waitFor({ timeout: 60_000 });
    const served: number[] = [];
    page.on("response", (response) => {
      if (new URL(response.url()).pathname.startsWith("/recordings/")) served.push(response.status());
    });
    await row.getByRole("button", { name: /^Play recording of call / }).click();
    const audio = row.locator("audio");
    await expect
      .poll(() =>
        audio.evaluate((element: HTMLAudioElement) => [element.readyState >= 1, element.duration > 0]),
      )
      .toEqual([true, true]);
    expect(served.length).toBeGreaterThan(0);
    expect(served.every((status) => status === 200 || status === 206)).toBe(true);
  });

  it("made no request beyond the gateway and logged no error", () => {
    expect(browser.foreignRequests()).toEqual([]);
    expect(browser.pageErrors).toEqual([]);
  });
});
