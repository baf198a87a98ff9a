import { afterEach, describe, expect, it } from "vitest";
import type { Simulator } from "../src/index.js";
import { bind, call, startSimulator, X1, X2 } from "./helpers.js";

const V2 = "/rest/caas/extendnumber/v2.0";
const aNumber = (i: number) => `+86138000${String(i).padStart(5, "0")}`;

describe("QueryAXEBinding v2.0 (cursor listing)", () => {
  let sim: Simulator;
  afterEach(async () => {
    await sim.stop();
  });

  async function bindMany(n: number, virtualNum = X1): Promise<void> {
    for (let i = 0; i < n; i++) {
      await bind(sim, { virtualNum, bindNum: aNumber(i) });
      // Spread creation times so the cursor's time part varies too.
      await sim.clock.advance(i % 2 === 0 ? 0 : 1500);
    }
  }

  it("pages through one X's bindings in creation order; nextCusor is absent on the last page", async () => {
    sim = await startSimulator();
    await bindMany(5);
    await bindMany(2, X2);
    const seen: string[] = [];
    let cursor: string | undefined = "0000000000000_0";
    let pages = 0;
    while (cursor !== undefined) {
      const res = await call(sim, { path: V2, query: { virtualNum: X1, cursor, limit: "2" } });
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ resultcode: "0", resultdesc: "Success", total: 5 });
      const list = res.body.bindingList as Array<Record<string, unknown>>;
      seen.push(...list.map((b) => String(b.bindNum)));
      cursor = res.body.nextCusor as string | undefined;
      if (cursor !== undefined) expect(cursor).toMatch(/^\d{13}_\d{1,20}$/);
      pages++;
    }
    expect(pages).toBe(3);
    expect(seen).toEqual([0, 1, 2, 3, 4].map(aNumber));
  });

  it("uses 20 per page by default and the first cursor when none is given", async () => {
    sim = await startSimulator();
    await bindMany(23);
    const first = await call(sim, { path: V2, query: { virtualNum: X1 } });
    expect(first.body.bindingList).toHaveLength(20);
    const second = await call(sim, {
      path: V2,
      query: { virtualNum: X1, cursor: String(first.body.nextCusor) },
    });
    expect(second.body.bindingList).toHaveLength(3);
    expect(second.body).not.toHaveProperty("nextCusor");
  });

  it("reports each binding with the query fields", async () => {
    sim = await startSimulator();
    const b = await bind(sim, { bindNum: aNumber(1), userData: "u" });
    const res = await call(sim, { path: V2, query: { virtualNum: X1, limit: "100" } });
    expect(res.body.bindingList).toEqual([
      {
        subscriptionId: b.subscriptionId,
        virtualNum: X1,
        extendNum: "0001",
        bindNum: aNumber(1),
        displayNumMode: "0",
        recordFlag: "false",
        timeUnit: "0",
        bindExpiredTime: 0,
        callbackExpiredTime: 0,
        userData: "u",
      },
    ]);
  });

  it("answers an empty page for an X without bindings", async () => {
    sim = await startSimulator();
    const res = await call(sim, { path: V2, query: { virtualNum: X2 } });
    expect(res.body).toEqual({ resultcode: "0", resultdesc: "Success", total: 0, bindingList: [] });
  });

  it("looks up a single binding by subscriptionId or virtualNum + extendNum", async () => {
    sim = await startSimulator();
    await bindMany(3);
    const res = await call(sim, {
      path: V2,
      query: { virtualNum: X1, extendNum: "0002", cursor: "0000000000000_0" },
    });
    expect(res.body.total).toBe(1);
    expect((res.body.bindingList as Array<Record<string, unknown>>)[0]?.bindNum).toBe(aNumber(1));
    const missing = await call(sim, { path: V2, query: { subscriptionId: "nope" } });
    expect(missing.body.resultcode).toBe("1012007");
  });

  it("ignores cursor and limit for a single-binding lookup, and the pair when subscriptionId is present", async () => {
    sim = await startSimulator();
    const b = await bind(sim, { bindNum: aNumber(1) });
    const byPair = await call(sim, {
      path: V2,
      query: { virtualNum: X1, extendNum: "0001", cursor: "bad", limit: "0" },
    });
    expect(byPair.body).toMatchObject({ resultcode: "0", total: 1 });
    const byId = await call(sim, {
      path: V2,
      rawQuery: `subscriptionId=${String(b.subscriptionId)}&virtualNum=+8617000000001&cursor=x&limit=999`,
    });
    expect(byId.body).toMatchObject({ resultcode: "0", total: 1 });
    expect((byId.body.bindingList as Array<Record<string, unknown>>)[0]?.subscriptionId).toBe(
      b.subscriptionId,
    );
  });

  it.each([
    [{ virtualNum: X1, cursor: "123_1" }, "cursor"],
    [{ virtualNum: X1, cursor: "0000000000000_" }, "cursor"],
    [{ virtualNum: X1, cursor: `0000000000000_${"1".repeat(21)}` }, "cursor"],
    [{ virtualNum: X1, limit: "0" }, "limit"],
    [{ virtualNum: X1, limit: "101" }, "limit"],
    [{ virtualNum: X1, limit: "ten" }, "limit"],
    [{ extendNum: "0001" }, "virtualNum"],
    [{}, "virtualNum"],
  ])("answers 1010002 to %j", async (query, field) => {
    sim = await startSimulator();
    const res = await call(sim, { path: V2, query });
    expect(res.status).toBe(403);
    expect(res.body).toEqual({ resultcode: "1010002", resultdesc: `Invalid request. ${field}` });
  });

  it("answers 1012007 for an X that is not the app's", async () => {
    sim = await startSimulator();
    const res = await call(sim, { path: V2, query: { virtualNum: "+8617000000999" } });
    expect(res.body.resultcode).toBe("1012007");
  });
});
