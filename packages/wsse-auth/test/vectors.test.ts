import { createHmac } from "node:crypto";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  computePasswordDigest,
  createMemoryNonceStore,
  createVerifier,
  SCHEMES,
  signUsernameToken,
} from "../src/index.js";
import { vectors } from "./vectors.js";

const cases = vectors.cases.flatMap((c) => SCHEMES.map((scheme) => ({ ...c, scheme })));

describe("known-answer vectors (test/fixtures/wsse.json)", () => {
  it("has cases for every scheme", () => {
    expect(vectors.cases.length).toBeGreaterThanOrEqual(4);
    for (const c of vectors.cases) expect(Object.keys(c.passwordDigest).sort()).toEqual([...SCHEMES].sort());
  });

  it.each(cases)("computePasswordDigest($scheme) for $appKey", (c) => {
    expect(computePasswordDigest(c.scheme, c.appSecret, c.nonce, c.created)).toBe(c.passwordDigest[c.scheme]);
  });

  it.each(cases)("signUsernameToken($scheme) for $appKey builds the exact headers", (c) => {
    const signed = signUsernameToken({
      appKey: c.appKey,
      appSecret: c.appSecret,
      scheme: c.scheme,
      nonce: c.nonce,
      created: c.created,
    });
    expect(signed.authorization).toBe(vectors.authorizationHeader[c.scheme]);
    expect(signed.tokenHeaderName).toBe(vectors.tokenHeaderName[c.scheme]);
    expect(signed.tokenHeader).toBe(c.xHeader[c.scheme]);
    expect(signed.headers).toEqual({
      Authorization: vectors.authorizationHeader[c.scheme],
      [vectors.tokenHeaderName[c.scheme]]: c.xHeader[c.scheme],
      "Content-Type": "application/json;charset=UTF-8",
    });
  });

  it.each(cases)("verify accepts the $scheme vector of $appKey and names its scheme", async (c) => {
    const verifier = createVerifier({
      lookupSecret: async (appKey) => vectors.cases.find((v) => v.appKey === appKey)?.appSecret,
      nonceStore: createMemoryNonceStore(),
      now: () => new Date(Date.parse(c.created) + 1000),
    });
    const result = await verifier.verify({
      Authorization: vectors.authorizationHeader[c.scheme],
      [vectors.tokenHeaderName[c.scheme]]: c.xHeader[c.scheme],
    });
    expect(result).toEqual({
      ok: true,
      appKey: c.appKey,
      scheme: c.scheme,
      nonce: c.nonce,
      created: c.created,
      createdAt: new Date(c.created),
      nonceKey: `${c.appKey}:${c.nonce}`,
      nonceTtlSeconds: 361,
    });
  });
});

describe("the aksk digest", () => {
  it("equals crypto.createHmac for any key and message, keys over one block and unicode included", () => {
    const reference = (secret: string, nonce: string, created: string) =>
      createHmac("sha256", secret)
        .update(nonce + created)
        .digest("base64");
    fc.assert(
      fc.property(
        fc.string({ unit: "binary", minLength: 1, maxLength: 100 }),
        fc.string({ unit: "binary", maxLength: 300 }),
        fc.string({ unit: "grapheme", maxLength: 40 }),
        (secret, nonce, created) => {
          expect(computePasswordDigest("aksk", secret, nonce, created)).toBe(
            reference(secret, nonce, created),
          );
          // A second key in between, so a reused key's cached pads must still be right.
          expect(computePasswordDigest("aksk", `${secret}x`, nonce, created)).toBe(
            reference(`${secret}x`, nonce, created),
          );
          expect(computePasswordDigest("aksk", secret, created, nonce)).toBe(
            reference(secret, created, nonce),
          );
        },
      ),
      { numRuns: 2000 },
    );
  });
});
