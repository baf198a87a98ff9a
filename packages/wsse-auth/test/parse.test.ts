import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  computePasswordDigest,
  formatCreated,
  parseAuthorization,
  parseCreated,
  parseUsernameToken,
  signUsernameToken,
  WsseInputError,
} from "../src/index.js";

const AKSK = 'AKSK realm="SDP",profile="UsernameToken",type="Appkey"';
const TOKEN =
  'UsernameToken Username="a1d1f50cad21415fbdd13d8f53d36d60",PasswordDigest="qMO+SlJCBqpyYcBSyVkLNzXkk6yh2B+TA9kH8I2GG8Q=",Nonce="66C92B11FF8A425FB8D4CCFE0ED9ED1F",Created="2018-02-12T15:30:20Z"';
const PARSED_TOKEN = {
  username: "a1d1f50cad21415fbdd13d8f53d36d60",
  passwordDigest: "qMO+SlJCBqpyYcBSyVkLNzXkk6yh2B+TA9kH8I2GG8Q=",
  nonce: "66C92B11FF8A425FB8D4CCFE0ED9ED1F",
  created: "2018-02-12T15:30:20Z",
  createdAt: new Date("2018-02-12T15:30:20Z"),
};

describe("parseAuthorization", () => {
  it.each([
    ["the canonical AKSK form", AKSK, "AKSK"],
    ["the canonical WSSE form", 'WSSE realm="SDP",profile="UsernameToken",type="Appkey"', "WSSE"],
    ["spaces after commas", 'AKSK realm="SDP", profile="UsernameToken", type="Appkey"', "AKSK"],
    [
      "spaces and tabs around commas and =",
      'AKSK realm = "SDP" ,\tprofile="UsernameToken" , type="Appkey"',
      "AKSK",
    ],
    ["any attribute order", 'WSSE type="Appkey",realm="SDP",profile="UsernameToken"', "WSSE"],
    [
      "lower-case family word and attribute names",
      'aksk Realm="SDP",PROFILE="UsernameToken",Type="Appkey"',
      "AKSK",
    ],
    ["surrounding whitespace", `  ${AKSK}\t`, "AKSK"],
    ["unknown extra attributes", 'AKSK realm="SDP",profile="UsernameToken",type="Appkey",extra="1"', "AKSK"],
  ])("accepts %s", (_name, value, kind) => {
    const result = parseAuthorization(value);
    expect(result).toEqual({
      ok: true,
      value: {
        kind,
        tokenHeaderName: kind === "AKSK" ? "X-AKSK" : "X-WSSE",
        schemes: kind === "AKSK" ? ["aksk"] : ["wsse-hex", "wsse-raw"],
      },
    });
  });

  it.each([
    ["undefined", undefined, "authorization-missing"],
    ["null", null, "authorization-missing"],
    ["an empty value", "", "authorization-missing"],
    ["only spaces", "   ", "authorization-missing"],
    ["another scheme", "Basic dXNlcjpwYXNz", "authorization-scheme-unsupported"],
    ["a family word run into its attributes", 'AKSKrealm="SDP"', "authorization-scheme-unsupported"],
    ["a quoted first word", '"AKSK" realm="SDP"', "authorization-scheme-unsupported"],
    [
      "no space after the family word",
      'AKSK,realm="SDP",profile="UsernameToken",type="Appkey"',
      "authorization-malformed",
    ],
    ["an unquoted value", 'AKSK realm=SDP,profile="UsernameToken",type="Appkey"', "authorization-malformed"],
    [
      "a single-quoted value",
      'AKSK realm=\'SDP\',profile="UsernameToken",type="Appkey"',
      "authorization-malformed",
    ],
    [
      "an unterminated quote",
      'AKSK realm="SDP,profile="UsernameToken",type="Appkey"',
      "authorization-malformed",
    ],
    [
      "a value with a backslash",
      'AKSK realm="S\\DP",profile="UsernameToken",type="Appkey"',
      "authorization-malformed",
    ],
    [
      "a duplicated attribute",
      'AKSK realm="SDP",realm="SDP",profile="UsernameToken",type="Appkey"',
      "authorization-malformed",
    ],
    [
      "a duplicated attribute in another case",
      'AKSK realm="SDP",Realm="X",profile="UsernameToken",type="Appkey"',
      "authorization-malformed",
    ],
    ["a trailing comma", `${AKSK},`, "authorization-malformed"],
    ["a missing comma", 'AKSK realm="SDP" profile="UsernameToken",type="Appkey"', "authorization-malformed"],
    [
      "an attribute without value",
      'AKSK realm,profile="UsernameToken",type="Appkey"',
      "authorization-malformed",
    ],
    ["two values joined by a proxy", `${AKSK}, ${AKSK}`, "authorization-malformed"],
    ["no attributes", "AKSK", "realm-missing"],
    ["no realm", 'AKSK profile="UsernameToken",type="Appkey"', "realm-missing"],
    ["a wrong realm", 'AKSK realm="sdp",profile="UsernameToken",type="Appkey"', "realm-invalid"],
    ["no profile", 'AKSK realm="SDP",type="Appkey"', "profile-missing"],
    ["a wrong profile", 'AKSK realm="SDP",profile="Token",type="Appkey"', "profile-invalid"],
    ["no type", 'AKSK realm="SDP",profile="UsernameToken"', "type-missing"],
    ["a wrong type", 'AKSK realm="SDP",profile="UsernameToken",type="app_key"', "type-invalid"],
    // Spec §13.2: presence of all three is checked before any value.
    ["a wrong realm and no type", 'AKSK realm="X",profile="UsernameToken"', "type-missing"],
    ["a wrong realm and no profile", 'AKSK realm="X",type="Appkey"', "profile-missing"],
    ["a wrong profile and a wrong type", 'AKSK realm="SDP",profile="P",type="T"', "profile-invalid"],
  ])("rejects %s", (_name, value, code) => {
    const result = parseAuthorization(value);
    expect(result).toMatchObject({ ok: false, code });
    if (!result.ok) expect(result.message.length).toBeGreaterThan(10);
  });

  it("refuses a value over the length limit before parsing it", () => {
    const ofLength = (length: number) => `${AKSK},pad="${"x".repeat(length - AKSK.length - 7)}"`;
    expect(ofLength(2049)).toHaveLength(2049);
    expect(parseAuthorization(ofLength(2049))).toMatchObject({ ok: false, code: "authorization-too-long" });
    expect(parseAuthorization(ofLength(2048))).toMatchObject({ ok: true });
    expect(parseAuthorization(AKSK, { maxLength: 20 })).toMatchObject({
      ok: false,
      code: "authorization-too-long",
    });
  });
});

describe("parseUsernameToken", () => {
  it.each([
    ["the canonical form", TOKEN],
    ["spaces after commas", TOKEN.replaceAll('",', '", ')],
    ["several spaces and tabs around commas", TOKEN.replaceAll('",', '"  ,\t ')],
    [
      "any attribute order",
      'UsernameToken Created="2018-02-12T15:30:20Z",Nonce="66C92B11FF8A425FB8D4CCFE0ED9ED1F",PasswordDigest="qMO+SlJCBqpyYcBSyVkLNzXkk6yh2B+TA9kH8I2GG8Q=",Username="a1d1f50cad21415fbdd13d8f53d36d60"',
    ],
    [
      "the platform's UserName spelling and other name cases",
      TOKEN.replace("Username=", "UserName=").replace("Nonce=", "nonce="),
    ],
    ["a lower-case UsernameToken word", TOKEN.replace("UsernameToken", "usernametoken")],
    ["surrounding whitespace", ` ${TOKEN} `],
  ])("accepts %s", (_name, value) => {
    expect(parseUsernameToken(value)).toEqual({ ok: true, value: PARSED_TOKEN });
  });

  it("accepts nonces of 1 and 128 characters", () => {
    for (const nonce of ["0", `${"aZ9".repeat(42)}xy`]) {
      const result = parseUsernameToken(TOKEN.replace("66C92B11FF8A425FB8D4CCFE0ED9ED1F", nonce));
      expect(result).toMatchObject({ ok: true, value: { nonce } });
    }
  });

  it("keeps non-ASCII usernames that the general parser reads", () => {
    const value = TOKEN.replace("a1d1f50cad21415fbdd13d8f53d36d60", "app é");
    expect(parseUsernameToken(value)).toMatchObject({ ok: true, value: { username: "app é" } });
  });

  const without = (name: string) => TOKEN.replace(new RegExp(`,?${name}="[^"]*"`), "").replace(" ,", " ");

  it.each([
    ["undefined", undefined, "token-header-missing"],
    ["an empty value", "", "token-header-missing"],
    ["no UsernameToken word", TOKEN.replace("UsernameToken ", ""), "username-token-missing"],
    ["another word", TOKEN.replace("UsernameToken", "Token"), "username-token-missing"],
    ["the word run into an attribute", TOKEN.replace("UsernameToken ", "UsernameToken,"), "token-malformed"],
    [
      "an unquoted value",
      TOKEN.replace('Nonce="66C92B11FF8A425FB8D4CCFE0ED9ED1F"', "Nonce=66C92B11FF8A425FB8D4CCFE0ED9ED1F"),
      "token-malformed",
    ],
    ["an unterminated quote", TOKEN.slice(0, -1), "token-malformed"],
    ["a duplicated attribute", `${TOKEN},Nonce="abc"`, "token-malformed"],
    ["two tokens joined by a proxy", `${TOKEN}, ${TOKEN}`, "token-malformed"],
    ["a control character in a value", TOKEN.replace("a1d1f50c", "a1d1\u0001f50c"), "token-malformed"],
    ["no Username", without("Username"), "username-missing"],
    ["an empty Username", TOKEN.replace(/Username="[^"]*"/, 'Username=""'), "username-missing"],
    ["no Nonce", without("Nonce"), "nonce-missing"],
    ["an empty Nonce", TOKEN.replace(/Nonce="[^"]*"/, 'Nonce=""'), "nonce-invalid"],
    [
      "a Nonce over 128 characters",
      TOKEN.replace(/Nonce="[^"]*"/, `Nonce="${"a".repeat(129)}"`),
      "nonce-invalid",
    ],
    ["a Nonce with a dash", TOKEN.replace(/Nonce="[^"]*"/, 'Nonce="66c92b11-ff8a"'), "nonce-invalid"],
    ["a Nonce with non-ASCII letters", TOKEN.replace(/Nonce="[^"]*"/, 'Nonce="nonceé"'), "nonce-invalid"],
    ["a Nonce with a space", TOKEN.replace(/Nonce="[^"]*"/, 'Nonce="abc def"'), "nonce-invalid"],
    ["no Created", without("Created"), "created-missing"],
    ["no PasswordDigest", without("PasswordDigest"), "password-digest-missing"],
    [
      "an empty PasswordDigest",
      TOKEN.replace(/PasswordDigest="[^"]*"/, 'PasswordDigest=""'),
      "password-digest-missing",
    ],
  ])("rejects %s", (_name, value, code) => {
    const result = parseUsernameToken(value);
    expect(result).toMatchObject({ ok: false, code });
  });

  it.each([
    "2018-02-12T15:30:20.123Z",
    "2018-02-12T15:30:20+08:00",
    "2018-02-12T15:30:20",
    "2018-02-12 15:30:20Z",
    "2018-02-12T15:30:20z",
    "2018-2-12T15:30:20Z",
    "20180212T153020Z",
    "2018-02-30T00:00:00Z",
    "2018-13-01T00:00:00Z",
    "2018-02-12T24:00:00Z",
    "2016-12-31T23:59:60Z",
    "2018-02-12T15:3a:20Z",
    "",
  ])("rejects Created %j", (created) => {
    const result = parseUsernameToken(TOKEN.replace("2018-02-12T15:30:20Z", created));
    expect(result).toMatchObject({ ok: false, code: "created-invalid" });
  });

  it("refuses a value over the length limit", () => {
    const long = `${TOKEN},pad="${"x".repeat(3000)}"`;
    expect(parseUsernameToken(long)).toMatchObject({ ok: false, code: "token-too-long" });
    expect(parseUsernameToken(long, { maxLength: 4000 })).toMatchObject({ ok: true });
  });

  it("reads any attribute order and spacing exactly like the canonical form", () => {
    const alphanumeric = fc.string({
      unit: fc.constantFrom(..."abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"),
      minLength: 1,
      maxLength: 128,
    });
    fc.assert(
      fc.property(
        fc
          .string({
            unit: fc.integer({ min: 0x21, max: 0x7e }).map((c) => String.fromCharCode(c)),
            minLength: 1,
            maxLength: 40,
          })
          .filter((key) => !key.includes('"') && !key.includes("\\")),
        fc.string({ minLength: 1, maxLength: 30 }),
        alphanumeric,
        fc.date({
          min: new Date("2000-01-01T00:00:00Z"),
          max: new Date("2099-12-31T23:59:59Z"),
          noInvalidDate: true,
        }),
        fc.constantFrom("aksk", "wsse-hex", "wsse-raw") as fc.Arbitrary<"aksk" | "wsse-hex" | "wsse-raw">,
        fc.shuffledSubarray([0, 1, 2, 3], { minLength: 4, maxLength: 4 }),
        fc.constantFrom(",", ", ", " ,  ", ",\t"),
        (appKey, appSecret, nonce, date, scheme, order, separator) => {
          const signed = signUsernameToken({ appKey, appSecret, scheme, nonce, created: date });
          const canonical = parseUsernameToken(signed.tokenHeader);
          expect(canonical.ok).toBe(true);
          const digest = computePasswordDigest(scheme, appSecret, nonce, signed.created);
          const attributes = [
            `Username="${appKey}"`,
            `PasswordDigest="${digest}"`,
            `Nonce="${nonce}"`,
            `Created="${signed.created}"`,
          ];
          expect(`UsernameToken ${attributes.join(",")}`).toBe(signed.tokenHeader);
          const reordered = `UsernameToken ${order.map((i) => attributes[i]).join(separator)}`;
          expect(parseUsernameToken(reordered)).toEqual(canonical);
        },
      ),
      { numRuns: 500 },
    );
  });
});

describe("Created", () => {
  it("formats UTC without milliseconds, truncating rather than rounding", () => {
    expect(formatCreated(new Date("2018-02-12T15:30:20.999Z"))).toBe("2018-02-12T15:30:20Z");
    expect(formatCreated(new Date("2018-02-12T23:59:59.001+08:00"))).toBe("2018-02-12T15:59:59Z");
  });

  it("refuses dates it cannot express", () => {
    expect(() => formatCreated(new Date(Number.NaN))).toThrow(WsseInputError);
    expect(() => formatCreated(new Date("+010000-01-01T00:00:00Z"))).toThrow(WsseInputError);
    expect(() => formatCreated("2018-02-12" as unknown as Date)).toThrow(WsseInputError);
  });

  it("parses the leap day only in leap years, and years below 100 as written", () => {
    expect(parseCreated("2024-02-29T00:00:00Z")?.toISOString()).toBe("2024-02-29T00:00:00.000Z");
    expect(parseCreated("2000-02-29T00:00:00Z")).toBeDefined();
    expect(parseCreated("2023-02-29T00:00:00Z")).toBeUndefined();
    expect(parseCreated("1900-02-29T00:00:00Z")).toBeUndefined();
    expect(parseCreated("2023-04-31T00:00:00Z")).toBeUndefined();
    expect(parseCreated("0050-01-01T00:00:00Z")?.toISOString()).toBe("0050-01-01T00:00:00.000Z");
  });

  it("round-trips every second of any year", () => {
    fc.assert(
      fc.property(
        fc.date({
          min: new Date("0000-01-01T00:00:00Z"),
          max: new Date("9999-12-31T23:59:59Z"),
          noInvalidDate: true,
        }),
        (date) => {
          const created = formatCreated(date);
          expect(parseCreated(created)?.getTime()).toBe(Math.floor(date.getTime() / 1000) * 1000);
        },
      ),
      { numRuns: 2000 },
    );
  });
});
