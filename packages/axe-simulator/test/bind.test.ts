import { signUsernameToken } from "@privnum/wsse-auth";
import { afterEach, describe, expect, it } from "vitest";
import type { AppConfig, Simulator } from "../src/index.js";
import { APP_KEY, APP_SECRET, bind, call, chunked, rawRequest, startSimulator, X1, X2 } from "./helpers.js";

const A = "+8613800000021";
const A2 = "+8613800000022";

describe("CreateAXEBinding (POST /rest/caas/extendnumber/v1.0)", () => {
  let sim: Simulator;
  afterEach(async () => {
    await sim.stop();
  });

  it("answers the documented fields and applies the defaults", async () => {
    sim = await startSimulator();
    const res = await call(sim, { method: "POST", body: { virtualNum: X1, bindNum: A } });
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe("application/json;charset=UTF-8");
    expect(res.body).toEqual({
      resultcode: "0",
      resultdesc: "Success",
      subscriptionId: expect.stringMatching(/^[0-9a-f-]{36}$/),
      virtualNum: X1,
      extendNum: "0001",
      bindExpiredTime: 0,
      callbackExpiredTime: 0,
    });
    expect(res.body).not.toHaveProperty("bindNum");
    const q = await call(sim, { query: { subscriptionId: String(res.body.subscriptionId) } });
    expect(q.body).toMatchObject({ displayNumMode: "0", recordFlag: "false", timeUnit: "0" });
  });

  it("honours a requested extension and answers 1020167 when it is taken", async () => {
    sim = await startSimulator();
    expect((await bind(sim, { bindNum: A, extendNum: "0042" })).extendNum).toBe("0042");
    const taken = await call(sim, {
      method: "POST",
      body: { virtualNum: X1, bindNum: A2, extendNum: "0042" },
    });
    expect(taken.status).toBe(403);
    expect(taken.body).toEqual({ resultcode: "1020167", resultdesc: "No idle extend Number." });
  });

  it("binds numbers of 6 and of 15 digits, the edges of the strict phone-number rule", async () => {
    sim = await startSimulator();
    await bind(sim, { bindNum: "+861380" });
    await bind(sim, { bindNum: "+861380000002199" });
    expect(sim.state().bindings.map((binding) => binding.bindNum)).toEqual(["+861380", "+861380000002199"]);
  });

  it("gives one A one extension per X: a second bind is 1013102", async () => {
    sim = await startSimulator();
    await bind(sim, { bindNum: A });
    const again = await call(sim, {
      method: "POST",
      body: { virtualNum: X1, bindNum: A, extendNum: "0005" },
    });
    expect(again.status).toBe(403);
    expect(again.body).toEqual({ resultcode: "1013102", resultdesc: "The extend number has been bound." });
    // The same A on another X is fine.
    expect((await bind(sim, { bindNum: A, virtualNum: X2 })).virtualNum).toBe(X2);
  });

  it("assigns the lowest free extension, zero-padded to the digit count", async () => {
    sim = await startSimulator({
      apps: [{ appKey: APP_KEY, appSecret: APP_SECRET, virtualNumbers: [X1], extensionDigits: 2 }],
    });
    await bind(sim, { bindNum: A, extendNum: "01" });
    await bind(sim, { bindNum: "+8613800000023", extendNum: "03" });
    expect((await bind(sim, { bindNum: A2 })).extendNum).toBe("02");
    expect((await bind(sim, { bindNum: "+8613800000024" })).extendNum).toBe("04");
  });

  it.each([
    [{ bindNum: A, extendNum: "12" }, "extendNum"],
    [{ bindNum: A, extendNum: "0000" }, "extendNum"],
    [{ bindNum: A, extendNum: "12a4" }, "extendNum"],
    [{ bindNum: "13800000021" }, "bindNum"],
    [{ bindNum: "+86 13800000021" }, "bindNum"],
    [{ bindNum: "+86138" }, "bindNum"],
    [{ bindNum: "+8613800000021999" }, "bindNum"],
    [{ bindNum: "+86138****0021" }, "bindNum"],
    [{}, "bindNum"],
    [{ bindNum: A, virtualNum: "8617000000001" }, "virtualNum"],
    [{ bindNum: A, virtualNum: undefined }, "virtualNum"],
    [{ bindNum: A, callbackTone: "t.wav", callbackNum: "+8613800000099" }, "callbackNum"],
    [{ bindNum: A, timeUnit: "2" }, "timeUnit"],
    [{ bindNum: A, displayNumMode: "2" }, "displayNumMode"],
    [{ bindNum: A, recordFlag: "yes" }, "recordFlag"],
    [{ bindNum: A, bindExpiredTime: -1 }, "bindExpiredTime"],
    [{ bindNum: A, bindExpiredTime: 1.5 }, "bindExpiredTime"],
    [{ bindNum: A, callbackExpiredTime: "abc" }, "callbackExpiredTime"],
    [{ bindNum: A, userData: "{json}" }, "userData"],
    [{ bindNum: A, userData: "中文" }, "userData"],
    [{ bindNum: A, userData: "x".repeat(257) }, "userData"],
    [{ bindNum: A, recordHintTone: "x".repeat(129) }, "recordHintTone"],
    [{ bindNum: A, areaMatchMode: "1" }, "areaMatchMode"],
  ])("answers 1010002 naming the field for %j", async (body, field) => {
    sim = await startSimulator();
    const res = await call(sim, { method: "POST", body: { virtualNum: X1, ...body } });
    expect(res.status).toBe(403);
    expect(res.body).toEqual({ resultcode: "1010002", resultdesc: `Invalid request. ${field}` });
    expect(sim.state().bindings).toHaveLength(0);
  });

  it("answers 1010002 to a body that is not a JSON object", async () => {
    sim = await startSimulator();
    for (const body of ["not json", "[1,2]", "null"]) {
      const res = await call(sim, { method: "POST", body });
      expect(res.body).toEqual({ resultcode: "1010002", resultdesc: "Invalid request. body" });
    }
  });

  it("answers 1010002 to an oversized body", async () => {
    sim = await startSimulator();
    const res = await call(sim, {
      method: "POST",
      body: { bindNum: A, virtualNum: X1, pad: "x".repeat(70_000) },
    });
    expect(res.status).toBe(403);
    expect(res.body.resultcode).toBe("1010002");
  });

  it("reads a chunked body (no Content-Length) and limits its size too", async () => {
    sim = await startSimulator();
    // Signed anew for each request: a nonce is accepted once.
    const head = () =>
      [
        "POST /rest/caas/extendnumber/v1.0 HTTP/1.1",
        ...Object.entries(signUsernameToken({ appKey: APP_KEY, appSecret: APP_SECRET }).headers).map(
          ([k, v]) => `${k}: ${v}`,
        ),
        "Transfer-Encoding: chunked",
      ].join("\r\n");
    const ok = await rawRequest(sim.url, head(), chunked(JSON.stringify({ virtualNum: X1, bindNum: A })));
    expect(ok.status).toBe(200);
    expect(JSON.parse(ok.body)).toMatchObject({ resultcode: "0", extendNum: "0001" });
    const big = JSON.stringify({ virtualNum: X1, bindNum: A2, pad: "x".repeat(70_000) });
    const refused = await rawRequest(sim.url, head(), chunked(big, 8192));
    expect(refused.status).toBe(403);
    expect(JSON.parse(refused.body)).toMatchObject({ resultcode: "1010002" });
  });

  it("accepts recordFlag as string or boolean, lifetimes as digits, and ignores null and unknown fields", async () => {
    sim = await startSimulator();
    const a = await bind(sim, {
      bindNum: A,
      recordFlag: true,
      bindExpiredTime: "24",
      userData: null,
      extra: 1,
    });
    expect(a.bindExpiredTime).toBe(24);
    const b = await bind(sim, { bindNum: A2, recordFlag: "true" });
    for (const id of [a.subscriptionId, b.subscriptionId]) {
      const q = await call(sim, { query: { subscriptionId: String(id) } });
      expect(q.body.recordFlag).toBe("true");
      expect(q.body).not.toHaveProperty("userData");
    }
  });

  it("answers 1011001 for an X that is not the app's", async () => {
    sim = await startSimulator({
      apps: [
        { appKey: APP_KEY, appSecret: APP_SECRET, virtualNumbers: [X1] },
        { appKey: "other", appSecret: "other-secret", virtualNumbers: [X2] },
      ],
    });
    for (const virtualNum of [X2, "+8617000000999"]) {
      const res = await call(sim, { method: "POST", body: { virtualNum, bindNum: A } });
      expect(res.status).toBe(403);
      expect(res.body).toEqual({ resultcode: "1011001", resultdesc: "The account does not exist." });
    }
  });

  it("refuses binds on frozen (1010029) and paused/unavailable (1012102) numbers", async () => {
    sim = await startSimulator({
      apps: [
        {
          appKey: APP_KEY,
          appSecret: APP_SECRET,
          virtualNumbers: [
            { number: X1, status: "11" },
            { number: X2, status: "9" },
            { number: "+8617000000003", status: "10" },
          ],
        },
      ],
    });
    const frozen = await call(sim, { method: "POST", body: { virtualNum: X1, bindNum: A } });
    expect(frozen.body).toEqual({ resultcode: "1010029", resultdesc: "The subscriber status is frozen" });
    for (const virtualNum of [X2, "+8617000000003"]) {
      const res = await call(sim, { method: "POST", body: { virtualNum, bindNum: A } });
      expect(res.body).toEqual({ resultcode: "1012102", resultdesc: "The number status is abnormal." });
    }
    // Back to normal: binds work again.
    await sim.setNumberStatus({ number: X1, status: "5" });
    expect((await bind(sim, { bindNum: A })).virtualNum).toBe(X1);
  });

  describe("areaCode selection", () => {
    const app: AppConfig = {
      appKey: APP_KEY,
      appSecret: APP_SECRET,
      extensionDigits: 1,
      virtualNumbers: [
        { number: "+8617000000001", cityCode: "0755" },
        { number: "+8617000000002", cityCode: "020" },
        { number: "+8617000000003", cityCode: "010" },
        { number: "+8617000000004", cityCode: "021" },
      ],
    };

    it("picks an X of the city, and virtualNum wins when both are sent", async () => {
      sim = await startSimulator({ apps: [app] });
      expect((await bind(sim, { virtualNum: undefined, bindNum: A, areaCode: "010" })).virtualNum).toBe(
        "+8617000000003",
      );
      const both = await bind(sim, {
        virtualNum: "+8617000000004",
        bindNum: A,
        areaCode: "010",
        extendNum: "7",
      });
      expect(both).toMatchObject({ virtualNum: "+8617000000004", extendNum: "7" });
    });

    it("ignores extendNum with areaCode (the platform assigns E)", async () => {
      sim = await startSimulator({ apps: [app] });
      const res = await bind(sim, { virtualNum: undefined, bindNum: A, areaCode: "0755", extendNum: "7" });
      expect(res.extendNum).toBe("1");
    });

    it("strict mode (absent or 0) fails with 1012008 when the city has no idle X", async () => {
      sim = await startSimulator({ apps: [app] });
      for (const areaMatchMode of [undefined, "0"]) {
        const res = await call(sim, {
          method: "POST",
          body: { bindNum: A, areaCode: "0757", ...(areaMatchMode ? { areaMatchMode } : {}) },
        });
        expect(res.status).toBe(403);
        expect(res.body).toEqual({ resultcode: "1012008", resultdesc: "Insufficient number of resources" });
      }
      // A full city number is no idle X either.
      for (let i = 0; i < 9; i++) await bind(sim, { virtualNum: X1, bindNum: `+86138000001${i}0` });
      const full = await call(sim, { method: "POST", body: { bindNum: A, areaCode: "0755" } });
      expect(full.body.resultcode).toBe("1012008");
    });

    it("relaxed mode prefers the same province, then any X of the app", async () => {
      sim = await startSimulator({ apps: [app] });
      // 0757 (Foshan) has no number; 0755 and 020 are both Guangdong: the first of the province is chosen.
      const sameProvince = await bind(sim, {
        virtualNum: undefined,
        bindNum: A,
        areaCode: "0757",
        areaMatchMode: "1",
      });
      expect(sameProvince.virtualNum).toBe("+8617000000001");
      // 0571 (Zhejiang) has no number of its province: any X with room is picked at random.
      const any = await bind(sim, {
        virtualNum: undefined,
        bindNum: A2,
        areaCode: "0571",
        areaMatchMode: "1",
      });
      expect(app.virtualNumbers.map((n) => (typeof n === "string" ? n : n.number))).toContain(any.virtualNum);
    });

    it("relaxed random choice is reproducible with the same seed", async () => {
      const picks: string[][] = [];
      for (let run = 0; run < 2; run++) {
        sim = await startSimulator({ apps: [app], seed: 42 });
        const chosen: string[] = [];
        for (let i = 0; i < 6; i++) {
          const r = await bind(sim, {
            virtualNum: undefined,
            bindNum: `+861380000010${i}`,
            areaCode: "0571",
            areaMatchMode: "1",
          });
          chosen.push(String(r.virtualNum));
        }
        picks.push(chosen);
        await sim.stop();
      }
      expect(picks[0]).toEqual(picks[1]);
      // Random over the whole pool, not always the first number.
      expect(new Set(picks[0]).size).toBeGreaterThan(1);
      sim = await startSimulator();
    });

    it("skips numbers that are not in service or already hold this A", async () => {
      sim = await startSimulator({
        apps: [
          {
            ...app,
            virtualNumbers: [
              { number: X1, cityCode: "010", status: "11" },
              { number: X2, cityCode: "010" },
              { number: "+8617000000003", cityCode: "010" },
            ],
          },
        ],
      });
      expect((await bind(sim, { virtualNum: undefined, bindNum: A, areaCode: "010" })).virtualNum).toBe(X2);
      expect((await bind(sim, { virtualNum: undefined, bindNum: A, areaCode: "010" })).virtualNum).toBe(
        "+8617000000003",
      );
      const none = await call(sim, { method: "POST", body: { bindNum: A, areaCode: "010" } });
      expect(none.body.resultcode).toBe("1012008");
    });
  });

  it("answers 404 to any other path or method", async () => {
    sim = await startSimulator();
    for (const [method, path] of [
      ["PATCH", "/rest/caas/extendnumber/v1.0"],
      ["HEAD", "/rest/caas/extendnumber/v1.0"],
      ["OPTIONS", "/rest/caas/extendnumber/v1.0"],
      ["POST", "/rest/caas/extendnumber/v2.0"],
      ["DELETE", "/rest/caas/extendnumber/v2.0"],
      ["GET", "/rest/caas/extendnumber/v1.0/"],
      ["GET", "/rest/caas/extendnumber/v3.0"],
      ["POST", "/rest/provision/voice/record/v1.0"],
      ["GET", "/rest/caas/relationnumber/partners/v1.0"],
      ["GET", "/"],
    ] as const) {
      const res = await call(sim, { method, path });
      expect(res.status, `${method} ${path}`).toBe(404);
    }
  });
});
