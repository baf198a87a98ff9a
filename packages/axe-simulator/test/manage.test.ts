import { afterEach, describe, expect, it } from "vitest";
import type { Simulator } from "../src/index.js";
import { APP_KEY, APP_SECRET, bind, call, startSimulator, X1, X2 } from "./helpers.js";

const A = "+8613800000021";
const A2 = "+8613800000022";

describe("QueryAXEBinding v1.0, ModifyAXEBinding and DeleteAXEBinding", () => {
  let sim: Simulator;
  afterEach(async () => {
    await sim.stop();
  });

  describe("query", () => {
    it("reports every field that was set, and leaves out the ones never set", async () => {
      sim = await startSimulator();
      const b = await bind(sim, {
        bindNum: A,
        recordFlag: "true",
        recordHintTone: "hint.wav",
        callbackTone: "cb.wav",
        timeUnit: "1",
        bindExpiredTime: 90,
        callbackExpiredTime: 30,
        userData: "order-42",
      });
      const res = await call(sim, { query: { virtualNum: X1, extendNum: String(b.extendNum) } });
      expect(res.status).toBe(200);
      expect(res.body).toEqual({
        resultcode: "0",
        resultdesc: "Success",
        subscriptionId: b.subscriptionId,
        virtualNum: X1,
        extendNum: "0001",
        bindNum: A,
        displayNumMode: "0",
        recordFlag: "true",
        recordHintTone: "hint.wav",
        callbackTone: "cb.wav",
        timeUnit: "1",
        bindExpiredTime: 90,
        callbackExpiredTime: 30,
        userData: "order-42",
      });
      const plain = await bind(sim, { bindNum: A2 });
      const q = await call(sim, { query: { subscriptionId: String(plain.subscriptionId) } });
      expect(Object.keys(q.body).sort()).toEqual(
        [
          "resultcode",
          "resultdesc",
          "subscriptionId",
          "virtualNum",
          "extendNum",
          "bindNum",
          "displayNumMode",
          "recordFlag",
          "timeUnit",
          "bindExpiredTime",
          "callbackExpiredTime",
        ].sort(),
      );
    });

    it("lets subscriptionId win over virtualNum + extendNum", async () => {
      sim = await startSimulator();
      const b1 = await bind(sim, { bindNum: A });
      await bind(sim, { bindNum: A2 });
      const res = await call(sim, {
        query: { subscriptionId: String(b1.subscriptionId), virtualNum: X1, extendNum: "0002" },
      });
      expect(res.body.bindNum).toBe(A);
    });

    it("ignores virtualNum and extendNum entirely when subscriptionId is present, even malformed ones", async () => {
      sim = await startSimulator();
      const b = await bind(sim, { bindNum: A });
      // The official samples send all three; a raw + in virtualNum must not matter once subscriptionId wins.
      const res = await call(sim, {
        rawQuery: `subscriptionId=${String(b.subscriptionId)}&virtualNum=+8617000000001&extendNum=12345`,
      });
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ resultcode: "0", subscriptionId: b.subscriptionId });
      // …and an unknown subscriptionId does not fall back to a valid pair.
      const missing = await call(sim, {
        query: { subscriptionId: "unknown", virtualNum: X1, extendNum: String(b.extendNum) },
      });
      expect(missing.body).toEqual({ resultcode: "1012007", resultdesc: "The record does not exist." });
    });

    it("needs %2B for the + of a number in the query string: a raw + decodes to a space (1010002)", async () => {
      sim = await startSimulator();
      await bind(sim, { bindNum: A });
      const encoded = await call(sim, { rawQuery: "virtualNum=%2B8617000000001&extendNum=0001" });
      expect(encoded.body.resultcode).toBe("0");
      const raw = await call(sim, { rawQuery: "virtualNum=+8617000000001&extendNum=0001" });
      expect(raw.status).toBe(403);
      expect(raw.body).toEqual({ resultcode: "1010002", resultdesc: "Invalid request. virtualNum" });
    });

    it.each([
      [{ virtualNum: X1 }, "extendNum"],
      [{ extendNum: "0001" }, "virtualNum"],
      [{}, "subscriptionId"],
      [{ virtualNum: X1, extendNum: "12345" }, "extendNum"],
      [{ subscriptionId: "x".repeat(65) }, "subscriptionId"],
    ])("answers 1010002 to the selector %j", async (query, field) => {
      sim = await startSimulator();
      const res = await call(sim, { query });
      expect(res.body).toEqual({ resultcode: "1010002", resultdesc: `Invalid request. ${field}` });
    });

    it("answers 1012007 for a binding that does not exist or belongs to another app", async () => {
      sim = await startSimulator({
        apps: [
          { appKey: APP_KEY, appSecret: APP_SECRET, virtualNumbers: [X1] },
          { appKey: "other", appSecret: "other-secret", virtualNumbers: [X2] },
        ],
      });
      const theirs = await bind(
        sim,
        { virtualNum: X2, bindNum: A },
        { appKey: "other", appSecret: "other-secret" },
      );
      const queries: Array<Record<string, string>> = [
        { subscriptionId: "nope" },
        { subscriptionId: String(theirs.subscriptionId) },
        { virtualNum: X1, extendNum: "0001" },
        { virtualNum: X2, extendNum: "0001" },
      ];
      for (const query of queries) {
        const res = await call(sim, { query });
        expect(res.status).toBe(403);
        expect(res.body).toEqual({ resultcode: "1012007", resultdesc: "The record does not exist." });
      }
    });
  });

  describe("modify", () => {
    it("changes only the fields sent", async () => {
      sim = await startSimulator();
      const b = await bind(sim, { bindNum: A, callbackTone: "cb.wav", userData: "u1", recordFlag: "false" });
      const res = await call(sim, {
        method: "PUT",
        body: { subscriptionId: b.subscriptionId, recordFlag: "true", userData: "u2" },
      });
      expect(res.status).toBe(200);
      expect(res.body).toEqual({ resultcode: "0", resultdesc: "Success" });
      const q = await call(sim, { query: { subscriptionId: String(b.subscriptionId) } });
      expect(q.body).toMatchObject({
        recordFlag: "true",
        userData: "u2",
        callbackTone: "cb.wav",
        displayNumMode: "0",
      });
    });

    it("selects by virtualNum + extendNum with a literal + in JSON", async () => {
      sim = await startSimulator();
      await bind(sim, { bindNum: A });
      const res = await call(sim, {
        method: "PUT",
        body: { virtualNum: X1, extendNum: "0001", displayNumMode: "1" },
      });
      expect(res.body.resultcode).toBe("0");
      expect((await call(sim, { query: { virtualNum: X1, extendNum: "0001" } })).body.displayNumMode).toBe(
        "1",
      );
    });

    it("lets subscriptionId win over a malformed or different virtualNum + extendNum in the body", async () => {
      sim = await startSimulator();
      const b1 = await bind(sim, { bindNum: A });
      await bind(sim, { bindNum: A2 });
      const res = await call(sim, {
        method: "PUT",
        body: {
          subscriptionId: b1.subscriptionId,
          virtualNum: "8617000000001",
          extendNum: "0002",
          userData: "u",
        },
      });
      expect(res.body).toEqual({ resultcode: "0", resultdesc: "Success" });
      const [first, second] = sim.state().bindings;
      expect(first).toMatchObject({ bindNum: A, userData: "u" });
      expect(second).not.toHaveProperty("userData");
    });

    it("clears callbackNum with an empty string and leaves it alone when absent", async () => {
      sim = await startSimulator();
      const b = await bind(sim, { bindNum: A, callbackNum: "+8613900000001" });
      const id = String(b.subscriptionId);
      await call(sim, { method: "PUT", body: { subscriptionId: id, userData: "u" } });
      expect((await call(sim, { query: { subscriptionId: id } })).body.callbackNum).toBe("+8613900000001");
      const res = await call(sim, { method: "PUT", body: { subscriptionId: id, callbackNum: "" } });
      expect(res.body.resultcode).toBe("0");
      const q = (await call(sim, { query: { subscriptionId: id } })).body;
      expect(q).not.toHaveProperty("callbackNum");
      expect(q).not.toHaveProperty("callbackTone");
    });

    it("keeps at most one of callbackTone/callbackNum: callbackNum wins, and an empty string clears", async () => {
      sim = await startSimulator();
      const b = await bind(sim, { bindNum: A, callbackTone: "cb.wav" });
      const id = String(b.subscriptionId);
      const get = async () => (await call(sim, { query: { subscriptionId: id } })).body;

      await call(sim, {
        method: "PUT",
        body: { subscriptionId: id, callbackTone: "t2.wav", callbackNum: "+8613900000001" },
      });
      let q = await get();
      expect(q.callbackNum).toBe("+8613900000001");
      expect(q).not.toHaveProperty("callbackTone");

      await call(sim, { method: "PUT", body: { subscriptionId: id, callbackTone: "t3.wav" } });
      q = await get();
      expect(q.callbackTone).toBe("t3.wav");
      expect(q).not.toHaveProperty("callbackNum");

      await call(sim, { method: "PUT", body: { subscriptionId: id, callbackTone: "" } });
      q = await get();
      expect(q).not.toHaveProperty("callbackTone");
      expect(q).not.toHaveProperty("callbackNum");
    });

    it("reports create's timeUnit and bindExpiredTime after a modify changed them", async () => {
      sim = await startSimulator();
      const b = await bind(sim, { bindNum: A, timeUnit: "0", bindExpiredTime: 24, callbackExpiredTime: 2 });
      await call(sim, {
        method: "PUT",
        body: {
          subscriptionId: b.subscriptionId,
          timeUnit: "1",
          bindExpiredTime: 600,
          callbackExpiredTime: 60,
        },
      });
      const q = await call(sim, { query: { subscriptionId: String(b.subscriptionId) } });
      expect(q.body).toMatchObject({ timeUnit: "0", bindExpiredTime: 24, callbackExpiredTime: 60 });
      expect(sim.state().bindings[0]?.expiresAt).toBe("2026-01-27T18:00:00.000Z");
    });

    it("refuses bindExpiredTime below callbackExpiredTime (1010002)", async () => {
      sim = await startSimulator();
      const b = await bind(sim, { bindNum: A, bindExpiredTime: 24, callbackExpiredTime: 12 });
      const lower = await call(sim, {
        method: "PUT",
        body: { subscriptionId: b.subscriptionId, bindExpiredTime: 6 },
      });
      expect(lower.body).toEqual({ resultcode: "1010002", resultdesc: "Invalid request. bindExpiredTime" });
      const higher = await call(sim, {
        method: "PUT",
        body: { subscriptionId: b.subscriptionId, callbackExpiredTime: 48 },
      });
      expect(higher.body).toEqual({
        resultcode: "1010002",
        resultdesc: "Invalid request. callbackExpiredTime",
      });
      // 0 means never: no conflict.
      const never = await call(sim, {
        method: "PUT",
        body: { subscriptionId: b.subscriptionId, bindExpiredTime: 0 },
      });
      expect(never.body.resultcode).toBe("0");
    });

    it.each([
      [{ virtualNum: X1 }, "extendNum"],
      [{ extendNum: "0001" }, "virtualNum"],
      [{}, "subscriptionId"],
      [{ subscriptionId: "S", displayNumMode: "3" }, "displayNumMode"],
      [{ subscriptionId: "S", callbackNum: "12345" }, "callbackNum"],
      [{ subscriptionId: "S", userData: "{}" }, "userData"],
    ])("answers 1010002 to %j", async (body, field) => {
      sim = await startSimulator();
      const res = await call(sim, { method: "PUT", body });
      expect(res.body).toEqual({ resultcode: "1010002", resultdesc: `Invalid request. ${field}` });
    });

    it("answers 1012007 for an unknown binding and 1010002 for a non-JSON body", async () => {
      sim = await startSimulator();
      const missing = await call(sim, {
        method: "PUT",
        body: { subscriptionId: "nope", recordFlag: "true" },
      });
      expect(missing.body.resultcode).toBe("1012007");
      const notJson = await call(sim, { method: "PUT", body: "{" });
      expect(notJson.body).toEqual({ resultcode: "1010002", resultdesc: "Invalid request. body" });
    });
  });

  describe("unbind", () => {
    it("removes by subscriptionId or by virtualNum + extendNum, freeing E for the lowest-free assignment", async () => {
      sim = await startSimulator();
      const b1 = await bind(sim, { bindNum: A });
      await bind(sim, { bindNum: A2 });
      const byId = await call(sim, {
        method: "DELETE",
        query: { subscriptionId: String(b1.subscriptionId) },
      });
      expect(byId.status).toBe(200);
      expect(byId.body).toEqual({ resultcode: "0", resultdesc: "Success" });
      const byPair = await call(sim, { method: "DELETE", query: { virtualNum: X1, extendNum: "0002" } });
      expect(byPair.body.resultcode).toBe("0");
      expect(sim.state().bindings).toHaveLength(0);
      expect((await bind(sim, { bindNum: "+8613800000023" })).extendNum).toBe("0001");
      // Gone: a second unbind finds nothing.
      const again = await call(sim, {
        method: "DELETE",
        query: { subscriptionId: String(b1.subscriptionId) },
      });
      expect(again.body).toEqual({ resultcode: "1012007", resultdesc: "The record does not exist." });
    });

    it("answers 1011004 for an X that is not the app's and 1010002 for half a pair or a raw +", async () => {
      sim = await startSimulator();
      const foreign = await call(sim, {
        method: "DELETE",
        query: { virtualNum: "+8617000000999", extendNum: "0001" },
      });
      expect(foreign.status).toBe(403);
      expect(foreign.body).toEqual({
        resultcode: "1011004",
        resultdesc: "The number is not applied for binding application.",
      });
      const half = await call(sim, { method: "DELETE", query: { virtualNum: X1 } });
      expect(half.body).toEqual({ resultcode: "1010002", resultdesc: "Invalid request. extendNum" });
      const raw = await call(sim, { method: "DELETE", rawQuery: "virtualNum=+8617000000001&extendNum=0001" });
      expect(raw.body).toEqual({ resultcode: "1010002", resultdesc: "Invalid request. virtualNum" });
    });

    it("unbinds by subscriptionId even with a raw + in the virtualNum sent alongside", async () => {
      sim = await startSimulator();
      const b = await bind(sim, { bindNum: A });
      const res = await call(sim, {
        method: "DELETE",
        rawQuery: `subscriptionId=${String(b.subscriptionId)}&virtualNum=+8617000000001&extendNum=0001`,
      });
      expect(res.body).toEqual({ resultcode: "0", resultdesc: "Success" });
      expect(sim.state().bindings).toHaveLength(0);
    });
  });
});
