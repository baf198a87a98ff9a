// The console's Bindings page in a real browser against a real gateway and its embedded simulator: an operator
// creates, modifies and unbinds through the page, sees the client's and the platform's refusals explained, pages
// through more than one page (kept in the URL), and sees a change made by someone else arrive without a reload;
// a viewer sees the same table masked and no control that changes anything. Needs /usr/bin/chromium (skips
// without it, except under CI=true).
import { existsSync } from "node:fs";
import type { Locator, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { TEST_API_KEYS } from "../src/shared/config.js";
import { type ConsoleBrowser, openConsole } from "./support/console-browser.js";
import { startGateway, type TestGateway } from "./support/gateway.js";
import { CHROMIUM_PATH } from "./support/offline-chromium.js";

const runBrowser = existsSync(CHROMIUM_PATH) || process.env.CI === "true";
if (!runBrowser) console.warn(`console browser test skipped: no Chromium at ${CHROMIUM_PATH}`);

const X1 = "+8617000000001";
const X2 = "+8617000000002";
const A = "+8613800000021";
const E = "0101";

const CREATE = `mutation ($input: CreateBindingInput!) {
  createBinding(input: $input) { __typename ... on CreateBindingPayload { binding { subscriptionId extendNum } } ... on Error { message } }
}`;

/** The table's body rows (the header row left out). */
function bodyRows(page: Page): Locator {
  return page.getByRole("table").locator("tbody").getByRole("row");
}

/** The row whose E cell is `extendNum` and X cell `virtualNum`. */
function rowOf(page: Page, virtualNum: string, extendNum: string): Locator {
  return bodyRows(page)
    .filter({ has: page.getByRole("cell", { name: extendNum, exact: true }) })
    .filter({ has: page.getByRole("cell", { name: virtualNum, exact: true }) });
}

describe.skipIf(!runBrowser)("the console's Bindings page", () => {
  let gw: TestGateway;
  let browser: ConsoleBrowser;
  /** createBinding requests the page sent. */
  let createRequests = 0;

  async function createThroughApi(
    input: Record<string, unknown>,
  ): Promise<{ subscriptionId: string; extendNum: string }> {
    const result = await gw.gql<{
      createBinding: {
        __typename: string;
        binding?: { subscriptionId: string; extendNum: string };
        message?: string;
      };
    }>(CREATE, { input }, "operator");
    const created = result.data?.createBinding;
    if (created?.__typename !== "CreateBindingPayload" || !created.binding) {
      throw new Error(`createBinding failed: ${JSON.stringify(result)}`);
    }
    return created.binding;
  }

  beforeAll(async () => {
    gw = await startGateway();
    browser = await openConsole(gw.gateway.url);
    browser.page.on("request", (request) => {
      if (request.method() === "POST" && request.postData()?.includes("mutation CreateBinding"))
        createRequests++;
    });
  }, 120_000);
  afterAll(async () => {
    await browser?.close();
    await gw?.stop();
  });

  it("shows an operator the empty list with a way to create one", async () => {
    await browser.signIn(TEST_API_KEYS.operator);
    const { page } = browser;
    await expect.poll(() => page.getByText("No bindings yet").textContent()).toContain("create one");
  });

  it("blocks a malformed A in the form, without asking the gateway", async () => {
    const { page } = browser;
    await page.getByRole("button", { name: "New binding" }).click();
    const form = page.getByRole("form", { name: "New binding" });
    await form.getByLabel("A — number to protect").fill("12ab");
    await form.getByLabel("X — privacy number").selectOption(X1);
    await form.getByRole("button", { name: "Create binding" }).click();
    const input = form.getByLabel("A — number to protect");
    await expect.poll(() => input.getAttribute("aria-invalid")).toBe("true");
    expect(await form.locator("#create-bindNum-error").textContent()).toContain("E.164");
    expect(createRequests).toBe(0);
  });

  it("creates a binding through the form and shows it highlighted in the table, with its E", async () => {
    const { page } = browser;
    const form = page.getByRole("form", { name: "New binding" });
    await form.getByLabel("A — number to protect").fill(A);
    await form.getByLabel("E — extension (optional)").fill(E);
    await form.getByRole("button", { name: "Create binding" }).click();
    const row = rowOf(page, X1, E);
    await row.waitFor();
    expect(createRequests).toBe(1);
    expect(await row.getAttribute("aria-current")).toBe("true");
    expect(await row.getByRole("cell", { name: A, exact: true }).count()).toBe(1);
    expect(await row.textContent()).toContain("active");
    expect(await page.getByRole("status").filter({ hasText: "Bound" }).textContent()).toContain(
      `extension ${E}`,
    );
    expect(await page.getByRole("form", { name: "New binding" }).count()).toBe(0);
  });

  it("explains a platform refusal: E already taken on X", async () => {
    const { page } = browser;
    await page.getByRole("button", { name: "New binding" }).click();
    const form = page.getByRole("form", { name: "New binding" });
    await form.getByLabel("A — number to protect").fill("+8613800000022");
    await form.getByLabel("X — privacy number").selectOption(X1);
    await form.getByLabel("E — extension (optional)").fill(E);
    await form.getByRole("button", { name: "Create binding" }).click();
    const alert = form.getByRole("alert");
    await alert.waitFor();
    const text = await alert.textContent();
    // The code, the code table's description (English and Chinese), the platform's own text, and no retry.
    expect(text).toContain("1020167 — No idle extend Number. (无空闲分机号。)");
    expect(text).toContain("The platform said: “No idle extend Number.”");
    expect(text).toContain("will not help");
    await form.getByRole("button", { name: "Cancel" }).click();
  });

  it("modifies a binding (recording on) and shows the change", async () => {
    const { page } = browser;
    const row = rowOf(page, X1, E);
    expect(await row.getByRole("cell", { name: "off", exact: true }).count()).toBe(1);
    await row.getByRole("button", { name: "Modify" }).click();
    const dialog = page.getByRole("dialog", { name: `Modify ${X1} · E ${E}` });
    await dialog.getByLabel("Record calls").check();
    await dialog.getByRole("button", { name: "Save changes" }).click();
    await dialog.waitFor({ state: "detached" });
    await expect.poll(() => row.getByRole("cell", { name: "on", exact: true }).count()).toBe(1);
    const stored = await gw.gql<{ bindings: { edges: { node: { recordFlag: boolean } }[] } }>(
      `{ bindings(filter: { virtualNum: "${X1}", extendNum: "${E}" }) { edges { node { recordFlag } } } }`,
    );
    expect(stored.data?.bindings.edges.map((e) => e.node.recordFlag)).toEqual([true]);
  });

  it("shows a binding someone else created through the API, without a reload", async () => {
    const { page } = browser;
    const before = page.url();
    const created = await createThroughApi({ bindNum: "+8613800000023", virtualNum: X2 });
    await rowOf(page, X2, created.extendNum).waitFor({ timeout: 10_000 });
    expect(page.url()).toBe(before);
  });

  it("unbinds after a confirmation naming X and E, and the row leaves the active list", async () => {
    const { page } = browser;
    await rowOf(page, X1, E).getByRole("button", { name: "Unbind" }).click();
    const dialog = page.getByRole("dialog", { name: `Unbind ${X1} · E ${E}?` });
    expect(await dialog.textContent()).toContain(A);
    await dialog.getByRole("button", { name: "Unbind" }).click();
    await dialog.waitFor({ state: "detached" });
    await rowOf(page, X1, E).waitFor({ state: "detached" });
    // It is still there among the deleted ones.
    await page.getByLabel("State").selectOption("DELETED");
    await rowOf(page, X1, E).waitFor();
    expect(page.url()).toContain("state=DELETED");
    await page.getByLabel("State").selectOption("ACTIVE");
  });

  it("pages through more than 25 bindings and back, the page kept in the URL", async () => {
    const { page } = browser;
    for (let i = 0; i < 30; i++) {
      await createThroughApi({ bindNum: `+86138000001${String(i).padStart(2, "0")}`, virtualNum: X1 });
    }
    // 31 active now: the one made through the API before, and these 30. The page refetches as they arrive (at
    // most once a second): wait until it shows the newest, or "Next" would page on from an older first page.
    await expect
      .poll(() => bodyRows(page).first().textContent(), { timeout: 20_000 })
      .toContain("+8613800000129");
    await expect.poll(() => bodyRows(page).count(), { timeout: 10_000 }).toBe(25);
    const firstOfFirstPage = await bodyRows(page).first().textContent();
    await page.getByRole("button", { name: "Next" }).click();
    await page.waitForURL(/after=/);
    await expect.poll(() => bodyRows(page).count()).toBe(6);
    expect(await page.getByRole("button", { name: "Next" }).isDisabled()).toBe(true);
    await page.reload();
    await page.getByRole("table").waitFor();
    await expect.poll(() => bodyRows(page).count()).toBe(6);
    await page.getByRole("button", { name: "Previous" }).click();
    await page.waitForURL(/before=/);
    await expect.poll(() => bodyRows(page).count()).toBe(25);
    expect(await bodyRows(page).first().textContent()).toBe(firstOfFirstPage);
    expect(await page.getByRole("button", { name: "Previous" }).isDisabled()).toBe(true);
  });

  it("shows a viewer the same table masked, and no control that changes anything", async () => {
    const { page } = browser;
    await page.getByRole("button", { name: "Sign out" }).click();
    await page.getByLabel("API key or JWT").waitFor();
    await browser.signIn(TEST_API_KEYS.viewer);
    // The first page, whatever page the operator left the address on.
    await page.goto(`${gw.gateway.url}/console/bindings`);
    await expect.poll(() => bodyRows(page).count()).toBe(25);
    const aCells = await bodyRows(page).locator("td:nth-child(4)").allTextContents();
    expect(aCells).toHaveLength(25);
    for (const a of aCells) expect(a).toMatch(/^\+86138\*{4}\d{4}$/);
    expect(await page.getByRole("button", { name: /New binding|Create|Modify|Unbind|Save/ }).count()).toBe(0);
    expect(await page.getByRole("form", { name: /New binding|Modify/ }).count()).toBe(0);
    expect(await page.getByRole("dialog").count()).toBe(0);
    expect(await page.getByLabel("A", { exact: true }).count()).toBe(0);
    expect(await page.getByRole("columnheader", { name: "Actions" }).count()).toBe(0);
    // X comes masked to a viewer, so it is typed whole rather than chosen; the gateway filters by it.
    await page.getByLabel("X", { exact: true }).fill(X2);
    await page.getByLabel("X", { exact: true }).press("Enter");
    await page.waitForURL(/x=%2B8617000000002/);
    await expect.poll(() => bodyRows(page).count()).toBe(1);
    expect(await bodyRows(page).locator("td:nth-child(2)").textContent()).toBe("+86170****0002");
  });

  it("made no request beyond the gateway and logged no error", () => {
    expect(browser.foreignRequests()).toEqual([]);
    expect(browser.pageErrors).toEqual([]);
  });
});
