// The console in a real browser: served by the gateway from its own origin, it signs in with an API key, shows the
// role, keeps the session across a reload of the tab, and refuses a wrong key with a sentence. Nothing leaves the
// machine and the page logs no error (a CSP violation would be one). Needs /usr/bin/chromium (skips without it,
// except under CI=true).
import { existsSync } from "node:fs";
import { SignJWT } from "jose";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { TEST_API_KEYS } from "../src/shared/config.js";
import { type ConsoleBrowser, openConsole } from "./support/console-browser.js";
import { startGateway, type TestGateway } from "./support/gateway.js";
import { CHROMIUM_PATH } from "./support/offline-chromium.js";

const runBrowser = existsSync(CHROMIUM_PATH) || process.env.CI === "true";
if (!runBrowser) console.warn(`console browser test skipped: no Chromium at ${CHROMIUM_PATH}`);

describe.skipIf(!runBrowser)("signing in to the console", () => {
  let gw: TestGateway;
  let browser: ConsoleBrowser;

  beforeAll(async () => {
    gw = await startGateway();
    browser = await openConsole(gw.gateway.url);
  }, 120_000);
  afterAll(async () => {
    await browser?.close();
    await gw?.stop();
  });

  it("refuses a wrong key with the gateway's reason", async () => {
    const { page } = browser;
    await page.getByLabel("API key or JWT").fill("not-a-key-0000000000000000000000");
    await page.getByRole("button", { name: "Sign in" }).click();
    await expect
      .poll(() => page.getByRole("alert").textContent())
      .toContain("The API key is not one this gateway knows");
    expect(await page.getByTestId("role").count()).toBe(0);
  });

  it("signs in as an operator, and a reload keeps the session", async () => {
    await browser.signIn(`Bearer ${TEST_API_KEYS.operator}`);
    const { page } = browser;
    expect(await page.getByTestId("role").textContent()).toBe("operator");
    expect(await page.getByTestId("signed-in-as").textContent()).toContain("test-operator");
    expect(page.url()).toBe(`${gw.gateway.url}/console/bindings`);
    await page.reload();
    await page.getByTestId("role").waitFor();
    expect(await page.getByTestId("role").textContent()).toBe("operator");
  });

  it("signs out, then in as a viewer, told that numbers are masked", async () => {
    const { page } = browser;
    await page.getByRole("button", { name: "Sign out" }).click();
    await page.getByLabel("API key or JWT").waitFor();
    await browser.signIn(TEST_API_KEYS.viewer);
    expect(await page.getByTestId("role").textContent()).toBe("viewer");
    expect(await page.getByTestId("signed-in-as").textContent()).toContain("numbers masked");
  });

  it("made no request beyond the gateway and logged no error", () => {
    expect(browser.foreignRequests()).toEqual([]);
    // The wrong key's 401 is the only error the browser reports (as a failed resource load).
    expect(browser.pageErrors.filter((error) => !error.includes("401"))).toEqual([]);
  });
});

describe.skipIf(!runBrowser)("signing in to the console with a JWT", () => {
  const secret = "a-secret-of-at-least-thirty-two-chars!";
  let gw: TestGateway;
  let browser: ConsoleBrowser;
  const token = (role: string, expiresAt: number) =>
    new SignJWT({ role })
      .setProtectedHeader({ alg: "HS256" })
      .setSubject("alice@example.com")
      .setExpirationTime(Math.floor(expiresAt / 1000))
      .sign(new TextEncoder().encode(secret));

  beforeAll(async () => {
    gw = await startGateway({
      auth: { apiKeys: [], jwt: { secret, roleClaim: "role" }, devKeys: false, corsOrigins: [] },
    });
    browser = await openConsole(gw.gateway.url);
  }, 120_000);
  afterAll(async () => {
    await browser?.close();
    await gw?.stop();
  });

  it("takes the role from the token, and returns to sign-in with the reason when the token expires", async () => {
    const { page } = browser;
    await browser.signIn(await token("operator", Date.now() + 6_000));
    expect(await page.getByTestId("role").textContent()).toBe("operator");
    expect(await page.getByTestId("signed-in-as").textContent()).toContain("alice@example.com");
    // The bindings page holds a socket (bindingChanges): the gateway closes it (4403) when the token expires, and
    // the console says so.
    await page.getByLabel("API key or JWT").waitFor({ timeout: 20_000 });
    expect(await page.getByRole("alert").textContent()).toMatch(/Sign in again: .*expired/i);
    expect(await page.evaluate(() => sessionStorage.length)).toBe(0);
  });
});
