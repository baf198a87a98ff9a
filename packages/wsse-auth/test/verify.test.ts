import type { IncomingHttpHeaders } from "node:http";
import { describe, expect, it } from "vitest";
import {
  computePasswordDigest,
  createMemoryNonceStore,
  createVerifier,
  describeVerifyError,
  formatCreated,
  type NonceStore,
  type Scheme,
  signUsernameToken,
  VERIFY_ERRORS,
  type VerifierOptions,
  type VerifyErrorCode,
  WsseInputError,
} from "../src/index.js";

const T0 = new Date("2026-11-25T16:00:00Z");
const SECRETS = new Map([
  ["app-1", "secret-1"],
  ["app-2", "秘密-ключ-🔑"],
]);

/** A verifier on a virtual clock, with a nonce store that records every call made to it. */
function setup(options: Partial<VerifierOptions> = {}) {
  let now = T0;
  const store = createMemoryNonceStore({ now: () => now });
  const calls: { key: string; ttlSeconds: number }[] = [];
  const nonceStore: NonceStore = {
    add(key, ttlSeconds) {
      calls.push({ key, ttlSeconds });
      return store.add(key, ttlSeconds);
    },
  };
  const verifier = createVerifier({
    lookupSecret: async (appKey) => SECRETS.get(appKey),
    nonceStore,
    now: () => now,
    ...options,
  });
  return {
    verify: verifier.verify,
    calls,
    store,
    setNow(date: Date) {
      now = date;
    },
  };
}

let counter = 0;
/** Headers for a request signed at `created` (default T0) with a fresh nonce. */
function sign(
  options: {
    appKey?: string;
    appSecret?: string;
    scheme?: Scheme;
    created?: Date | string;
    nonce?: string;
  } = {},
) {
  const appKey = options.appKey ?? "app-1";
  return signUsernameToken({
    appKey,
    appSecret: options.appSecret ?? SECRETS.get(appKey) ?? "unknown-secret",
    scheme: options.scheme ?? "aksk",
    created: options.created ?? T0,
    nonce: options.nonce ?? `n${++counter}`,
  });
}

const at = (seconds: number) => new Date(T0.getTime() + seconds * 1000);

function expectFailure(result: unknown, code: VerifyErrorCode, resultcode: string, httpStatus: number) {
  expect(result).toMatchObject({ ok: false, code, resultcode, httpStatus });
  const { resultdesc, message } = result as { resultdesc: string; message: string };
  expect(resultdesc.length).toBeGreaterThan(5);
  expect(message.length).toBeGreaterThan(5);
}

describe("verify: the Created window", () => {
  it.each([
    ["299 s old", -299, true],
    ["300 s old (the bound is inclusive)", -300, true],
    ["301 s old", -301, false],
    ["59 s in the future", 59, true],
    ["60 s in the future (inclusive)", 60, true],
    ["61 s in the future", 61, false],
  ])("Created %s: accepted=%s", async (_name, offset, accepted) => {
    const { verify } = setup();
    const result = await verify(sign({ created: at(offset) }).headers);
    if (accepted) {
      expect(result).toMatchObject({
        ok: true,
        appKey: "app-1",
        scheme: "aksk",
        created: formatCreated(at(offset)),
      });
    } else {
      expectFailure(result, offset < 0 ? "created-too-old" : "created-in-future", "1010013", 401);
    }
  });

  it("honours other maxAgeSeconds and maxFutureSeconds", async () => {
    const { verify } = setup({ maxAgeSeconds: 10, maxFutureSeconds: 0 });
    expect(await verify(sign({ created: at(-10) }).headers)).toMatchObject({ ok: true });
    expectFailure(await verify(sign({ created: at(-11) }).headers), "created-too-old", "1010013", 401);
    expect(await verify(sign({ created: at(0) }).headers)).toMatchObject({ ok: true });
    expectFailure(await verify(sign({ created: at(1) }).headers), "created-in-future", "1010013", 401);
  });

  it.each([
    "2026-11-25T16:00:00.000Z",
    "2026-11-25T16:00:00+00:00",
    "2026-11-26T00:00:00+08:00",
    "2026-11-25T16:00:00",
    "2026-11-25 16:00:00Z",
    "2026-02-29T16:00:00Z",
    "1764086400",
  ])("rejects the malformed or non-UTC Created %j", async (created) => {
    const { verify, calls } = setup();
    const signed = sign();
    const headers = { ...signed.headers, "X-AKSK": signed.tokenHeader.replace(signed.created, created) };
    expectFailure(await verify(headers), "created-invalid", "1023031", 400);
    expect(calls).toEqual([]);
  });
});

describe("verify: the Nonce", () => {
  it.each([
    ["empty", "", "nonce-invalid"],
    ["over 128 characters", "a".repeat(129), "nonce-invalid"],
    ["with a dash", "66c92b11-ff8a-425f", "nonce-invalid"],
    ["with an underscore", "abc_def", "nonce-invalid"],
    ["with a non-ASCII letter", "abcé", "nonce-invalid"],
  ])("rejects a Nonce %s", async (_name, nonce, code) => {
    const { verify } = setup();
    for (const scheme of ["aksk", "wsse-raw"] as const) {
      const signed = sign({ scheme, nonce: "placeholder" });
      const headers = {
        ...signed.headers,
        [signed.tokenHeaderName]: signed.tokenHeader.replace("placeholder", nonce),
      };
      expectFailure(
        await verify(headers),
        code as VerifyErrorCode,
        scheme === "aksk" ? "1023035" : "1023028",
        400,
      );
    }
  });

  it("accepts Nonces of 1 and 128 letters or digits", async () => {
    const { verify } = setup();
    expect(await verify(sign({ nonce: "Z" }).headers)).toMatchObject({ ok: true, nonce: "Z" });
    const long = "Ab1".repeat(42).concat("Cd");
    expect(await verify(sign({ nonce: long }).headers)).toMatchObject({ ok: true, nonce: long });
  });

  it("rejects the same headers the second time as a replay", async () => {
    const { verify } = setup();
    const { headers } = sign();
    expect(await verify(headers)).toMatchObject({ ok: true });
    expectFailure(await verify(headers), "nonce-replayed", "1010010", 401);
    expectFailure(await verify(headers), "nonce-replayed", "1010010", 401);
  });

  it("rejects a Nonce reused with a new Created and digest", async () => {
    const { verify, setNow } = setup();
    expect(await verify(sign({ nonce: "same" }).headers)).toMatchObject({ ok: true });
    setNow(at(100));
    expectFailure(
      await verify(sign({ nonce: "same", created: at(100) }).headers),
      "nonce-replayed",
      "1010010",
      401,
    );
  });

  it.each([2, 20])("lets exactly one of %i identical parallel verifications through", async (n) => {
    // lookupSecret settles in a shuffled order, so the verifications reach the store interleaved.
    const { verify } = setup({
      lookupSecret: (appKey) =>
        new Promise((resolve) =>
          setTimeout(() => resolve(SECRETS.get(appKey)), Math.floor(Math.random() * 3)),
        ),
    });
    const { headers } = sign();
    const results = await Promise.all(Array.from({ length: n }, () => verify(headers)));
    expect(results.filter((r) => r.ok)).toHaveLength(1);
    for (const result of results.filter((r) => !r.ok))
      expect(result).toMatchObject({ code: "nonce-replayed" });
  });

  it("keys nonces by APP_Key: the same Nonce from two apps is no replay", async () => {
    const { verify, calls } = setup();
    expect(await verify(sign({ appKey: "app-1", nonce: "shared" }).headers)).toMatchObject({ ok: true });
    expect(await verify(sign({ appKey: "app-2", nonce: "shared" }).headers)).toMatchObject({ ok: true });
    expect(calls.map((c) => c.key)).toEqual(["app-1:shared", "app-2:shared"]);
  });

  it("reports the key and lifetime it gave the store, for a caller that records nonces itself", async () => {
    const { verify, calls } = setup({ maxAgeSeconds: 120, maxFutureSeconds: 30 });
    const result = await verify(sign({ appKey: "app-1", nonce: "n0nce" }).headers);
    expect(result).toMatchObject({ ok: true, nonceKey: "app-1:n0nce", nonceTtlSeconds: 151 });
    expect(calls).toEqual([{ key: "app-1:n0nce", ttlSeconds: 151 }]);
  });

  it("keeps a nonce at least as long as a token stays acceptable", async () => {
    const { verify, calls, setNow } = setup({ maxAgeSeconds: 300, maxFutureSeconds: 60 });
    // Sent 60 s ahead of our clock, the token stays acceptable for 360 s from now.
    const { headers } = sign({ created: at(60) });
    expect(await verify(headers)).toMatchObject({ ok: true });
    expect(calls[0]!.ttlSeconds).toBeGreaterThanOrEqual(360);
    setNow(at(360));
    expectFailure(await verify(headers), "nonce-replayed", "1010010", 401);
    setNow(at(361));
    expectFailure(await verify(headers), "created-too-old", "1010013", 401);
  });
});

describe("verify: the digest", () => {
  it("rejects a wrong digest with a fresh nonce and leaves the nonce store untouched", async () => {
    const { verify, calls } = setup();
    const forged = sign({ appSecret: "not-the-secret", nonce: "fresh1" });
    expectFailure(await verify(forged.headers), "digest-mismatch", "1010010", 401);
    expect(calls).toEqual([]);
    // The nonce was not burnt: the genuine sender can still use it.
    expect(await verify(sign({ nonce: "fresh1" }).headers)).toMatchObject({ ok: true, nonce: "fresh1" });
  });

  it.each([
    ["a digest of another scheme", (d: string) => computePasswordDigest("wsse-raw", "secret-1", "n0", d)],
    ["a truncated digest", (d: string) => d.slice(0, -1)],
    ["a digest one character off", (d: string) => (d.startsWith("A") ? `B${d.slice(1)}` : `A${d.slice(1)}`)],
    ["a digest with non-ASCII characters of the same length", (d: string) => `é${d.slice(1)}`],
    ["a hex digest instead of Base64", () => "a".repeat(64)],
  ])("rejects %s", async (_name, tamper) => {
    const { verify, calls } = setup();
    const signed = sign({ nonce: "n0" });
    const digest = computePasswordDigest("aksk", "secret-1", "n0", signed.created);
    const headers = { ...signed.headers, "X-AKSK": signed.tokenHeader.replace(digest, tamper(digest)) };
    expectFailure(await verify(headers), "digest-mismatch", "1010010", 401);
    expect(calls).toEqual([]);
  });

  it("tells wsse-hex and wsse-raw apart under the one WSSE Authorization", async () => {
    const { verify } = setup();
    expect(await verify(sign({ scheme: "wsse-hex" }).headers)).toMatchObject({
      ok: true,
      scheme: "wsse-hex",
    });
    expect(await verify(sign({ scheme: "wsse-raw" }).headers)).toMatchObject({
      ok: true,
      scheme: "wsse-raw",
    });
  });

  it("verifies unicode secrets", async () => {
    const { verify } = setup();
    for (const scheme of ["aksk", "wsse-hex", "wsse-raw"] as const) {
      expect(await verify(sign({ appKey: "app-2", scheme }).headers)).toMatchObject({
        ok: true,
        appKey: "app-2",
        scheme,
      });
    }
  });
});

describe("verify: APP_Key and scheme", () => {
  it.each([
    ["unknown", undefined],
    ["resolved to null", null],
    ["resolved to an empty secret", ""],
  ])("rejects an APP_Key %s with 403 1010003 without touching the store", async (_name, secret) => {
    const { verify, calls } = setup({ lookupSecret: async () => secret });
    expectFailure(await verify(sign({ appKey: "nobody" }).headers), "app-key-unknown", "1010003", 403);
    expect(calls).toEqual([]);
  });

  it("accepts a synchronous lookupSecret", async () => {
    const { verify } = setup({ lookupSecret: (appKey) => SECRETS.get(appKey) });
    expect(await verify(sign().headers)).toMatchObject({ ok: true });
  });

  it("rejects a scheme the verifier does not allow, before looking up the secret", async () => {
    const lookups: string[] = [];
    const lookupSecret = async (appKey: string) => {
      lookups.push(appKey);
      return SECRETS.get(appKey);
    };
    const akskOnly = setup({ schemes: ["aksk"], lookupSecret });
    expectFailure(
      await akskOnly.verify(sign({ scheme: "wsse-hex" }).headers),
      "scheme-not-allowed",
      "1023013",
      400,
    );
    expect(lookups).toEqual([]);
    expect(await akskOnly.verify(sign({ scheme: "aksk" }).headers)).toMatchObject({ ok: true });

    const wsseOnly = setup({ schemes: ["wsse-hex", "wsse-raw"] });
    expectFailure(
      await wsseOnly.verify(sign({ scheme: "aksk" }).headers),
      "scheme-not-allowed",
      "1023013",
      400,
    );
  });

  it("only tries the WSSE variant that is allowed", async () => {
    const { verify } = setup({ schemes: ["wsse-raw"] });
    expect(await verify(sign({ scheme: "wsse-raw" }).headers)).toMatchObject({
      ok: true,
      scheme: "wsse-raw",
    });
    expectFailure(await verify(sign({ scheme: "wsse-hex" }).headers), "digest-mismatch", "1010010", 401);
  });

  it("takes the allowed schemes per APP_Key from a function", async () => {
    const { verify } = setup({
      schemes: async (appKey) => (appKey === "app-1" ? ["aksk"] : ["wsse-hex", "wsse-raw"]),
    });
    expect(await verify(sign({ appKey: "app-1" }).headers)).toMatchObject({ ok: true });
    expectFailure(
      await verify(sign({ appKey: "app-1", scheme: "wsse-raw" }).headers),
      "scheme-not-allowed",
      "1023013",
      400,
    );
    expect(await verify(sign({ appKey: "app-2", scheme: "wsse-raw" }).headers)).toMatchObject({ ok: true });
    expectFailure(await verify(sign({ appKey: "app-2" }).headers), "scheme-not-allowed", "1023013", 400);
  });
});

describe("verify: headers", () => {
  it("rejects an AKSK Authorization with an X-WSSE token, and the reverse", async () => {
    const { verify } = setup();
    const wsse = sign({ scheme: "wsse-raw" });
    expectFailure(
      await verify({ Authorization: sign().authorization, "X-WSSE": wsse.tokenHeader }),
      "token-header-mismatch",
      "1023033",
      400,
    );
    const aksk = sign();
    expectFailure(
      await verify({ Authorization: wsse.authorization, "X-AKSK": aksk.tokenHeader }),
      "token-header-mismatch",
      "1023026",
      400,
    );
  });

  it("reports a missing token header with the family's code", async () => {
    const { verify } = setup();
    expectFailure(
      await verify({ Authorization: sign().authorization }),
      "token-header-missing",
      "1023033",
      400,
    );
    const wsse = sign({ scheme: "wsse-hex" });
    expectFailure(
      await verify({ Authorization: wsse.authorization }),
      "token-header-missing",
      "1023026",
      400,
    );
  });

  it.each([
    ["no Authorization", {}, "authorization-missing", "1023006"],
    ["another scheme", { Authorization: "Bearer abc" }, "authorization-scheme-unsupported", "1023013"],
    ["no realm", { Authorization: 'AKSK profile="UsernameToken",type="Appkey"' }, "realm-missing", "1023007"],
    [
      "a wrong realm",
      { Authorization: 'AKSK realm="X",profile="UsernameToken",type="Appkey"' },
      "realm-invalid",
      "1023009",
    ],
    ["no profile", { Authorization: 'AKSK realm="SDP",type="Appkey"' }, "profile-missing", "1023008"],
    [
      "a wrong profile",
      { Authorization: 'AKSK realm="SDP",profile="X",type="Appkey"' },
      "profile-invalid",
      "1023010",
    ],
    [
      "a wrong type",
      { Authorization: 'AKSK realm="SDP",profile="UsernameToken",type="X"' },
      "type-invalid",
      "1023011",
    ],
    ["no type", { Authorization: 'AKSK realm="SDP",profile="UsernameToken"' }, "type-missing", "1023012"],
    ["an unquoted attribute", { Authorization: "AKSK realm=SDP" }, "authorization-malformed", "1023007"],
  ])("rejects %s with 400", async (_name, authorization, code, resultcode) => {
    const { verify } = setup();
    const { headers } = sign();
    const { Authorization: _, ...rest } = headers;
    expectFailure(await verify({ ...rest, ...authorization }), code as VerifyErrorCode, resultcode, 400);
  });

  it.each([
    [
      "no UsernameToken word",
      (t: string) => t.replace("UsernameToken ", ""),
      "username-token-missing",
      "1023038",
      "1023026",
    ],
    [
      "no Username",
      (t: string) => t.replace(/Username="[^"]*",/, ""),
      "username-missing",
      "1023034",
      "1023027",
    ],
    ["no Nonce", (t: string) => t.replace(/,Nonce="[^"]*"/, ""), "nonce-missing", "1023035", "1023028"],
    ["no Created", (t: string) => t.replace(/,Created="[^"]*"/, ""), "created-missing", "1023036", "1023029"],
    [
      "no PasswordDigest",
      (t: string) => t.replace(/,PasswordDigest="[^"]*"/, ""),
      "password-digest-missing",
      "1023037",
      "1023030",
    ],
    [
      "a broken quote",
      (t: string) => t.replace('Nonce="', "Nonce="),
      "token-malformed",
      "1023038",
      "1023026",
    ],
  ])(
    "rejects a token with %s with 400 and its family's code",
    async (_name, tamper, code, akskCode, wsseCode) => {
      const { verify, calls } = setup();
      for (const scheme of ["aksk", "wsse-hex"] as const) {
        const signed = sign({ scheme });
        const headers = { ...signed.headers, [signed.tokenHeaderName]: tamper(signed.tokenHeader) };
        expectFailure(
          await verify(headers),
          code as VerifyErrorCode,
          scheme === "aksk" ? akskCode : wsseCode,
          400,
        );
      }
      expect(calls).toEqual([]);
    },
  );

  it("accepts values with and without spaces after commas", async () => {
    const { verify } = setup();
    const tight = sign();
    expect(tight.tokenHeader).not.toContain(", ");
    expect(await verify(tight.headers)).toMatchObject({ ok: true });
    const spaced = sign();
    const headers = {
      Authorization: spaced.authorization.replaceAll('",', '", '),
      "X-AKSK": spaced.tokenHeader.replaceAll('",', '", '),
    };
    expect(await verify(headers)).toMatchObject({ ok: true, nonce: spaced.nonce });
  });

  it("reads a WHATWG Headers, Node's IncomingHttpHeaders and a record in any case", async () => {
    const { verify } = setup();
    const fromFetch = sign();
    expect(await verify(new Headers(fromFetch.headers))).toMatchObject({ ok: true });

    const fromNode = sign();
    const incoming: IncomingHttpHeaders = {
      host: "127.0.0.1",
      authorization: fromNode.authorization,
      "x-aksk": fromNode.tokenHeader,
      "content-type": "application/json;charset=UTF-8",
    };
    expect(await verify(incoming)).toMatchObject({ ok: true });

    const shouted = sign();
    expect(
      await verify({ AUTHORIZATION: shouted.authorization, "x-Aksk": [shouted.tokenHeader] }),
    ).toMatchObject({
      ok: true,
    });
  });

  it("rejects a header sent twice", async () => {
    const { verify, calls } = setup();
    const a = sign();
    const b = sign();
    expectFailure(
      await verify({ Authorization: a.authorization, "X-AKSK": [a.tokenHeader, b.tokenHeader] }),
      "token-malformed",
      "1023038",
      400,
    );
    expectFailure(
      await verify({ Authorization: a.authorization, "X-AKSK": a.tokenHeader, "x-aksk": b.tokenHeader }),
      "token-malformed",
      "1023038",
      400,
    );
    expectFailure(
      await verify({ Authorization: [a.authorization, a.authorization], "X-AKSK": a.tokenHeader }),
      "authorization-malformed",
      "1023007",
      400,
    );
    const joined = new Headers(a.headers);
    joined.append("X-AKSK", b.tokenHeader);
    expectFailure(await verify(joined), "token-malformed", "1023038", 400);
    expect(calls).toEqual([]);
    // Neither token was consumed.
    expect(await verify(a.headers)).toMatchObject({ ok: true });
  });

  it("rejects header values over the length limit", async () => {
    const { verify } = setup();
    const signed = sign();
    const padded = `${signed.tokenHeader},Pad="${"x".repeat(2048)}"`;
    expectFailure(await verify({ ...signed.headers, "X-AKSK": padded }), "token-too-long", "1023038", 400);
    const longAuthorization = `${signed.authorization},pad="${"x".repeat(2048)}"`;
    expectFailure(
      await verify({ ...signed.headers, Authorization: longAuthorization }),
      "authorization-too-long",
      "1023007",
      400,
    );
    const roomy = setup({ maxHeaderLength: 8192 });
    expect(await roomy.verify({ ...signed.headers, "X-AKSK": padded })).toMatchObject({ ok: true });
  });

  it("answers bad input with a failure, never a throw", async () => {
    const { verify } = setup();
    for (const input of [null, undefined, "Authorization: AKSK", 42, { authorization: 42 }]) {
      const result = await verify(input as never);
      expect(result.ok).toBe(false);
    }
  });
});

describe("verify: failures of its dependencies", () => {
  it("rejects when lookupSecret fails, rather than calling the request bad", async () => {
    const outage = new Error("database down");
    const { verify, calls } = setup({
      lookupSecret: async () => {
        throw outage;
      },
    });
    await expect(verify(sign().headers)).rejects.toBe(outage);
    expect(calls).toEqual([]);
  });

  it("rejects when the nonce store fails", async () => {
    const outage = new Error("redis down");
    const verifier = createVerifier({
      lookupSecret: (appKey) => SECRETS.get(appKey),
      nonceStore: { add: async () => Promise.reject(outage) },
      now: () => T0,
    });
    await expect(verifier.verify(sign().headers)).rejects.toBe(outage);
  });
});

describe("createVerifier options", () => {
  const base: VerifierOptions = { lookupSecret: () => undefined, nonceStore: createMemoryNonceStore() };
  it.each([
    ["no lookupSecret", { lookupSecret: undefined }],
    ["no nonce store", { nonceStore: undefined }],
    ["a nonce store without add", { nonceStore: {} }],
    ["a negative maxAgeSeconds", { maxAgeSeconds: -1 }],
    ["an infinite maxFutureSeconds", { maxFutureSeconds: Number.POSITIVE_INFINITY }],
    ["an empty scheme list", { schemes: [] }],
    ["an unknown scheme", { schemes: ["aksk", "md5"] }],
    ["a zero maxHeaderLength", { maxHeaderLength: 0 }],
  ])("throws WsseInputError for %s", (_name, override) => {
    expect(() => createVerifier({ ...base, ...(override as object) })).toThrow(WsseInputError);
  });
});

describe("the failure table", () => {
  it("maps every code to the platform's status and resultcode ranges (docs/axe-platform.md §16.4)", () => {
    for (const code of Object.keys(VERIFY_ERRORS) as VerifyErrorCode[]) {
      for (const kind of ["AKSK", "WSSE"] as const) {
        const { httpStatus, resultcode, resultdesc } = describeVerifyError(code, kind);
        expect(resultdesc).not.toBe("");
        if (httpStatus === 400) {
          expect(Number(resultcode)).toBeGreaterThanOrEqual(1023006);
          expect(Number(resultcode)).toBeLessThanOrEqual(1023038);
        } else if (httpStatus === 401) {
          expect(["1010010", "1010013"]).toContain(resultcode);
        } else {
          expect([httpStatus, resultcode]).toEqual([403, "1010003"]);
        }
      }
    }
    expect(describeVerifyError("digest-mismatch")).toEqual({
      httpStatus: 401,
      resultcode: "1010010",
      resultdesc: "Invalid digest.",
    });
    expect(describeVerifyError("created-too-old").resultdesc).toBe("Time out limit.");
    expect(describeVerifyError("app-key-unknown").resultdesc).toBe("Invalid app_key.");
    expect(describeVerifyError("nonce-missing", "WSSE")).toMatchObject({ resultcode: "1023028" });
  });
});
