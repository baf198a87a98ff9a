import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type GatewayConfig, testConfig } from "../src/shared/config.js";
import { startGateway, type TestGateway, until } from "./support/gateway.js";

const X = "+8617000000001";

interface BindingView {
  subscriptionId: string;
  bindNum: string;
  extendNum: string;
  state: string;
}

// The default deployment keeps its data on disk: embedded PGlite and the embedded simulator's state under
// DATA_DIR. A restart must lose nothing, and the restarted simulator must not hand out an identity it handed out
// before (a reused subscriptionId or icid once overwrote a binding and dropped a CDR as a duplicate).
describe("a gateway restarted on the same data directory", () => {
  let dir: string;
  let config: Partial<GatewayConfig>;
  let gw: TestGateway | undefined;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), "privnum-restart-"));
    const defaults = testConfig();
    if (defaults.platform.kind !== "embedded-simulator") throw new Error("expected the embedded simulator");
    config = {
      dataDir: dir,
      database: { kind: "pglite", dataDir: join(dir, "pglite") },
      platform: { ...defaults.platform, stateDir: join(dir, "simulator") },
    };
  });
  afterAll(async () => {
    await gw?.stop();
    await rm(dir, { recursive: true, force: true });
  });

  async function bindAndCall(g: TestGateway, bindNum: string, caller: string) {
    const created = await g.gql<{ createBinding: { binding?: BindingView } }>(
      `mutation($input: CreateBindingInput!) { createBinding(input: $input) {
        ... on CreateBindingPayload { binding { subscriptionId bindNum extendNum state } } } }`,
      { input: { bindNum, virtualNum: X } },
    );
    const binding = created.data?.createBinding.binding;
    expect(binding, JSON.stringify(created)).toBeDefined();
    const sim = g.gateway.simulator!;
    const call = await sim.simulateCall({
      caller,
      virtualNum: X,
      digits: binding!.extendNum,
      talkSeconds: 30,
    });
    await sim.clock.advance(120_000);
    await until(
      async () => {
        const read = await g.gql<{ callSession: { state: string } | null }>(
          "query($sid: String!) { callSession(sessionId: $sid) { state } }",
          { sid: call.sessionId },
        );
        return read.data?.callSession?.state === "BILLED";
      },
      `call ${call.sessionId} to be billed`,
      30_000,
    );
    return { binding: binding!, sessionId: call.sessionId };
  }

  it("keeps both bindings, both calls and both CDRs, and the simulator hands out new identities", async () => {
    gw = await startGateway(config);
    const first = await bindAndCall(gw, "+8613800000501", "+8613900000501");
    await gw.stop();
    gw = undefined;

    gw = await startGateway(config);
    const second = await bindAndCall(gw, "+8613800000502", "+8613900000502");

    expect(second.binding.subscriptionId).not.toBe(first.binding.subscriptionId);
    expect(second.sessionId).not.toBe(first.sessionId);

    const read = await gw.gql<{
      a: BindingView | null;
      b: BindingView | null;
      sessions: { edges: { node: { sessionId: string; state: string } }[] };
      records: { edges: { node: { icid: string; sessionId: string; bindNum: string } }[] };
    }>(
      `query($a: String!, $b: String!) {
        a: binding(subscriptionId: $a) { subscriptionId bindNum extendNum state }
        b: binding(subscriptionId: $b) { subscriptionId bindNum extendNum state }
        sessions: callSessions(first: 10) { edges { node { sessionId state } } }
        records: callRecords(first: 10) { edges { node { icid sessionId bindNum } } }
      }`,
      { a: first.binding.subscriptionId, b: second.binding.subscriptionId },
    );
    expect(read.errors).toBeUndefined();
    expect(read.data?.a).toEqual({ ...first.binding, state: "ACTIVE" });
    expect(read.data?.b).toEqual({ ...second.binding, state: "ACTIVE" });
    expect(
      read.data?.sessions.edges.map((e) => e.node).sort((x, y) => x.sessionId.localeCompare(y.sessionId)),
    ).toEqual(
      [
        { sessionId: first.sessionId, state: "BILLED" },
        { sessionId: second.sessionId, state: "BILLED" },
      ].sort((x, y) => x.sessionId.localeCompare(y.sessionId)),
    );
    const records = read.data?.records.edges.map((e) => e.node) ?? [];
    expect(records.map((r) => [r.sessionId, r.bindNum]).sort()).toEqual(
      [
        [first.sessionId, "+8613800000501"],
        [second.sessionId, "+8613800000502"],
      ].sort(),
    );
    expect(new Set(records.map((r) => r.icid)).size).toBe(2);

    // The platform still knows the first binding: it is still the binding behind its extension.
    const platform = await gw.gateway.services
      .platform()
      .getBinding({ subscriptionId: first.binding.subscriptionId });
    expect(platform).toMatchObject({ bindNum: "+8613800000501", extendNum: first.binding.extendNum });
  });
});
