import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  createMemoryNonceStore,
  createVerifier,
  SCHEMES,
  type Scheme,
  signUsernameToken,
} from "../src/index.js";

const NOW = new Date("2026-11-25T16:00:00Z");

describe("sign → verify", () => {
  it("accepts 10,000 random signed tokens: zero false rejections", async () => {
    const secrets = new Map<string, string>();
    const verifier = createVerifier({
      lookupSecret: async (appKey) => secrets.get(appKey),
      nonceStore: createMemoryNonceStore({ maxEntries: 20_000 }),
      now: () => NOW,
    });
    const appKey = fc
      .string({
        unit: fc.integer({ min: 0x21, max: 0x7e }).map((c) => String.fromCharCode(c)),
        minLength: 1,
        maxLength: 64,
      })
      .filter((key) => !key.includes('"') && !key.includes("\\"));
    const nonceBody = fc.string({
      unit: fc.constantFrom(..."abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"),
      maxLength: 120,
    });
    let run = 0;
    await fc.assert(
      fc.asyncProperty(
        appKey,
        fc.string({ unit: "binary", minLength: 1, maxLength: 80 }),
        fc.constantFrom(...SCHEMES) as fc.Arbitrary<Scheme>,
        fc.option(nonceBody, { nil: undefined }),
        fc.integer({ min: -300, max: 60 }),
        fc.constantFrom(",", ", ", " ,  ", ",\t"),
        async (key, secret, scheme, body, offsetSeconds, separator) => {
          run += 1;
          // Secrets are per APP_Key; the run number keeps every key (and so every nonce key) distinct.
          const appKeyOfRun = `${key}.${run}`;
          secrets.set(appKeyOfRun, secret);
          const signed = signUsernameToken({
            appKey: appKeyOfRun,
            appSecret: secret,
            scheme,
            ...(body === undefined ? {} : { nonce: `${body}${run.toString(36)}` }),
            now: () => new Date(NOW.getTime() + offsetSeconds * 1000),
          });
          // A quote ends a value, so `",Name="` can only be a separator, whatever the APP_Key holds.
          const headers = {
            Authorization: signed.authorization.replaceAll('",', `"${separator}`),
            [signed.tokenHeaderName]: signed.tokenHeader.replace(
              /",(PasswordDigest|Nonce|Created)="/g,
              `"${separator}$1="`,
            ),
          };
          const result = await verifier.verify(headers);
          expect(result).toMatchObject({ ok: true, appKey: appKeyOfRun, scheme, nonce: signed.nonce });
        },
      ),
      { numRuns: 10_000 },
    );
    expect(run).toBeGreaterThanOrEqual(10_000);
  });
});
