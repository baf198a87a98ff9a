// GraphiQL in a real browser: the page loads with no request leaving the machine, runs a mutation over HTTP and
// shows a live call event over graphql-ws. Needs Debian's chromium at /usr/bin/chromium: without it the test
// skips (and says so), except under CI=true, where a missing browser is a failure.
import { existsSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startGateway, type TestGateway } from "./support/gateway.js";
import {
  CHROMIUM_PATH,
  ChromiumMissingError,
  type GraphiQLBrowser,
  isGatewayRequest,
  openGraphiQL,
  parseResultPane,
  SCENARIO,
  showCreatedBinding,
  showLiveCallEvent,
} from "./support/graphiql-browser.js";

const haveChromium = existsSync(CHROMIUM_PATH);
const inCi = process.env.CI === "true";
if (!haveChromium && !inCi) {
  console.warn(`GraphiQL browser test skipped: no Chromium at ${CHROMIUM_PATH} (apt-get install chromium)`);
}

describe("isGatewayRequest", () => {
  const gateway = "http://127.0.0.1:4000/graphql";
  it("keeps the gateway's HTTP, WebSocket, blob and data URLs, and nothing else", () => {
    expect(isGatewayRequest("http://127.0.0.1:4000/graphql", gateway)).toBe(true);
    expect(isGatewayRequest("ws://127.0.0.1:4000/graphql", gateway)).toBe(true);
    expect(isGatewayRequest("blob:http://127.0.0.1:4000/6b1f0c2e", gateway)).toBe(true);
    expect(isGatewayRequest("data:image/png;base64,AAAA", gateway)).toBe(true);
    expect(isGatewayRequest("https://unpkg.com/graphiql/graphiql.min.js", gateway)).toBe(false);
    expect(isGatewayRequest("http://127.0.0.1:4001/graphql", gateway)).toBe(false);
    expect(isGatewayRequest("blob:https://unpkg.com/6b1f0c2e", gateway)).toBe(false);
  });
});

describe.skipIf(!haveChromium && !inCi)("GraphiQL in headless Chromium", () => {
  let gw: TestGateway | undefined;
  let graphiql: GraphiQLBrowser | undefined;
  let extendNum: string | undefined;

  beforeAll(async () => {
    if (!haveChromium) throw new ChromiumMissingError(CHROMIUM_PATH);
    gw = await startGateway();
    graphiql = await openGraphiQL(gw.app.graphqlUrl);
  });
  // Runs whether or not a test failed: the browser's user-data-dir and the gateway never outlive the file.
  afterAll(async () => {
    try {
      await graphiql?.close();
    } finally {
      await gw?.stop();
    }
  });

  it("loads from the gateway alone", async () => {
    const page = graphiql!.page;
    await expect(page.title()).resolves.toBe("privnum gateway");
    // The configured default query is in the editor.
    expect(await graphiql!.queryText()).toContain("mutation Bind {");
    expect(graphiql!.requests.length).toBeGreaterThan(0);
    expect(graphiql!.foreignRequests()).toEqual([]);
  });

  it("runs a mutation pasted into the editor and shows its result", async () => {
    const binding = await showCreatedBinding(graphiql!);
    expect(binding).toMatchObject({ virtualNum: SCENARIO.virtualNum, state: "ACTIVE" });
    extendNum = binding.extendNum;
    // The result pane shows what the database holds.
    const stored = await gw!.gql<{ binding: { extendNum: string } | null }>(
      "query($id: String!) { binding(subscriptionId: $id) { extendNum } }",
      { id: binding.subscriptionId },
    );
    expect(stored.data?.binding?.extendNum).toBe(extendNum);
    expect(graphiql!.foreignRequests()).toEqual([]);
  });

  it("runs a subscription over WebSocket and shows a live call event", async () => {
    expect(extendNum, "the binding of the previous test").toBeDefined();
    const { event, sessionId } = await showLiveCallEvent(graphiql!, gw!.app, extendNum!);
    // The call's last leg: X calls A (caller X, called A), ended normally.
    expect(event).toEqual({
      eventType: "DISCONNECT",
      sessionId,
      virtualNum: SCENARIO.virtualNum,
      caller: SCENARIO.virtualNum,
      called: SCENARIO.bindNum,
      stateCode: 0,
    });
    // The subscription went over graphql-ws on the gateway's own /graphql path.
    const sockets = graphiql!.requests.filter((url) => url.startsWith("ws"));
    expect(sockets).toEqual([gw!.app.graphqlUrl.replace(/^http/, "ws")]);
    expect(graphiql!.foreignRequests()).toEqual([]);
  });
});

describe("parseResultPane", () => {
  it("joins lines the pane wrapped inside a string", () => {
    const shown =
      '{\n  "data": {\n    "sessionId": \n    "1200_1000@callenabler.\n    axe-simulator.local"\n  }\n}';
    expect(parseResultPane(shown)).toEqual({
      data: { sessionId: "1200_1000@callenabler.axe-simulator.local" },
    });
  });
  it("is undefined while the pane holds no JSON", () => {
    expect(parseResultPane("")).toBeUndefined();
    expect(parseResultPane('{\n  "data": ')).toBeUndefined();
  });
});
