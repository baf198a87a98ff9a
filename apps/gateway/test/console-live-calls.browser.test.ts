// The console's Live calls page in a real browser against a gateway and its embedded simulator (frozen clock):
// a call appears the moment it starts and its state advances in place without a reload; a socket killed mid-way
// resumes after the last event received and the call placed meanwhile shows every one of its stored events; a
// viewer sees masked numbers and nothing that changes anything. Nothing leaves the machine, the page logs no error.
// Needs /usr/bin/chromium (skips without it, except under CI=true).
import { existsSync } from "node:fs";
import type { Locator, Route, WebSocketRoute } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { TEST_API_KEYS } from "../src/shared/config.js";
import { type ConsoleBrowser, openConsole } from "./support/console-browser.js";
import { startGateway, subscriptionCounter, type TestGateway, until } from "./support/gateway.js";
import { CHROMIUM_PATH, SCENARIO } from "./support/graphiql-browser.js";

const runBrowser = existsSync(CHROMIUM_PATH) || process.env.CI === "true";
if (!runBrowser) console.warn(`console browser test skipped: no Chromium at ${CHROMIUM_PATH}`);

const X = SCENARIO.virtualNum;
const A = SCENARIO.bindNum;
const FIRST_CALLER = "+8613900000101";
const OFFLINE_CALLER = "+8613900000102";

/** One graphql-ws message the routed socket carried: `up` from the page, `down` from the gateway. */
interface Frame {
  connection: number;
  direction: "up" | "down";
  message: { id?: string; type: string; payload?: Record<string, unknown> };
}

interface StoredEvent {
  eventType: string;
  cursor: string;
}

describe.skipIf(!runBrowser)("the console's Live calls page", () => {
  let gw: TestGateway;
  let browser: ConsoleBrowser;
  let extendNum: string;
  // The page's WebSocket goes through this route: the test can drop it, and refuse new ones while "offline".
  const frames: Frame[] = [];
  let online = true;
  let connections = 0;
  let refused = 0;
  let current: { page: WebSocketRoute; server: WebSocketRoute; connection: number } | undefined;

  const sim = () => gw.gateway.simulator!;
  const rowOf = (caller: string): Locator =>
    browser.page
      .getByRole("table", { name: /^Calls/ })
      .getByRole("row")
      .filter({ hasText: caller });
  const banner = () => browser.page.getByTestId("feed-status");

  async function storedEvents(sessionId: string): Promise<StoredEvent[]> {
    const result = await gw.gql<{ callSession: { events: StoredEvent[] } | null }>(
      "query($id: String!) { callSession(sessionId: $id) { events { eventType cursor } } }",
      { id: sessionId },
    );
    return result.data?.callSession?.events ?? [];
  }

  async function timelineEventTypes(caller: string): Promise<string[]> {
    const timeline = browser.page.getByRole("table", { name: `Events of the call from ${caller}` });
    await timeline.waitFor();
    // The first row holds the column headers; the event type is each row's second cell.
    const rows = await timeline.getByRole("row").all();
    const types: string[] = [];
    for (const row of rows.slice(1)) types.push((await row.getByRole("cell").nth(1).textContent()) ?? "");
    return types;
  }

  /** The cursor of the last callEvents item the gateway sent on `connection` (subscription told by its query). */
  function lastEventCursor(connection: number): string | undefined {
    const ids = new Set(
      frames
        .filter(
          (f) =>
            f.connection === connection &&
            f.direction === "up" &&
            f.message.type === "subscribe" &&
            String(f.message.payload?.query).includes("callEvents("),
        )
        .map((f) => f.message.id),
    );
    const items = frames.filter(
      (f) =>
        f.connection === connection &&
        f.direction === "down" &&
        f.message.type === "next" &&
        ids.has(f.message.id),
    );
    const data = items.at(-1)?.message.payload?.data as { callEvents?: { cursor: string } } | undefined;
    return data?.callEvents?.cursor;
  }

  beforeAll(async () => {
    gw = await startGateway();
    browser = await openConsole(gw.gateway.url);
    await browser.page.routeWebSocket("**/graphql", (ws) => {
      connections += 1;
      const connection = connections;
      if (!online) {
        refused += 1;
        void ws.close({ code: 1012, reason: "network down (test)" });
        return;
      }
      const server = ws.connectToServer();
      const record = (direction: Frame["direction"], data: string | Buffer) =>
        frames.push({ connection, direction, message: JSON.parse(String(data)) as Frame["message"] });
      ws.onMessage((data) => {
        record("up", data);
        server.send(data);
      });
      server.onMessage((data) => {
        record("down", data);
        ws.send(data);
      });
      current = { page: ws, server, connection };
    });
    const created = await gw.gql<{
      createBinding: { __typename: string; binding?: { extendNum: string } };
    }>(
      `mutation($input: CreateBindingInput!) { createBinding(input: $input) {
        __typename ... on CreateBindingPayload { binding { extendNum } } } }`,
      { input: { bindNum: A, virtualNum: X } },
    );
    expect(created.data?.createBinding.__typename).toBe("CreateBindingPayload");
    extendNum = created.data!.createBinding.binding!.extendNum;
  }, 120_000);
  afterAll(async () => {
    await browser?.close();
    await gw?.stop();
  });

  it("shows a call the moment it starts, then each of its states in place, without a reload", async () => {
    const { page } = browser;
    await browser.signIn(TEST_API_KEYS.operator);
    const subscribed = subscriptionCounter(gw.gateway);
    await browser.open("calls");
    // Both feeds (events, call updates) are held by the gateway before anything happens.
    await subscribed(2, 60_000);
    await expect.poll(() => banner().getAttribute("data-state"), { timeout: 20_000 }).toBe("live");
    await expect.poll(() => page.getByText("No calls yet").count(), { timeout: 20_000 }).toBe(1);
    // Set once: a reload would lose it.
    await page.evaluate(() => {
      (window as unknown as { notReloaded: boolean }).notReloaded = true;
    });

    const call = await sim().simulateCall({
      caller: FIRST_CALLER,
      virtualNum: X,
      digits: extendNum,
      talkSeconds: 20,
    });
    const row = rowOf(FIRST_CALLER);
    const steps: [advanceMs: number, shows: string][] = [
      [0, `Incoming Calling ${X}`],
      [4_000, `Extension keyed Extension ${extendNum} keyed`],
      [1_000, `Forwarding Forwarding to ${A}`],
      [2_000, `Ringing Ringing ${A}`],
      [5_000, "Answered Answered · talking 0:"],
      [20_000, "Ended Normal hang-up after the call was connected (code 0) · talked 0:20"],
    ];
    for (const [advanceMs, shows] of steps) {
      await sim().clock.advance(advanceMs);
      await expect.poll(() => row.textContent(), { timeout: 20_000 }).toContain(shows);
      if (shows.startsWith("Ended")) break;
      expect(await row.getByText("In progress").count()).toBe(1);
      expect(await row.getAttribute("class")).toContain("in-progress");
    }
    expect(await row.textContent()).toContain(`${FIRST_CALLER} → ${X}`);
    expect(await row.getByText("Answered", { exact: true }).count()).toBe(1);
    expect(await row.getAttribute("class")).not.toContain("in-progress");

    await row.getByRole("button", { name: `Show the events of the call from ${FIRST_CALLER}` }).click();
    expect(await timelineEventTypes(FIRST_CALLER)).toEqual(
      (await storedEvents(call.sessionId)).map((event) => event.eventType),
    );
    expect(await timelineEventTypes(FIRST_CALLER)).toEqual([
      "CALLIN",
      "COLLECT_INFO",
      "CALLOUT",
      "ALERTING",
      "ANSWER",
      "DISCONNECT",
    ]);
    const disconnect = page
      .getByRole("table", { name: `Events of the call from ${FIRST_CALLER}` })
      .getByRole("row")
      .last();
    expect(await disconnect.textContent()).toContain("0 — Normal hang-up after the call was connected");
    expect(await page.evaluate(() => (window as unknown as { notReloaded?: boolean }).notReloaded)).toBe(
      true,
    );
  }, 120_000);

  it("resumes after the socket is killed, with every event of a call placed while offline", async () => {
    const { page } = browser;
    const dropped = current!;
    const lastBeforeDrop = lastEventCursor(dropped.connection);
    expect(lastBeforeDrop).toBeDefined();
    const firstCall = await storedEvents((await sessionIdOf(FIRST_CALLER)) ?? "");
    // The last event the page received is the first call's DISCONNECT.
    expect(firstCall.at(-1)?.eventType).toBe("DISCONNECT");
    expect(lastBeforeDrop).toBe(firstCall.at(-1)?.cursor);

    online = false;
    const refusedBefore = refused;
    await dropped.page.close({ code: 1012, reason: "service restart (test)" });
    await dropped.server.close();
    await expect.poll(() => banner().getAttribute("data-state"), { timeout: 20_000 }).toBe("reconnecting");
    expect(await banner().textContent()).toContain("service restart (test)");
    await expect.poll(() => page.getByTestId("socket-status").textContent()).toBe("Reconnecting…");

    // A whole call while the page is offline: the gateway stores every event of it.
    const call = await sim().simulateCall({
      caller: OFFLINE_CALLER,
      virtualNum: X,
      digits: extendNum,
      talkSeconds: 20,
    });
    await sim().clock.advance(120_000);
    await until(
      async () => (await storedEvents(call.sessionId)).length === 6,
      "the offline call's 6 events",
      20_000,
    );
    const stored = await storedEvents(call.sessionId);
    // graphql-ws tried again at least once meanwhile, and was refused.
    await until(() => refused > refusedBefore, "a refused reconnection", 30_000);
    expect(await rowOf(OFFLINE_CALLER).count()).toBe(0);

    online = true;
    await expect.poll(() => banner().getAttribute("data-state"), { timeout: 60_000 }).toBe("live");
    await expect
      .poll(() => page.getByTestId("feed-resumed").textContent(), { timeout: 20_000 })
      .toContain(`${stored.length} events caught up, none missed`);
    expect(await page.getByTestId("feed-resumed").textContent()).toContain(
      `resumed after cursor …${lastBeforeDrop!.slice(-8)}`,
    );
    await expect.poll(() => page.getByTestId("socket-status").textContent()).toBe("Live · reconnected 1×");

    const row = rowOf(OFFLINE_CALLER);
    await expect
      .poll(() => row.textContent(), { timeout: 20_000 })
      .toContain("Ended Normal hang-up after the call was connected (code 0)");
    await row.getByRole("button", { name: `Show the events of the call from ${OFFLINE_CALLER}` }).click();
    expect(await timelineEventTypes(OFFLINE_CALLER)).toEqual(stored.map((event) => event.eventType));

    // The resubscription on the new socket asked for what came after the last event received before the drop,
    // and the gateway replayed exactly the offline call's events on it.
    const resumed = current!;
    expect(resumed.connection).toBeGreaterThan(dropped.connection);
    const resubscribe = frames.find(
      (f) =>
        f.connection === resumed.connection &&
        f.direction === "up" &&
        f.message.type === "subscribe" &&
        String(f.message.payload?.query).includes("callEvents("),
    );
    const variables = resubscribe?.message.payload?.variables as { after?: string } | undefined;
    expect(variables?.after).toBe(lastBeforeDrop);
    const replayed = frames
      .filter(
        (f) =>
          f.connection === resumed.connection &&
          f.direction === "down" &&
          f.message.type === "next" &&
          f.message.id === resubscribe?.message.id,
      )
      .map(
        (f) =>
          (f.message.payload?.data as { callEvents?: { cursor: string } } | undefined)?.callEvents?.cursor,
      );
    expect(replayed).toEqual(stored.map((event) => event.cursor));
  }, 180_000);

  /** The sessionId of the newest call of `caller`, as the gateway stored it. */
  async function sessionIdOf(caller: string): Promise<string | undefined> {
    const result = await gw.gql<{
      callSessions: { edges: { node: { sessionId: string; caller: string } }[] };
    }>("{ callSessions(first: 20) { edges { node { sessionId caller } } } }");
    return result.data?.callSessions.edges.find((edge) => edge.node.caller === caller)?.node.sessionId;
  }

  it("filters by X, refusing a malformed one with a sentence, and keeps the filter in the address", async () => {
    const { page } = browser;
    const filter = page.getByLabel("Filter by X");
    await filter.fill("17000000001");
    await page.getByRole("button", { name: "Apply filter" }).click();
    await expect.poll(() => page.getByRole("alert").textContent()).toContain("international format");

    await filter.fill("+8617000000002");
    await page.getByRole("button", { name: "Apply filter" }).click();
    await page.waitForURL("**/console/calls?x=%2B8617000000002");
    await expect
      .poll(() => page.getByText("No calls on +8617000000002 yet").count(), { timeout: 20_000 })
      .toBe(1);
    // A new filter is a new feed on the same socket, not a reconnection.
    expect(await banner().getAttribute("data-state")).toBe("live");
    expect(await page.getByTestId("feed-resumed").count()).toBe(0);
    expect(await page.getByTestId("socket-status").textContent()).toBe("Live · reconnected 1×");

    await filter.fill(X);
    await page.getByRole("button", { name: "Apply filter" }).click();
    await page.waitForURL(`**/console/calls?x=${encodeURIComponent(X)}`);
    await expect.poll(() => rowOf(FIRST_CALLER).count(), { timeout: 20_000 }).toBe(1);
    expect(await rowOf(OFFLINE_CALLER).count()).toBe(1);

    await page.getByRole("button", { name: "Show every X" }).click();
    await page.waitForURL("**/console/calls");
    await expect.poll(() => rowOf(FIRST_CALLER).count(), { timeout: 20_000 }).toBe(1);
  }, 60_000);

  it("shows a viewer masked numbers and no control that changes anything", async () => {
    const { page } = browser;
    await page.getByRole("button", { name: "Sign out" }).click();
    await browser.signIn(TEST_API_KEYS.viewer);
    await browser.open("calls");
    const masked = `${FIRST_CALLER.slice(0, 6)}****${FIRST_CALLER.slice(-4)}`;
    await expect.poll(() => rowOf(masked).count(), { timeout: 20_000 }).toBe(1);
    const table = page.getByRole("table", { name: /^Calls/ });
    const shown = (await table.textContent()) ?? "";
    for (const number of [FIRST_CALLER, OFFLINE_CALLER, A, X]) expect(shown).not.toContain(number);
    expect(shown).toContain(`${A.slice(0, 6)}****${A.slice(-4)}`);

    // Reading only: the filter and the timelines; no button that binds, changes or ends anything.
    const buttons = await page.getByRole("main").getByRole("button").all();
    const names = await Promise.all(
      buttons.map((button) =>
        button.getAttribute("aria-label").then((label) => label ?? button.textContent()),
      ),
    );
    expect(names.length).toBeGreaterThan(0);
    for (const name of names)
      expect(name).toMatch(/^(Apply filter|Show the events of the call from \+\d+\*{4}\d{4})$/);

    await rowOf(masked).getByRole("button").click();
    expect(await timelineEventTypes(masked)).toEqual([
      "CALLIN",
      "COLLECT_INFO",
      "CALLOUT",
      "ALERTING",
      "ANSWER",
      "DISCONNECT",
    ]);
  }, 60_000);

  it("shows the gateway's message when the calls cannot be loaded", async () => {
    const { page } = browser;
    const message = "Query cost 9999 exceeds the limit 5000 (test)";
    // Only the page's first query of calls is refused; everything else reaches the gateway.
    const refuse = async (route: Route) => {
      const body = route.request().postDataJSON() as { operationName?: string } | null;
      if (body?.operationName !== "LiveCalls") return route.fallback();
      return route.fulfill({
        status: 200,
        contentType: "application/json",
        body: JSON.stringify({ errors: [{ message }] }),
      });
    };
    await page.route("**/graphql", refuse);
    try {
      await browser.open("bindings");
      await browser.open("calls");
      await expect
        .poll(() => page.getByRole("alert").textContent(), { timeout: 20_000 })
        .toBe(`The calls could not be loaded: ${message}`);
      expect(await page.getByText("Loading calls…").count()).toBe(0);
      expect(await page.getByText(/^No calls/).count()).toBe(0);
    } finally {
      await page.unroute("**/graphql", refuse);
    }
  }, 60_000);

  it("made no request beyond the gateway and logged no error", () => {
    expect(browser.foreignRequests()).toEqual([]);
    expect(browser.pageErrors).toEqual([]);
  });
});
