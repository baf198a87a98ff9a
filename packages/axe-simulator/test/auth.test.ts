import { signUsernameToken } from "@privnum/wsse-auth";
import { afterEach, describe, expect, it } from "vitest";
import type { Simulator } from "../src/index.js";
import { APP_KEY, APP_SECRET, call, MINUTE, startSimulator, X1 } from "./helpers.js";

const QUERY = { virtualNum: X1, extendNum: "0001" };
const AUTH = 'AKSK realm="SDP",profile="UsernameToken",type="Appkey"';

function token(
  overrides: Partial<Record<"Username" | "PasswordDigest" | "Nonce" | "Created", string | null>> = {},
) {
  const signed = signUsernameToken({ appKey: APP_KEY, appSecret: APP_SECRET });
  const attrs: Record<string, string | null> = {
    Username: APP_KEY,
    PasswordDigest: /PasswordDigest="([^"]+)"/.exec(signed.tokenHeader)![1]!,
    Nonce: signed.nonce,
    Created: signed.created,
    ...overrides,
  };
  return `UsernameToken ${Object.entries(attrs)
    .filter(([, v]) => v !== null)
    .map(([k, v]) => `${k}="${v}"`)
    .join(",")}`;
}

describe("authentication", () => {
  let sim: Simulator;
  afterEach(async () => {
    await sim.stop();
  });

  it.each(["aksk", "wsse-hex", "wsse-raw"] as const)("accepts the %s scheme", async (scheme) => {
    sim = await startSimulator();
    const res = await call(sim, { query: QUERY, scheme });
    // Authenticated: the answer is about the (absent) binding, not about the headers.
    expect(res.status).toBe(403);
    expect(res.body).toEqual({ resultcode: "1012007", resultdesc: "The record does not exist." });
  });

  it("refuses a scheme the app has switched off", async () => {
    sim = await startSimulator({
      apps: [{ appKey: APP_KEY, appSecret: APP_SECRET, virtualNumbers: [X1], schemes: ["aksk"] }],
    });
    const res = await call(sim, { query: QUERY, scheme: "wsse-hex" });
    expect(res.status).toBe(400);
    expect(res.body.resultcode).toBe("1023013");
    expect((await call(sim, { query: QUERY, scheme: "aksk" })).body.resultcode).toBe("1012007");
  });

  it("accepts attributes separated by a comma and a space", async () => {
    sim = await startSimulator();
    const spaced = token().replaceAll('",', '", ');
    const res = await call(sim, { query: QUERY, headers: { Authorization: AUTH, "X-AKSK": spaced } });
    expect(res.body.resultcode).toBe("1012007");
  });

  // Codes and texts as published (docs/axe-platform.md §10).
  it.each([
    ["no Authorization", { "X-AKSK": "x" }, "1023006", "Authorization not contained in the HTTP header."],
    [
      "no realm",
      { Authorization: 'AKSK profile="UsernameToken",type="Appkey"' },
      "1023007",
      "realm not contained in Authorization.",
    ],
    [
      "no profile",
      { Authorization: 'AKSK realm="SDP",type="Appkey"' },
      "1023008",
      "profile not contained in Authorization.",
    ],
    [
      "wrong realm",
      { Authorization: 'AKSK realm="X",profile="UsernameToken",type="Appkey"' },
      "1023009",
      "The value of realm in Authorization must be SDP.",
    ],
    [
      "wrong profile",
      { Authorization: 'AKSK realm="SDP",profile="X",type="Appkey"' },
      "1023010",
      "The value of profile in Authorization must be UsernameToken.",
    ],
    [
      "wrong type",
      { Authorization: 'AKSK realm="SDP",profile="UsernameToken",type="X"' },
      "1023011",
      "The value of type in Authorization must be app_key.",
    ],
    [
      "no type",
      { Authorization: 'AKSK realm="SDP",profile="UsernameToken"' },
      "1023012",
      "type not contained in Authorization.",
    ],
    ["no X-AKSK", { Authorization: AUTH }, "1023033", "HTTP header not found X-AKSK field."],
    [
      "no UsernameToken prefix",
      { Authorization: AUTH, "X-AKSK": 'Username="a"' },
      "1023038",
      "UsernameToken not contained in X-AKSK.",
    ],
  ])("answers 400 to %s", async (_name, headers, resultcode, resultdesc) => {
    sim = await startSimulator({ lockout: { threshold: 0 } });
    const res = await call(sim, { query: QUERY, headers: headers as Record<string, string> });
    expect(res.status).toBe(400);
    expect(res.body).toEqual({ resultcode, resultdesc });
  });

  it("answers the WSSE-era code 1023026 when WSSE is announced without X-WSSE", async () => {
    sim = await startSimulator();
    const headers = { Authorization: 'WSSE realm="SDP",profile="UsernameToken",type="Appkey"' };
    const res = await call(sim, { query: QUERY, headers });
    expect(res.status).toBe(400);
    expect(res.body).toEqual({
      resultcode: "1023026",
      resultdesc: "X-WSSE not contained in the HTTP header.",
    });
  });

  it.each([
    ["Username", "1023027"],
    ["Nonce", "1023028"],
    ["Created", "1023029"],
    ["PasswordDigest", "1023030"],
  ] as const)("answers 400 with the WSSE-era code when X-WSSE lacks %s", async (attr, code) => {
    sim = await startSimulator({ lockout: { threshold: 0 } });
    const res = await call(sim, {
      query: QUERY,
      headers: {
        Authorization: 'WSSE realm="SDP",profile="UsernameToken",type="Appkey"',
        "X-WSSE": token({ [attr]: null }),
      },
    });
    expect(res.status).toBe(400);
    expect(res.body).toEqual({ resultcode: code, resultdesc: `${attr} not contained in X-WSSE.` });
  });

  it.each([
    ["Username", "1023034", "UserName not contained in X-AKSK."],
    ["Nonce", "1023035", "Nonce not contained in X-AKSK."],
    ["Created", "1023036", "Created not contained in X-AKSK."],
    ["PasswordDigest", "1023037", "PasswordDigest not contained in X-AKSK."],
  ] as const)("answers 400 when X-AKSK lacks %s", async (attr, resultcode, resultdesc) => {
    sim = await startSimulator({ lockout: { threshold: 0 } });
    const res = await call(sim, {
      query: QUERY,
      headers: { Authorization: AUTH, "X-AKSK": token({ [attr]: null }) },
    });
    expect(res.status).toBe(400);
    expect(res.body).toEqual({ resultcode, resultdesc });
  });

  it("answers 401 1010010 to a wrong digest", async () => {
    sim = await startSimulator();
    const res = await call(sim, { query: QUERY, appSecret: "wrong-secret" });
    expect(res.status).toBe(401);
    expect(res.body).toEqual({ resultcode: "1010010", resultdesc: "Invalid digest." });
  });

  it("answers 401 1010013 to a Created outside the window, past or future", async () => {
    sim = await startSimulator({ auth: { maxAgeSeconds: 300, maxFutureSeconds: 60 } });
    const old = new Date(Date.now() - 301_000).toISOString().replace(/\.\d+Z$/, "Z");
    const future = new Date(Date.now() + 120_000).toISOString().replace(/\.\d+Z$/, "Z");
    for (const created of [old, future]) {
      const res = await call(sim, { query: QUERY, created });
      expect(res.status).toBe(401);
      expect(res.body).toEqual({ resultcode: "1010013", resultdesc: "Time out limit." });
    }
  });

  it("judges Created by the virtual clock when auth.clock is virtual", async () => {
    sim = await startSimulator({ auth: { clock: "virtual" } });
    // Signed with the real clock, far from the virtual start time.
    expect((await call(sim, { query: QUERY })).body.resultcode).toBe("1010013");
    const created = sim.clock
      .now()
      .toISOString()
      .replace(/\.\d+Z$/, "Z");
    expect((await call(sim, { query: QUERY, created })).body.resultcode).toBe("1012007");
  });

  it("answers 403 1010003 to an unknown app key", async () => {
    sim = await startSimulator();
    const res = await call(sim, { query: QUERY, appKey: "someone-else" });
    expect(res.status).toBe(403);
    expect(res.body).toEqual({ resultcode: "1010003", resultdesc: "Invalid app_key." });
  });

  it("answers 401 1010010 to a replayed nonce", async () => {
    sim = await startSimulator();
    const headers = signUsernameToken({ appKey: APP_KEY, appSecret: APP_SECRET }).headers;
    expect((await call(sim, { query: QUERY, headers })).body.resultcode).toBe("1012007");
    const replay = await call(sim, { query: QUERY, headers });
    expect(replay.status).toBe(401);
    expect(replay.body.resultcode).toBe("1010010");
  });

  it("locks an address out after the threshold, for the configured virtual duration", async () => {
    sim = await startSimulator({ lockout: { threshold: 3, durationSeconds: 600 } });
    for (let i = 0; i < 3; i++) {
      expect((await call(sim, { query: QUERY, appSecret: "bad" })).body.resultcode).toBe("1010010");
    }
    // Even a correctly signed request is refused while locked.
    const locked = await call(sim, { query: QUERY });
    expect(locked.status).toBe(403);
    expect(locked.body).toEqual({
      resultcode: "1020176",
      resultdesc: "Authentication failed, try again later",
    });
    expect(sim.state().lockouts).toEqual([{ address: "127.0.0.1", until: "2026-01-27T08:10:00.000Z" }]);
    await sim.clock.advance(10 * MINUTE - 1);
    expect((await call(sim, { query: QUERY })).body.resultcode).toBe("1020176");
    await sim.clock.advance(1);
    expect((await call(sim, { query: QUERY })).body.resultcode).toBe("1012007");
  });

  it("resets the failure count after a success", async () => {
    sim = await startSimulator({ lockout: { threshold: 3, durationSeconds: 600 } });
    for (let i = 0; i < 2; i++) await call(sim, { query: QUERY, appSecret: "bad" });
    expect((await call(sim, { query: QUERY })).body.resultcode).toBe("1012007");
    for (let i = 0; i < 2; i++) await call(sim, { query: QUERY, appSecret: "bad" });
    expect((await call(sim, { query: QUERY })).body.resultcode).toBe("1012007");
  });

  it("refuses an address outside the app's IP whitelist with 1020166", async () => {
    sim = await startSimulator({
      apps: [{ appKey: APP_KEY, appSecret: APP_SECRET, virtualNumbers: [X1], ipWhitelist: ["10.0.0.1"] }],
    });
    const res = await call(sim, { query: QUERY });
    expect(res.status).toBe(403);
    expect(res.body.resultcode).toBe("1020166");
  });
});
