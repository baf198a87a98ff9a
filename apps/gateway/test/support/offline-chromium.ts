// A headless Chromium that may reach one gateway and nothing else: Debian's browser driven by playwright-core
// (nothing downloaded), in a user-data-dir of its own under the system's temporary folder, every request
// recorded and every request for another host refused at once. GraphiQL's and the console's browsers open here.
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type BrowserContext, chromium, type Page } from "playwright-core";

/** Where Debian's `chromium` package puts the browser. */
export const CHROMIUM_PATH = "/usr/bin/chromium";

// No sandbox (we run as root in containers), no GPU, and none of Chromium's own traffic (updates, field
// trials, safe browsing): the only requests left are the page's.
export const CHROMIUM_ARGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-background-networking",
  "--disable-component-update",
  "--no-first-run",
];

/** Raised when Chromium is not installed where the browser tests and the screenshots expect it. */
export class ChromiumMissingError extends Error {
  readonly code = "CHROMIUM_MISSING";
  constructor(path: string) {
    super(`Chromium is not installed at ${path} (install Debian's "chromium" package)`);
    this.name = "ChromiumMissingError";
  }
}

/** Whether a URL the page requested stays on the gateway (`data:` and the page's own `blob:` URLs do). */
export function isGatewayRequest(url: string, gatewayUrl: string): boolean {
  if (url.startsWith("data:")) return true;
  const target = new URL(url.startsWith("blob:") ? url.slice("blob:".length) : url);
  return target.host === new URL(gatewayUrl).host;
}

/** A running browser and its one page. */
export interface OfflineChromium {
  readonly context: BrowserContext;
  readonly page: Page;
  /** Every URL the browser requested (HTTP, WebSocket, workers' blobs), in order. */
  readonly requests: string[];
  /** Close the browser and remove its user-data-dir. Safe to call twice. */
  close(): Promise<void>;
}

/** Options of {@link launchOfflineChromium}. */
export interface LaunchOfflineChromiumOptions {
  /** Any URL of the gateway the page may reach. */
  gatewayUrl: string;
  /** How the user-data-dir's name starts (tests check that none is left behind). */
  userDataDirPrefix: string;
  /** The browser to run. @default CHROMIUM_PATH */
  executablePath?: string;
  /** The window's size. @default { width: 1400, height: 900 } */
  viewport?: { width: number; height: number };
}

/** Start Chromium with one page that may reach the gateway at `gatewayUrl` only. */
export async function launchOfflineChromium(options: LaunchOfflineChromiumOptions): Promise<OfflineChromium> {
  const executablePath = options.executablePath ?? CHROMIUM_PATH;
  if (!existsSync(executablePath)) throw new ChromiumMissingError(executablePath);
  const userDataDir = mkdtempSync(join(tmpdir(), options.userDataDirPrefix));
  const requests: string[] = [];
  let context: BrowserContext | undefined;
  let closing: Promise<void> | undefined;
  const close = () => {
    closing ??= (async () => {
      try {
        await context?.close();
      } finally {
        rmSync(userDataDir, { recursive: true, force: true });
      }
    })();
    return closing;
  };
  try {
    context = await chromium.launchPersistentContext(userDataDir, {
      executablePath,
      headless: true,
      args: CHROMIUM_ARGS,
      viewport: options.viewport ?? { width: 1400, height: 900 },
      timeout: 60_000,
    });
    context.on("request", (request) => requests.push(request.url()));
    // A request for another host is recorded (above), then refused at once: offline it would hang until its
    // timeout, and no run of a test or of the screenshots may reach out even where a network is.
    await context.route("**/*", (route) =>
      isGatewayRequest(route.request().url(), options.gatewayUrl)
        ? route.continue()
        : route.abort("blockedbyclient"),
    );
    const page = context.pages()[0] ?? (await context.newPage());
    page.on("websocket", (socket) => requests.push(socket.url()));
    return { context, page, requests, close };
  } catch (error) {
    await close();
    throw error;
  }
}
