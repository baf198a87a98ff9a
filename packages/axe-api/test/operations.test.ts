import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { AxeNotFoundError, AxeValidationError } from "../src/index.js";
import {
  A1,
  A2,
  A3,
  type Harness,
  platformCalls,
  rejectionOf,
  startHarness,
  X1,
  X2,
} from "./support/harness.js";

let h: Harness;
beforeEach(async () => {
  h = await startHarness();
});
afterEach(async () => {
  await h.stop();
});

/** A fetch that records what went on the wire, then sends it for real. */
function recordingFetch(
  log: { url: string; method: string; body?: string; headers: Headers }[],
): typeof fetch {
  return (input, init) => {
    log.push({
      url: String(input),
      method: init?.method ?? "GET",
      headers: new Headers(init?.headers),
      ...(typeof init?.body === "string" ? { body: init.body } : {}),
    });
    return fetch(input, init);
  };
}

describe("binding lifecycle against the simulator", () => {
  it("binds, looks up by ID and by (X, E), modifies and unbinds", async () => {
    const client = h.client();
    const created = await client.createBinding({
      bindNum: A1,
      virtualNum: X1,
      extendNum: "0042",
      recordFlag: true,
      timeUnit: "minutes",
      bindExpiredTime: 90,
      callbackExpiredTime: 30,
      callbackTone: "callbackTone.wav",
      userData: "order-42",
    });
    expect(created).toMatchObject({
      virtualNum: X1,
      extendNum: "0042",
      bindExpiredTime: 90,
      callbackExpiredTime: 30,
    });
    expect(created.subscriptionId).toEqual(expect.any(String));

    const byId = await client.getBinding({ subscriptionId: created.subscriptionId });
    expect(byId).toEqual({
      subscriptionId: created.subscriptionId,
      virtualNum: X1,
      extendNum: "0042",
      bindNum: A1,
      displayNumMode: "0",
      recordFlag: true,
      callbackTone: "callbackTone.wav",
      timeUnit: "minutes",
      bindExpiredTime: 90,
      callbackExpiredTime: 30,
      userData: "order-42",
    });
    expect(await client.getBinding({ virtualNum: X1, extendNum: "0042" })).toEqual(byId);

    await client.updateBinding(
      { virtualNum: X1, extendNum: "0042" },
      { recordFlag: false, callbackTone: "", callbackNum: A2, userData: "order-43" },
    );
    const modified = await client.getBinding({ subscriptionId: created.subscriptionId });
    expect(modified).toMatchObject({ recordFlag: false, callbackNum: A2, userData: "order-43" });
    expect(modified.callbackTone).toBeUndefined();

    await client.deleteBinding({ subscriptionId: created.subscriptionId });
    const error = await rejectionOf(client.getBinding({ subscriptionId: created.subscriptionId }));
    expect(error).toBeInstanceOf(AxeNotFoundError);
    expect(error).toMatchObject({
      category: "not-found",
      resultcode: "1012007",
      httpStatus: 403,
      retryable: false,
    });
    expect(h.sim.state().bindings).toHaveLength(0);
  });

  it("unbinds by (X, E)", async () => {
    const client = h.client();
    await client.createBinding({ bindNum: A1, virtualNum: X2, extendNum: "0007" });
    await client.deleteBinding({ virtualNum: X2, extendNum: "0007" });
    expect(h.sim.state().bindings).toHaveLength(0);
  });

  it("lets the platform assign the lowest free extension, or pick X from a city code", async () => {
    const client = h.client();
    const first = await client.createBinding({ bindNum: A1, virtualNum: X1 });
    expect(first.extendNum).toBe("0001");
    const byCity = await client.createBinding({ bindNum: A2, areaCode: "010" });
    expect(byCity.virtualNum).toBe(X2);
    const relaxed = await client.createBinding({ bindNum: A3, areaCode: "0755", areaMatchMode: "1" });
    expect(relaxed.virtualNum).toBe(X1);
  });

  it("sends + as %2B in query strings and literally in JSON, with the platform's header set", async () => {
    const wire: { url: string; method: string; body?: string; headers: Headers }[] = [];
    const client = h.client({ fetch: recordingFetch(wire) });
    await client.createBinding({
      bindNum: A1,
      virtualNum: X1,
      extendNum: "0001",
      recordFlag: false,
      timeUnit: "hours",
    });
    await client.getBinding({ virtualNum: X1, extendNum: "0001" });
    await client.deleteBinding({ virtualNum: X1, extendNum: "0001" });

    const [post, get, del] = wire;
    expect(post?.method).toBe("POST");
    expect(JSON.parse(post?.body ?? "")).toEqual({
      bindNum: A1,
      virtualNum: X1,
      extendNum: "0001",
      recordFlag: "false",
      timeUnit: "0",
    });
    expect(post?.body).toContain('"+8613800000021"');
    expect(get?.url).toBe(
      `${h.sim.url}/rest/caas/extendnumber/v1.0?virtualNum=%2B8617000000001&extendNum=0001`,
    );
    expect(del?.method).toBe("DELETE");
    expect(del?.url).toContain("virtualNum=%2B8617000000001");
    for (const request of wire) {
      expect(request.headers.get("content-type")).toBe("application/json;charset=UTF-8");
      expect(request.headers.get("authorization")).toBe(
        'AKSK realm="SDP",profile="UsernameToken",type="Appkey"',
      );
      expect(request.headers.get("x-aksk")).toMatch(
        /^UsernameToken Username="privnum-sim-app",PasswordDigest="/,
      );
    }
    // A fresh nonce per request: the platform rejects replays.
    const nonces = wire.map((r) => /Nonce="([^"]+)"/.exec(r.headers.get("x-aksk") ?? "")?.[1]);
    expect(new Set(nonces).size).toBe(wire.length);
  });

  it("rejects invalid input before sending anything", async () => {
    const client = h.client();
    const error = await rejectionOf(
      client.createBinding({ bindNum: "13800000021", virtualNum: X1, extendNum: "12345" }),
    );
    expect(error).toBeInstanceOf(AxeValidationError);
    expect((error as AxeValidationError).issues.map((i) => i.field)).toEqual(["bindNum", "extendNum"]);
    await expect(client.getBinding({ virtualNum: X1 } as never)).rejects.toBeInstanceOf(AxeValidationError);
    await expect(client.updateBinding({ subscriptionId: "s" }, {})).rejects.toBeInstanceOf(
      AxeValidationError,
    );
    expect(() => client.listBindings({ virtualNum: X1, pageSize: 1000 })).toThrow(AxeValidationError);
    expect(platformCalls(h.requests)).toEqual([]);
  });
});

describe("listBindings", () => {
  it("walks every v2.0 page of one X and nothing of another", async () => {
    const bindNums = Array.from({ length: 23 }, (_, i) => `+86135000${String(i).padStart(5, "0")}`);
    h.sim.seedBindings({ bindings: bindNums.map((bindNum) => ({ bindNum, virtualNum: X1 })) });
    h.sim.seedBindings({ bindings: [{ bindNum: A1, virtualNum: X2 }] });
    let pages = 0;
    const client = h.client({ hooks: { onRequest: () => pages++ } });

    const seen = [];
    for await (const binding of client.listBindings({ virtualNum: X1, pageSize: 5 })) seen.push(binding);

    expect(seen.map((b) => b.bindNum).sort()).toEqual([...bindNums].sort());
    expect(new Set(seen.map((b) => b.subscriptionId)).size).toBe(23);
    expect(seen.every((b) => b.virtualNum === X1)).toBe(true);
    expect(pages).toBeGreaterThanOrEqual(5);
    expect(pages).toBeLessThanOrEqual(6);
  });

  it("stops fetching when the caller stops iterating", async () => {
    h.sim.seedBindings({
      bindings: Array.from({ length: 12 }, (_, i) => ({
        bindNum: `+86136000${String(i).padStart(5, "0")}`,
        virtualNum: X1,
      })),
    });
    let pages = 0;
    const client = h.client({ hooks: { onRequest: () => pages++ } });
    for await (const _ of client.listBindings({ virtualNum: X1, pageSize: 5 })) break;
    expect(pages).toBe(1);
  });

  it("yields nothing for an X without bindings", async () => {
    const seen = [];
    for await (const b of h.client().listBindings({ virtualNum: X2 })) seen.push(b);
    expect(seen).toEqual([]);
  });
});
