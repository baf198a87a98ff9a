// Drives the web console (apps/console, served by the gateway under /console/) in headless Chromium: playwright-core
// and the system's browser, nothing downloaded. Shared by the console's browser tests and `pnpm screenshots`.
import type { Page } from "playwright-core";
import { isGatewayRequest, launchOfflineChromium } from "./offline-chromium.js";

/** How the names of the console browsers' temporary user-data-dirs start (in the system's temporary folder). */
export const CONSOLE_BROWSER_DATA_DIR_PREFIX = "privnum-console-";

/** The console's pages, by the path under /console/. */
export type ConsolePage = "bindings" | "calls" | "records" | "numbers";

/** The console open in a headless Chromium, with every request the page made and every error it logged. */
export interface ConsoleBrowser {
  readonly page: Page;
  /** The gateway's base URL (`http://127.0.0.1:<port>`). */
  readonly gatewayUrl: string;
  /** Every URL the browser requested (HTTP, WebSocket), in order. */
  readonly requests: readonly string[];
  /** Errors the page logged or threw (a CSP violation is one), in order. */
  readonly pageErrors: readonly string[];
  /** The requests that went to another host than the gateway's. */
  foreignRequests(): string[];
  /** Sign in with `credential` and wait until the console shows who is signed in. */
  signIn(credential: string): Promise<void>;
  /** Open one of the console's pages through its navigation. */
  open(page: ConsolePage): Promise<void>;
  /** Write a PNG of the page to `path`. */
  screenshot(path: string): Promise<void>;
  /** Close the browser and remove its user-data-dir. Safe to call twice. */
  close(): Promise<void>;
}

/** Options of {@link openConsole}. */
export interface OpenConsoleOptions {
  /** The browser to run. @default CHROMIUM_PATH */
  executablePath?: string;
  /** The window's size. @default { width: 1400, height: 900 } */
  viewport?: { width: number; height: number };
  /** How long to wait for the page. @default 30000 */
  timeoutMs?: number;
}

const NAV_LABELS: Readonly<Record<ConsolePage, string>> = {
  bindings: "Bindings",
  calls: "Live calls",
  records: "Call records",
  numbers: "Numbers",
};

/** Open the console of the gateway at `gatewayUrl` in a fresh headless Chromium, at its sign-in page. */
export async function openConsole(
  gatewayUrl: string,
  options: OpenConsoleOptions = {},
): Promise<ConsoleBrowser> {
  const { page, requests, close } = await launchOfflineChromium({
    gatewayUrl,
    userDataDirPrefix: CONSOLE_BROWSER_DATA_DIR_PREFIX,
    ...(options.executablePath ? { executablePath: options.executablePath } : {}),
    ...(options.viewport ? { viewport: options.viewport } : {}),
  });
  const pageErrors: string[] = [];
  const timeout = options.timeoutMs ?? 30_000;
  try {
    page.setDefaultTimeout(timeout);
    page.on("pageerror", (error) => pageErrors.push(error.message));
    page.on("console", (message) => {
      if (message.type() === "error") pageErrors.push(message.text());
    });
    await page.goto(`${gatewayUrl}/console/`, { waitUntil: "domcontentloaded", timeout });
    await page.getByLabel("API key or JWT").waitFor({ timeout });

    return {
      page,
      gatewayUrl,
      requests,
      pageErrors,
      foreignRequests: () => requests.filter((url) => !isGatewayRequest(url, gatewayUrl)),
      async signIn(credential) {
        await page.getByLabel("API key or JWT").fill(credential);
        await page.getByRole("button", { name: "Sign in" }).click();
        await page.getByTestId("role").waitFor({ timeout });
      },
      async open(name) {
        await page
          .getByRole("navigation", { name: "Pages" })
          .getByRole("link", { name: NAV_LABELS[name] })
          .click();
        await page.waitForURL(`**/console/${name}`, { timeout });
      },
      async screenshot(path) {
        await page.screenshot({ path });
      },
      close,
    };
  } catch (error) {
    await close();
    throw error;
  }
}
