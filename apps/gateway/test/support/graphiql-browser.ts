// Drives the gateway's GraphiQL in headless Chromium (playwright-core and the system's browser; nothing is
// downloaded). Shared by the browser test and `pnpm screenshots`, so both see GraphiQL the same way.
import type { Simulator } from "@privnum/axe-simulator";
import type { Page } from "playwright-core";
import type { RunningGateway } from "../../src/app.js";
import { subscriptionCounter } from "./gateway.js";
import { isGatewayRequest, launchOfflineChromium } from "./offline-chromium.js";

export {
  CHROMIUM_ARGS,
  CHROMIUM_PATH,
  ChromiumMissingError,
  isGatewayRequest,
} from "./offline-chromium.js";

/** How the names of the browsers' temporary user-data-dirs start (in the system's temporary folder). */
export const BROWSER_DATA_DIR_PREFIX = "privnum-graphiql-";

/** The virtual number and parties of the scenarios (the embedded simulator's numbers). */
export const SCENARIO = { virtualNum: "+8617000000001", bindNum: "+8613800000021", caller: "+8613900000042" };

/** The query the first scenario types: a binding created through GraphiQL. */
export const CREATE_BINDING = `mutation Bind {
  createBinding(input: {
    bindNum: "${SCENARIO.bindNum}"
    virtualNum: "${SCENARIO.virtualNum}"
  }) {
    __typename
    ... on CreateBindingPayload {
      binding {
        subscriptionId
        virtualNum
        extendNum
        state
      }
    }
    ... on Error { message }
  }
}`;

/** The subscription the second scenario types: call events on X, live. */
export const CALL_EVENTS = `subscription Live {
  callEvents(filter: { virtualNum: "${SCENARIO.virtualNum}" }) {
    eventType
    sessionId
    virtualNum
    caller
    called
    stateCode
  }
}`;

/** Raised when the page requested another host than the gateway's. */
export class ForeignRequestsError extends Error {
  readonly code = "FOREIGN_REQUESTS";
  constructor(readonly urls: string[]) {
    super(`GraphiQL requested other hosts than the gateway: ${urls.join(", ")}`);
    this.name = "ForeignRequestsError";
  }
}

/** Raised when GraphiQL does not show what a step waits for; the message says what the page showed. */
export class GraphiQLTimeoutError extends Error {
  readonly code = "GRAPHIQL_TIMEOUT";
  constructor(what: string, shown: string) {
    super(`timed out waiting for ${what}; the page showed: ${shown.slice(0, 2000)}`);
    this.name = "GraphiQLTimeoutError";
  }
}

/** GraphiQL open in a headless Chromium, with every request the page made. */
export interface GraphiQLBrowser {
  readonly page: Page;
  /** Every URL the browser requested (HTTP, WebSocket, workers' blobs), in order. */
  readonly requests: readonly string[];
  /** The requests that went to another host than the gateway's. */
  foreignRequests(): string[];
  /** Throw a ForeignRequestsError if the page requested another host. */
  assertNoForeignRequests(): void;
  /** The query editor's text. */
  queryText(): Promise<string>;
  /** Replace the query editor's text (select all, then paste). */
  setQuery(text: string): Promise<void>;
  /** Press the execute button. */
  run(): Promise<void>;
  /** The result pane's text as shown (long lines wrapped). */
  resultText(): Promise<string>;
  /** The result pane's JSON, or undefined while it holds none. */
  result(): Promise<unknown>;
  /** Wait until the result pane's JSON passes `accept`, and resolve to it. */
  waitForResult<T>(what: string, accept: (result: T) => boolean, timeoutMs?: number): Promise<T>;
  /** Write a PNG of the page to `path`. */
  screenshot(path: string): Promise<void>;
  /** Close the browser and remove its user-data-dir. Safe to call twice. */
  close(): Promise<void>;
}

/** Options of `openGraphiQL`. */
export interface OpenGraphiQLOptions {
  /** The browser to run. @default CHROMIUM_PATH */
  executablePath?: string;
  /** How long to wait for the page and GraphiQL's editor (the browser's start has its own 60 s). @default 30000 */
  loadTimeoutMs?: number;
}

// Monaco draws spaces as non-breaking spaces, and only the lines in view: the panes are tall enough here.
async function paneText(page: Page, pane: string): Promise<string> {
  const lines = page.locator(`${pane} .view-lines`);
  if ((await lines.count()) === 0) return "";
  // biome-ignore lint/performance/useDomNodeTextContent: the line breaks between Monaco's line elements are wanted.
  return (await lines.first().innerText()).replaceAll("\u00a0", " ");
}

/**
 * The JSON of a result pane's text. The pane wraps long lines (a session id breaks inside its string), so the
 * line breaks and the indentation after them go: what is left is the same JSON on one line.
 */
export function parseResultPane(text: string): unknown {
  try {
    return JSON.parse(text.replace(/\n\s*/g, ""));
  } catch {
    return undefined;
  }
}

/** Open GraphiQL at `graphqlUrl` in a fresh headless Chromium and wait until its query editor shows. */
export async function openGraphiQL(
  graphqlUrl: string,
  options: OpenGraphiQLOptions = {},
): Promise<GraphiQLBrowser> {
  const { page, requests, close } = await launchOfflineChromium({
    gatewayUrl: graphqlUrl,
    userDataDirPrefix: BROWSER_DATA_DIR_PREFIX,
    ...(options.executablePath ? { executablePath: options.executablePath } : {}),
  });
  try {
    const timeout = options.loadTimeoutMs ?? 30_000;
    const editor = page.locator(".graphiql-query-editor .monaco-editor");
    try {
      await page.goto(graphqlUrl, { waitUntil: "domcontentloaded", timeout });
      await editor.waitFor({ timeout });
    } catch {
      const body = (await page.locator("body").textContent()) ?? "";
      throw new GraphiQLTimeoutError(`GraphiQL's query editor (requests: ${requests.join(", ")})`, body);
    }

    const browser: GraphiQLBrowser = {
      page,
      requests,
      foreignRequests: () => requests.filter((url) => !isGatewayRequest(url, graphqlUrl)),
      assertNoForeignRequests() {
        const foreign = browser.foreignRequests();
        if (foreign.length > 0) throw new ForeignRequestsError(foreign);
      },
      async setQuery(text) {
        await editor.click();
        await page.keyboard.press("ControlOrMeta+a");
        // Pasted over the selection, as a user would: typed key by key, Monaco would add closing brackets and
        // indentation of its own. The paste event carries its data, so the system clipboard is left alone.
        await editor.locator("textarea").evaluate((textarea, value) => {
          const data = new DataTransfer();
          data.setData("text/plain", value);
          textarea.dispatchEvent(
            new ClipboardEvent("paste", { clipboardData: data, bubbles: true, cancelable: true }),
          );
        }, text);
        const deadline = Date.now() + 5_000;
        while ((await browser.queryText()) !== text) {
          if (Date.now() > deadline) {
            throw new GraphiQLTimeoutError("the query editor to hold the query", await browser.queryText());
          }
          await page.waitForTimeout(50);
        }
        // GraphiQL takes the editor's text into its own state (what the run button runs) a moment later, and
        // stores it then: a run before that would run the previous query.
        const stored = () => page.evaluate(() => localStorage.getItem("graphiql:query"));
        while ((await stored()) !== text) {
          if (Date.now() > deadline) {
            throw new GraphiQLTimeoutError("GraphiQL to take the query", String(await stored()));
          }
          await page.waitForTimeout(50);
        }
      },
      async run() {
        await page.locator(".graphiql-execute-button").click();
      },
      queryText: () => paneText(page, ".graphiql-query-editor"),
      resultText: () => paneText(page, ".graphiql-response"),
      result: async () => parseResultPane(await paneText(page, ".graphiql-response")),
      async waitForResult(what, accept, timeoutMs = 20_000) {
        const deadline = Date.now() + timeoutMs;
        for (;;) {
          const text = await paneText(page, ".graphiql-response");
          const result = parseResultPane(text);
          if (result !== undefined && accept(result as never)) return result as never;
          if (Date.now() > deadline) throw new GraphiQLTimeoutError(what, text);
          await page.waitForTimeout(100);
        }
      },
      async screenshot(path) {
        await page.screenshot({ path });
      },
      close,
    };
    return browser;
  } catch (error) {
    await close();
    throw error;
  }
}

/** A binding as the scenario's mutation selects it. */
export interface ShownBinding {
  subscriptionId: string;
  virtualNum: string;
  extendNum: string;
  state: string;
}

/**
 * Scenario 1: paste `CREATE_BINDING` into GraphiQL, run it, and wait for the created binding in the result pane.
 * Resolves to the binding the pane shows.
 */
export async function showCreatedBinding(graphiql: GraphiQLBrowser): Promise<ShownBinding> {
  type Result = { data?: { createBinding?: { __typename: string; binding?: ShownBinding } } };
  await graphiql.setQuery(CREATE_BINDING);
  await graphiql.run();
  const result = await graphiql.waitForResult<Result>(
    "the created binding",
    (r) => r.data?.createBinding?.binding !== undefined,
  );
  return result.data!.createBinding!.binding!;
}

/** A call event as the scenario's subscription selects it. */
export interface ShownCallEvent {
  eventType: string;
  sessionId: string;
  virtualNum: string | null;
  caller: string | null;
  called: string | null;
  stateCode: number | null;
}

/**
 * Scenario 2: run `CALL_EVENTS` in GraphiQL, wait until the gateway holds the subscription, place a call to X
 * through the gateway's embedded simulator (keying `extendNum`), play it to its end, and wait for the call's last event
 * (DISCONNECT) in the result pane. Resolves to that event and the call's session id.
 */
export async function showLiveCallEvent(
  graphiql: GraphiQLBrowser,
  scenario: { gateway: RunningGateway; simulator: Simulator; extendNum: string },
): Promise<{ event: ShownCallEvent; sessionId: string }> {
  type Result = { data?: { callEvents?: ShownCallEvent } };
  const { gateway, simulator, extendNum } = scenario;
  const subscribed = subscriptionCounter(gateway);
  await graphiql.setQuery(CALL_EVENTS);
  await graphiql.run();
  // GraphiQL opens its WebSocket only now; on a busy machine the browser may take a while to get there.
  await subscribed(1, 60_000);
  const call = await simulator.simulateCall({
    caller: SCENARIO.caller,
    virtualNum: SCENARIO.virtualNum,
    digits: extendNum,
    talkSeconds: 20,
  });
  await simulator.clock.advance(120_000);
  const result = await graphiql.waitForResult<Result>(
    `the DISCONNECT event of ${call.sessionId}`,
    (r) => r.data?.callEvents?.eventType === "DISCONNECT" && r.data.callEvents.sessionId === call.sessionId,
  );
  return { event: result.data!.callEvents!, sessionId: call.sessionId };
}
