// The console's Numbers page in a real browser, against a gateway with its embedded simulator (frozen clock): each
// X's live panel counts the calls of the last hour (in progress, started, answer rate with answered / unanswered /
// failed), draws them per 5 minutes and by hang-up cause (stated in words too); a call placed while the page is
// open shows up without a reload and the counts move when it ends; a status push changes the badge live; a viewer
// sees the same with X masked. Nothing leaves the machine and the page logs no error (a CSP violation would be
// one). Needs /usr/bin/chromium (skips without it, except under CI=true).
import { existsSync } from "node:fs";
import type { Simulator } from "@privnum/axe-simulator";
import { maskPhoneNumber } from "@privnum/notification-schemas";
import type { Locator } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { TEST_API_KEYS } from "../src/shared/config.js";
import { type ConsoleBrowser, openConsole } from "./support/console-browser.js";
import { startGateway, type TestGateway } from "./support/gateway.js";
import { CHROMIUM_PATH } from "./support/offline-chromium.js";

const runBrowser = existsSync(CHROMIUM_PATH) || process.env.CI === "true";
if (!runBrowser) console.warn(`console browser test skipped: no Chromium at ${CHROMIUM_PATH}`);

/** The embedded simulator's two X numbers. */
const X1 = "+8617000000001";
const X2 = "+8617000000002";
const A = "+8613800000021";
/** The page refetches at most once per 2 s, and the browser may be slow on a shared machine. */
const LIVE = { timeout: 20_000 };

interface Cause {
  code: number;
  source: string;
  description: string | null;
  count: number;
}

describe.skipIf(!runBrowser)("the console's Numbers page", () => {
  let gw: TestGateway;
  let simulator: Simulator;
  let browser: ConsoleBrowser;
  let extendNum: string;

  /** The live panel (card) of `x` as shown. */
  const card = (x: string): Locator => browser.page.getByRole("article", { name: x, exact: true });
  const stat = (x: string, testId: string) => card(x).getByTestId(testId);
  /** The counts under the answer rate of `x`'s panel. */
  const outcomes = (x: string) => stat(x, "answer-rate-detail").getByRole("listitem").allTextContents();
  /** The status table's row of `x`. */
  const statusRow = (x: string): Locator =>
    browser.page
      .getByRole("row")
      .filter({ has: browser.page.getByRole("rowheader", { name: x, exact: true }) });
  const text = async (locator: Locator) => ((await locator.textContent()) ?? "").trim();

  /** The hang-up causes the gateway counts on X1 over the page's window. */
  async function causesOfX1(): Promise<Cause[]> {
    const result = await gw.gql<{
      virtualNumbers: { number: string; activity: { hangUpCauses: Cause[] } }[];
    }>(
      "{ virtualNumbers { number activity(minutes: 60, bucketMinutes: 5) { hangUpCauses { code source description count } } } }",
    );
    expect(result.errors).toBeUndefined();
    return result.data!.virtualNumbers.find((n) => n.number === X1)!.activity.hangUpCauses;
  }

  /** Whether the canvas has a drawn (non-transparent) pixel, and its size. */
  async function drawn(canvas: Locator): Promise<{ width: number; height: number; painted: boolean }> {
    return canvas.evaluate((element) => {
      const c = element as HTMLCanvasElement;
      const pixels = c.getContext("2d")!.getImageData(0, 0, c.width, c.height).data;
      let painted = false;
      for (let i = 3; i < pixels.length && !painted; i += 4) painted = pixels[i]! > 0;
      const box = c.getBoundingClientRect();
      return { width: box.width, height: box.height, painted };
    });
  }

  beforeAll(async () => {
    gw = await startGateway();
    simulator = gw.gateway.simulator!;
    const created = await gw.gql<{ createBinding: { binding?: { extendNum: string }; message?: string } }>(
      `mutation { createBinding(input: { bindNum: "${A}", virtualNum: "${X1}" }) {
        ... on CreateBindingPayload { binding { extendNum } } ... on Error { message } } }`,
    );
    extendNum = created.data!.createBinding.binding!.extendNum;
    const unbound = extendNum === "9999" ? "9998" : "9999";
    // One answered, one the callee rejects (unanswered), one to an extension nobody is bound on (failed).
    await simulator.simulateCall({
      caller: "+8613900000001",
      virtualNum: X1,
      digits: extendNum,
      talkSeconds: 20,
    });
    await simulator.simulateCall({
      caller: "+8613900000002",
      virtualNum: X1,
      digits: extendNum,
      outcome: "rejected",
    });
    await simulator.simulateCall({ caller: "+8613900000003", virtualNum: X1, digits: unbound });
    await simulator.setNumberStatus({ number: X1, status: "5" });
    await simulator.clock.advance(120_000);

    browser = await openConsole(gw.gateway.url);
    await browser.signIn(TEST_API_KEYS.operator);
    await browser.open("numbers");
  }, 120_000);
  afterAll(async () => {
    await browser?.close();
    await gw?.stop();
  });

  it("shows each X's status, and a panel with the counts, the answer rate and the hang-up causes in words", async () => {
    await expect.poll(() => text(stat(X1, "started")), LIVE).toBe("3");
    expect(await text(stat(X1, "in-progress"))).toBe("0");
    expect(await text(stat(X1, "answer-rate"))).toBe("33%");
    expect(await outcomes(X1)).toEqual(["1 answered", "1 unanswered", "1 failed"]);
    expect(await text(stat(X2, "started"))).toBe("0");
    expect(await text(stat(X2, "answer-rate"))).toBe("—");

    // The status table and the cards: both X's reported normal.
    for (const x of [X1, X2]) {
      const row = statusRow(x);
      expect(await text(row.getByRole("cell").first())).toBe("Normal");
      expect(await text(row.getByRole("cell").nth(1))).toBe("Normal.");
      expect(await row.locator("time").count()).toBe(1);
      expect(await text(card(x).locator(".badge"))).toBe("Normal");
      expect(await card(x).locator(".badge").getAttribute("class")).toBe("badge ok");
    }

    // The causes chart states every cause the gateway counted, in words, with its count.
    const causes = await causesOfX1();
    expect(causes.reduce((sum, cause) => sum + cause.count, 0)).toBe(3);
    const causesFigure = card(X1).getByRole("figure", { name: /Hang-up causes/ });
    const said = await text(causesFigure);
    for (const cause of causes) {
      expect(cause.description).toBeTruthy();
      expect(said).toContain(`${cause.description} (${cause.source} ${cause.code}): ${cause.count}`);
    }
    expect(said).toMatch(/rejected/i);

    // The calls chart states the bucket the three calls started in.
    const callsFigure = card(X1).getByRole("figure", { name: /Calls per 5 minutes/ });
    expect(await text(callsFigure)).toMatch(
      /3 calls started in the last hour, per 5 minutes: from \d\d:\d\d( [AP]M)?, 3 calls \(1 answered, 1 unanswered, 1 failed\)\./,
    );

    // Both charts are drawn.
    for (const name of [`Calls per 5 minutes on ${X1}, last hour`, `Hang-up causes on ${X1}, last hour`]) {
      const canvas = card(X1).getByRole("img", { name });
      await expect.poll(async () => (await drawn(canvas)).painted, LIVE).toBe(true);
      const { width, height } = await drawn(canvas);
      expect(width).toBeGreaterThan(100);
      expect(height).toBeGreaterThan(50);
    }
  });

  it("raises 'in progress' for a call placed while the page is open, then moves the counts when it ends", async () => {
    const { page } = browser;
    await expect
      .poll(() => page.getByTestId("feed-status").evaluateAll((els) => els.map((e) => e.dataset.state)), LIVE)
      .toEqual(["live", "live"]);
    const before = page.url();
    await simulator.simulateCall({
      caller: "+8613900000004",
      virtualNum: X1,
      digits: extendNum,
      talkSeconds: 30,
    });
    // callin, collectInfo, callout: the call rings A.
    await simulator.clock.advance(6_000);
    await expect.poll(() => text(stat(X1, "in-progress")), LIVE).toBe("1");
    expect(await text(stat(X1, "started"))).toBe("4");
    expect(await card(X1).locator(".number-stat-live").count()).toBe(1);

    // Answered at 12 s, hung up at 42 s.
    await simulator.clock.advance(60_000);
    await expect.poll(() => text(stat(X1, "in-progress")), LIVE).toBe("0");
    expect(await text(stat(X1, "started"))).toBe("4");
    await expect.poll(() => text(stat(X1, "answer-rate")), LIVE).toBe("50%");
    expect(await outcomes(X1)).toEqual(["2 answered", "1 unanswered", "1 failed"]);
    expect(page.url()).toBe(before);
  });

  it("changes the badge when the platform pushes a status, without a reload", async () => {
    expect(await text(card(X2).locator(".badge"))).toBe("Normal");
    await simulator.setNumberStatus({ number: X2, status: "10", cause: "2" });
    await simulator.clock.advance(1_000);
    await expect.poll(() => text(card(X2).locator(".badge")), LIVE).toBe("Unavailable");
    expect(await card(X2).locator(".badge").getAttribute("class")).toBe("badge bad");
    const row2 = statusRow(X2);
    expect(await text(row2.getByRole("cell").first())).toBe("Unavailable");
    expect(await text(row2.getByRole("cell").nth(1))).toBe(
      "Unavailable: binding, calls and SMS all stop. Cause: Account in arrears (2).",
    );
    // The other X is left as it was.
    expect(await text(card(X1).locator(".badge"))).toBe("Normal");
  });

  it("shows a viewer the same panels with every X masked and no control", async () => {
    const { page } = browser;
    await page.getByRole("button", { name: "Sign out" }).click();
    await browser.signIn(TEST_API_KEYS.viewer);
    await browser.open("numbers");
    const masked = maskPhoneNumber(X1);
    expect(masked).not.toBe(X1);
    await expect.poll(() => text(stat(masked, "started")), LIVE).toBe("4");
    expect(await text(stat(masked, "answer-rate"))).toBe("50%");
    expect(await text(card(maskPhoneNumber(X2)).locator(".badge"))).toBe("Unavailable");
    const shown = (await page.getByRole("main").textContent()) ?? "";
    expect(shown).not.toContain(X1);
    expect(shown).not.toContain(X2);
    expect(await page.getByRole("main").getByRole("button").count()).toBe(0);
    expect(await page.getByRole("main").getByRole("textbox").count()).toBe(0);
  });

  it("made no request beyond the gateway and logged no error", () => {
    expect(browser.foreignRequests()).toEqual([]);
    expect(browser.pageErrors).toEqual([]);
  });
});
