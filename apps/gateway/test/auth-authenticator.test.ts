import { SignJWT } from "jose";
import { describe, expect, it } from "vitest";
import { createApiKeyVerifier } from "../src/auth/api-keys.js";
import { createAuthenticator, MAX_AUTHORIZATION_LENGTH } from "../src/auth/authenticator.js";
import { AuthenticationError, type AuthenticationReason } from "../src/auth/caller.js";
import { createJwtVerifier } from "../src/auth/jwt.js";

const KEY = "authTestKey_0123456789abcdefghij";
const SECRET = "authenticator-test-secret-0123456789";
const NOW = Date.UTC(2030, 0, 1);

const apiKeys = createApiKeyVerifier([{ name: "ci", key: KEY, role: "operator" }]);
const jwt = createJwtVerifier({ secret: SECRET, roleClaim: "role" }, { now: () => NOW });
const both = createAuthenticator({ apiKeys, jwt });

function token(claims: Record<string, unknown>): Promise<string> {
  return new SignJWT({ exp: NOW / 1000 + 600, ...claims })
    .setProtectedHeader({ alg: "HS256" })
    .sign(new TextEncoder().encode(SECRET));
}

async function expectRefused(
  authenticate: Promise<unknown>,
  reason: AuthenticationReason,
  message: string,
): Promise<void> {
  const error = await authenticate.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(AuthenticationError);
  expect({ reason: (error as AuthenticationError).reason, message: (error as Error).message }).toEqual({
    reason,
    message,
  });
}

const MISSING = "No credentials: send `Authorization: Bearer <API key or JWT>`.";
const NOT_BEARER = "The Authorization header must be `Bearer <API key or JWT>`.";
const UNKNOWN_KEY = "The API key is not one this gateway knows.";
const NO_JWTS = "This gateway accepts no JWTs: send one of its API keys.";

describe("createAuthenticator: the Authorization value", () => {
  it("accepts Bearer in any case, with one space or more, trimmed", async () => {
    for (const header of [`Bearer ${KEY}`, `bearer ${KEY}`, `BEARER    ${KEY}`, `  Bearer ${KEY}  `]) {
      await expect(both.authenticate(header)).resolves.toEqual({
        role: "operator",
        actor: "ci",
        via: "api-key",
      });
    }
  });

  it("calls an absent or blank value missing", async () => {
    for (const header of [undefined, null, "", "   "]) {
      await expectRefused(both.authenticate(header), "missing", MISSING);
    }
  });

  it("calls anything but `Bearer <credential>` malformed", async () => {
    for (const header of [
      `Basic ${KEY}`,
      KEY,
      `Bearer${KEY}`,
      `Bearer ${KEY} extra`,
      `Bearer\t${KEY}`,
      `Token ${KEY}`,
    ]) {
      await expectRefused(both.authenticate(header), "malformed", NOT_BEARER);
    }
    for (const header of ["Bearer", "bearer   "]) {
      await expectRefused(
        both.authenticate(header),
        "malformed",
        "The Authorization header has no credential after `Bearer`.",
      );
    }
  });

  it("refuses a value that is not a string (graphql-ws connectionParams are the client's JSON)", async () => {
    for (const value of [42, { authorization: KEY }, [KEY]]) {
      await expectRefused(both.authenticate(value as unknown as string), "malformed", NOT_BEARER);
    }
  });

  it("refuses a value over 8 KB before looking at it", async () => {
    const longest = `Bearer ${"a".repeat(MAX_AUTHORIZATION_LENGTH - "Bearer ".length)}`;
    expect(longest.length).toBe(8192);
    await expectRefused(both.authenticate(longest), "unknown-key", UNKNOWN_KEY);
    await expectRefused(
      both.authenticate(`${longest}a`),
      "malformed",
      "The Authorization header is longer than 8 KB.",
    );
  });
});

describe("createAuthenticator: API keys and JWTs", () => {
  it("sends a credential with two dots to the JWT verifier, anything else to the API keys", async () => {
    await expect(
      both.authenticate(`Bearer ${await token({ role: "admin", sub: "alice" })}`),
    ).resolves.toEqual({
      role: "admin",
      actor: "alice",
      via: "jwt",
      expiresAt: NOW + 600_000,
    });
    await expect(both.authenticate(`Bearer ${KEY}`)).resolves.toMatchObject({ via: "api-key" });
  });

  it("passes on the JWT verifier's refusals", async () => {
    await expectRefused(
      both.authenticate(`Bearer ${await token({ role: "admin", exp: NOW / 1000 - 1 })}`),
      "expired",
      "The JWT has expired.",
    );
    await expectRefused(
      both.authenticate(`Bearer ${await token({ role: "root" })}`),
      "no-role",
      "The JWT carries no role in claim `role` (viewer, operator or admin).",
    );
  });

  it("calls an unknown key unknown, and a credential of other than three parts an API key", async () => {
    await expectRefused(
      both.authenticate("Bearer someOtherKey_0123456789abcdef"),
      "unknown-key",
      UNKNOWN_KEY,
    );
    await expectRefused(both.authenticate("Bearer a.b.c.d.e"), "unknown-key", UNKNOWN_KEY);
    await expectRefused(both.authenticate("Bearer a.b"), "unknown-key", UNKNOWN_KEY);
  });

  it("says JWTs are not enabled when only API keys are configured", async () => {
    const keysOnly = createAuthenticator({ apiKeys });
    await expectRefused(
      keysOnly.authenticate(`Bearer ${await token({ role: "admin" })}`),
      "unknown-key",
      NO_JWTS,
    );
    await expect(keysOnly.authenticate(`Bearer ${KEY}`)).resolves.toMatchObject({ actor: "ci" });
  });

  it("knows no API key when only JWTs are configured, and nothing when nothing is", async () => {
    const jwtOnly = createAuthenticator({ jwt });
    await expectRefused(jwtOnly.authenticate(`Bearer ${KEY}`), "unknown-key", UNKNOWN_KEY);
    await expect(jwtOnly.authenticate(`Bearer ${await token({ role: "viewer" })}`)).resolves.toMatchObject({
      role: "viewer",
    });
    const none = createAuthenticator({});
    await expectRefused(none.authenticate(`Bearer ${KEY}`), "unknown-key", UNKNOWN_KEY);
    await expectRefused(
      none.authenticate(`Bearer ${await token({ role: "viewer" })}`),
      "unknown-key",
      NO_JWTS,
    );
  });
});
