// GraphiQL in a real browser: the page loads with no request leaving the machine, runs a mutation over HTTP and
// shows a live call event over graphql-ws. Needs Debian's chromium at /usr/bin/chromium: without it the test
// skips (and says so), except under CI=true, where a missing browser is a failure.
import { existsSync, readdirSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { testConfig } from "../src/shared/config.js";
import { startGateway, type TestGateway } from "./support/gateway.js";
import {
  BROWSER_DATA_DIR_PREFIX,
  CHROMIUM_PATH,
  ChromiumMissingError,
  ForeignRequestsError,
  type GraphiQLBrowser,
  GraphiQLTimeoutError,
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

/** The user-data-dirs of browsers opened by openGraphiQL that still exist. */
function browserDataDirs(): string[] {
  return readdirSync(tmpdir()).filter((name) => name.startsWith(BROWSER_DATA_DIR_PREFIX));
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
  let starting: Promise<TestGateway> | undefined;
  let gw: TestGateway | undefined;
  let opening: Promise<GraphiQLBrowser> | undefined;
  let graphiql: GraphiQLBrowser | undefined;
  let extendNum: string | undefined;
  let tornDown = false;

  // A gateway (PGlite in memory) and a browser both start here: give them more than one default hook's time.
  beforeAll(async () => {
    if (!haveChromium) throw new ChromiumMissingError(CHROMIUM_PATH);
    // Development keys on a loopback host: GraphiQL opens with the operator's key in place.
    starting = startGateway({ auth: { ...testConfig().auth, devKeys: true } });
    gw = await starting;
    if (tornDown) return; // this hook timed out and afterAll has run: open no browser it would not close
    opening = openGraphiQL(gw.gateway.graphqlUrl);
    graphiql = await opening;
  }, 150_000);
  // Runs whether or not a test failed, and even when beforeAll timed out while the browser was still opening
  // or the gateway were still starting (they are awaited, then stopped): neither the browser's user-data-dir
  // nor the gateway outlives the file.
  afterAll(async () => {
    tornDown = true;
    try {
      const opened = await opening?.catch(() => undefined);
      await opened?.close();
    } finally {
      const started = await starting?.catch(() => undefined);
      await started?.stop();
    }
  }, 60_000);

  it("loads from the gateway alone", async () => {
    const page = graphiql!.page;
    await expect(page.title()).resolves.toBe("privnum gateway");
    // The configured default query is in the editor.
    expect(await graphiql!.queryText()).toContain("mutation Bind {");
    expect(() => graphiql!.assertNoForeignRequests()).not.toThrow();
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
    const { event, sessionId } = await showLiveCallEvent(graphiql!, {
      gateway: gw!.gateway,
      simulator: gw!.gateway.simulator!,
      extendNum: extendNum!,
    });
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
    expect(sockets).toEqual([gw!.gateway.graphqlUrl.replace(/^http/, "ws")]);
    expect(graphiql!.foreignRequests()).toEqual([]);
  }, 150_000);

  // Last: it leaves a foreign request in the record.
  it("notices a request for another host, and refuses it", async () => {
    const outcome = await graphiql!.page.evaluate(() =>
      fetch("http://192.0.2.1/graphiql.css").then(
        () => "answered",
        () => "refused",
      ),
    );
    expect(outcome).toBe("refused");
    expect(graphiql!.foreignRequests()).toEqual(["http://192.0.2.1/graphiql.css"]);
    expect(() => graphiql!.assertNoForeignRequests()).toThrow(ForeignRequestsError);
  });
});

describe.skipIf(!haveChromium)("openGraphiQL on a page that is not GraphiQL", () => {
  let server: Server | undefined;
  afterAll(async () => {
    await new Promise((resolve) => server?.close(resolve) ?? resolve(undefined));
  });

  it("gives up with what the page showed, and removes the browser's user-data-dir", async () => {
    server = createServer((_request, response) => {
      response.writeHead(200, { "content-type": "text/html" });
      response.end("<!doctype html><title>stuck</title><p>Loading __TITLE__...</p>");
    });
    await new Promise<void>((resolve) => server!.listen(0, "127.0.0.1", resolve));
    const { port } = server.address() as AddressInfo;
    const before = browserDataDirs();
    const opening = openGraphiQL(`http://127.0.0.1:${port}/graphql`, { loadTimeoutMs: 2_000 });
    await expect(opening).rejects.toThrow(GraphiQLTimeoutError);
    await expect(opening).rejects.toThrow(/Loading __TITLE__/);
    expect(browserDataDirs()).toEqual(before);
  }, 60_000);
});

describe("openGraphiQL without a browser", () => {
  it("says where Chromium was looked for", async () => {
    const missing = join(tmpdir(), "privnum-no-such-browser");
    await expect(openGraphiQL("http://127.0.0.1:1/graphql", { executablePath: missing })).rejects.toThrow(
      new ChromiumMissingError(missing),
    );
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
