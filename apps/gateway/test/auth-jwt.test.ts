import { createHmac } from "node:crypto";
import { createServer, type RequestListener } from "node:http";
import type { AddressInfo } from "node:net";
import { exportJWK, generateKeyPair, type JWTPayload, SignJWT } from "jose";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { AuthenticationError, type AuthenticationReason } from "../src/auth/caller.js";
import { createJwtVerifier, type JwtSettings, type JwtVerifier, KeySetFetchError } from "../src/auth/jwt.js";

const SECRET = "test-secret-of-the-gateway-0123456789";
/** The verifiers' clock: 2030-01-01T00:00:00Z. */
const NOW = Date.UTC(2030, 0, 1);
const NOW_S = NOW / 1000;
const now = () => NOW;

function hsVerifier(settings: Partial<JwtSettings> = {}): JwtVerifier {
  return createJwtVerifier({ secret: SECRET, roleClaim: "role", ...settings }, { now });
}

/** An HS256 token of `claims` (exp an hour after NOW unless given) signed with `secret`. */
function hsToken(claims: Record<string, unknown>, secret = SECRET, alg = "HS256"): Promise<string> {
  return new SignJWT({ exp: NOW_S + 3600, ...claims } as JWTPayload)
    .setProtectedHeader({ alg })
    .sign(new TextEncoder().encode(secret));
}

const base64url = (value: unknown) => Buffer.from(JSON.stringify(value)).toString("base64url");

/** A compact token built by hand, for what jose would not sign. */
function handBuilt(header: object, payload: object, secret?: string): string {
  const input = `${base64url(header)}.${base64url(payload)}`;
  const signature =
    secret === undefined ? "" : createHmac("sha256", secret).update(input).digest("base64url");
  return `${input}.${signature}`;
}

/** The AuthenticationError `verify` throws for `token`, checked to leave the token and the secret out. */
async function refusal(verifier: JwtVerifier, token: string): Promise<AuthenticationError> {
  const error = await verifier.verify(token).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(AuthenticationError);
  const message = (error as Error).message;
  expect(message).not.toContain(token);
  expect(message).not.toContain(token.split(".")[2] || token);
  expect(message).not.toContain(SECRET);
  return error as AuthenticationError;
}

async function expectRefused(
  verifier: JwtVerifier,
  token: string,
  reason: AuthenticationReason,
  message: string,
): Promise<void> {
  const error = await refusal(verifier, token);
  expect({ reason: error.reason, message: error.message }).toEqual({ reason, message });
}

describe("createJwtVerifier with a secret (HS256)", () => {
  it("accepts a valid token: role, sub as the actor, exp as expiresAt", async () => {
    const caller = await hsVerifier().verify(await hsToken({ role: "operator", sub: "alice" }));
    expect(caller).toEqual({
      role: "operator",
      actor: "alice",
      via: "jwt",
      expiresAt: (NOW_S + 3600) * 1000,
    });
  });

  it('names the caller "jwt" when sub is absent, empty or not a string', async () => {
    for (const sub of [undefined, "", 42]) {
      const caller = await hsVerifier().verify(await hsToken({ role: "viewer", sub }));
      expect(caller.actor).toBe("jwt");
    }
  });

  it("refuses a token signed with another secret", async () => {
    await expectRefused(
      hsVerifier(),
      await hsToken({ role: "admin" }, "another-secret-0123456789abcdefgh"),
      "invalid-token",
      "The JWT is invalid: signature does not verify.",
    );
  });

  it("refuses an expired token, and one whose exp is this very second (no clock tolerance)", async () => {
    for (const exp of [NOW_S - 60, NOW_S]) {
      await expectRefused(
        hsVerifier(),
        await hsToken({ role: "admin", exp }),
        "expired",
        "The JWT has expired.",
      );
    }
    const lastSecond = await hsVerifier().verify(await hsToken({ role: "admin", exp: NOW_S + 1 }));
    expect(lastSecond.expiresAt).toBe(NOW + 1000);
  });

  it("reads the clock at each verification", async () => {
    let clock = NOW;
    const verifier = createJwtVerifier({ secret: SECRET, roleClaim: "role" }, { now: () => clock });
    const token = await hsToken({ role: "admin", exp: NOW_S + 10 });
    await expect(verifier.verify(token)).resolves.toMatchObject({ role: "admin" });
    clock = NOW + 10_000;
    await expectRefused(verifier, token, "expired", "The JWT has expired.");
  });

  it("refuses a token without exp, or with an exp that is not a finite number", async () => {
    const noExp = await new SignJWT({ role: "admin" })
      .setProtectedHeader({ alg: "HS256" })
      .sign(new TextEncoder().encode(SECRET));
    await expectRefused(hsVerifier(), noExp, "invalid-token", "The JWT is invalid: no expiry (`exp`).");
    await expectRefused(
      hsVerifier(),
      handBuilt({ alg: "HS256" }, { role: "admin", exp: "tomorrow" }, SECRET),
      "invalid-token",
      "The JWT is invalid: malformed.",
    );
    // JSON reads 1e400 as Infinity.
    const header = base64url({ alg: "HS256" });
    const payload = Buffer.from('{"role":"admin","exp":1e400}').toString("base64url");
    const signature = createHmac("sha256", SECRET).update(`${header}.${payload}`).digest("base64url");
    await expectRefused(
      hsVerifier(),
      `${header}.${payload}.${signature}`,
      "invalid-token",
      "The JWT is invalid: malformed.",
    );
  });

  it("refuses a token that is not yet valid (nbf)", async () => {
    await expectRefused(
      hsVerifier(),
      await hsToken({ role: "admin", nbf: NOW_S + 60 }),
      "invalid-token",
      "The JWT is invalid: not yet valid.",
    );
  });

  it("checks the issuer when one is set", async () => {
    const verifier = hsVerifier({ issuer: "https://issuer.example" });
    await expect(
      verifier.verify(await hsToken({ role: "admin", iss: "https://issuer.example" })),
    ).resolves.toMatchObject({
      role: "admin",
    });
    for (const iss of ["https://other.example", undefined]) {
      await expectRefused(
        verifier,
        await hsToken({ role: "admin", iss }),
        "invalid-token",
        "The JWT is invalid: issuer does not match.",
      );
    }
    // Not set: any issuer.
    await expect(
      hsVerifier().verify(await hsToken({ role: "admin", iss: "https://other.example" })),
    ).resolves.toBeDefined();
  });

  it("checks the audience when one is set", async () => {
    const verifier = hsVerifier({ audience: "privnum-gateway" });
    for (const aud of ["privnum-gateway", ["other", "privnum-gateway"]]) {
      await expect(verifier.verify(await hsToken({ role: "admin", aud }))).resolves.toMatchObject({
        role: "admin",
      });
    }
    for (const aud of ["other", ["other"], undefined]) {
      await expectRefused(
        verifier,
        await hsToken({ role: "admin", aud }),
        "invalid-token",
        "The JWT is invalid: audience does not match.",
      );
    }
  });

  it('refuses an unsigned token (alg "none") and any algorithm but HS256', async () => {
    for (const alg of ["none", "None"]) {
      await expectRefused(
        hsVerifier(),
        handBuilt({ alg, typ: "JWT" }, { role: "admin", exp: NOW_S + 60 }),
        "invalid-token",
        "The JWT is invalid: algorithm not allowed.",
      );
    }
    await expectRefused(
      hsVerifier(),
      await hsToken({ role: "admin" }, SECRET, "HS512"),
      "invalid-token",
      "The JWT is invalid: algorithm not allowed.",
    );
  });

  it("refuses what is not a JWT", async () => {
    const header = base64url({ alg: "HS256" });
    for (const token of [
      "a.b.c",
      "not-a-token",
      `${header}.not json.x`,
      `${header}.${base64url({ role: "admin" })}.x`,
      handBuilt({ alg: "HS256" }, [1, 2], SECRET), // signed, but its payload is no object
    ]) {
      await expectRefused(hsVerifier(), token, "invalid-token", "The JWT is invalid: malformed.");
    }
  });

  it("takes the role from a string, or the highest known role of an array of strings", async () => {
    const roleOf = async (role: unknown) => (await hsVerifier().verify(await hsToken({ role }))).role;
    expect(await roleOf("viewer")).toBe("viewer");
    expect(await roleOf("admin")).toBe("admin");
    expect(await roleOf(["viewer", "admin", "operator"])).toBe("admin");
    expect(await roleOf(["auditor", "operator"])).toBe("operator");
  });

  it("refuses a token without a known role", async () => {
    for (const role of [
      undefined,
      "root",
      "Admin",
      [],
      ["auditor"],
      ["admin", 1],
      { admin: true },
      2,
      null,
    ]) {
      await expectRefused(
        hsVerifier(),
        await hsToken({ role }),
        "no-role",
        "The JWT carries no role in claim `role` (viewer, operator or admin).",
      );
    }
  });

  it("reads the role from the claim it is told to, and only from it", async () => {
    const verifier = hsVerifier({ roleClaim: "https://privnum.example/roles" });
    const caller = await verifier.verify(await hsToken({ "https://privnum.example/roles": ["operator"] }));
    expect(caller.role).toBe("operator");
    await expectRefused(
      verifier,
      await hsToken({ role: "admin" }),
      "no-role",
      "The JWT carries no role in claim `https://privnum.example/roles` (viewer, operator or admin).",
    );
  });

  it("lets a fault of the gateway's own show as it is, not as a refused token", async () => {
    const brokenClock = createJwtVerifier({ secret: SECRET, roleClaim: "role" }, { now: () => Number.NaN });
    const error = await brokenClock.verify(await hsToken({ role: "admin" })).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TypeError);
    expect(error).not.toBeInstanceOf(AuthenticationError);
  });

  it("needs exactly one of a secret and a key set URL, and no empty secret", () => {
    expect(() => createJwtVerifier({ roleClaim: "role" })).toThrow(
      new TypeError("JwtSettings need exactly one of `secret` and `jwksUrl`."),
    );
    expect(() =>
      createJwtVerifier({ secret: SECRET, jwksUrl: "http://127.0.0.1:1/jwks.json", roleClaim: "role" }),
    ).toThrow(new TypeError("JwtSettings need exactly one of `secret` and `jwksUrl`."));
    expect(() => createJwtVerifier({ secret: "", roleClaim: "role" })).toThrow(
      new TypeError("JwtSettings.secret must not be empty."),
    );
  });
});

/** A real HTTP server on 127.0.0.1; `close` ends its connections too. */
async function serve(listener: RequestListener): Promise<{ url: string; close: () => Promise<void> }> {
  const server = createServer(listener);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/jwks.json`,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeAllConnections();
      }),
  };
}

describe("createJwtVerifier with a key set (JWKS)", () => {
  const closers: (() => Promise<void>)[] = [];
  let signingKey: CryptoKey;
  let jwksUrl: string;

  beforeAll(async () => {
    const pair = await generateKeyPair("ES256");
    signingKey = pair.privateKey;
    const jwk = { ...(await exportJWK(pair.publicKey)), kid: "gateway-test", alg: "ES256", use: "sig" };
    const server = await serve((_request, response) => {
      response.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify({ keys: [jwk] }));
    });
    closers.push(server.close);
    jwksUrl = server.url;
  });

  afterAll(async () => {
    for (const close of closers) await close();
  });

  const jwksVerifier = (url = jwksUrl) => createJwtVerifier({ jwksUrl: url, roleClaim: "role" }, { now });

  function esToken(claims: JWTPayload, key: CryptoKey = signingKey, kid = "gateway-test"): Promise<string> {
    return new SignJWT({ exp: NOW_S + 3600, ...claims }).setProtectedHeader({ alg: "ES256", kid }).sign(key);
  }

  it("accepts a token signed by a key of the set", async () => {
    const caller = await jwksVerifier().verify(await esToken({ role: "admin", sub: "svc-deploy" }));
    expect(caller).toEqual({
      role: "admin",
      actor: "svc-deploy",
      via: "jwt",
      expiresAt: (NOW_S + 3600) * 1000,
    });
  });

  it("refuses a token signed by another key pair under the same key id", async () => {
    const other = await generateKeyPair("ES256");
    await expectRefused(
      jwksVerifier(),
      await esToken({ role: "admin" }, other.privateKey),
      "invalid-token",
      "The JWT is invalid: signature does not verify.",
    );
  });

  it("refuses a token naming a key the set does not hold", async () => {
    await expectRefused(
      jwksVerifier(),
      await esToken({ role: "admin" }, signingKey, "unknown-kid"),
      "invalid-token",
      "The JWT is invalid: no single key of the key set matches it.",
    );
  });

  it("refuses a token without a key id when several keys of the set would fit it", async () => {
    const unnamed = async () => ({
      ...(await exportJWK((await generateKeyPair("ES256")).publicKey)),
      alg: "ES256",
    });
    const keys = [await unnamed(), await unnamed()];
    const server = await serve((_request, response) => {
      response.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify({ keys }));
    });
    closers.push(server.close);
    const token = await new SignJWT({ role: "admin", exp: NOW_S + 60 })
      .setProtectedHeader({ alg: "ES256" })
      .sign(signingKey);
    await expectRefused(
      jwksVerifier(server.url),
      token,
      "invalid-token",
      "The JWT is invalid: no single key of the key set matches it.",
    );
  });

  it("refuses HS256 (even keyed with the public key) and unsigned tokens", async () => {
    const publicJwk = await exportJWK((await generateKeyPair("ES256")).publicKey);
    await expectRefused(
      jwksVerifier(),
      await hsToken({ role: "admin" }, JSON.stringify(publicJwk)),
      "invalid-token",
      "The JWT is invalid: algorithm not allowed.",
    );
    await expectRefused(
      jwksVerifier(),
      handBuilt({ alg: "none", kid: "gateway-test" }, { role: "admin", exp: NOW_S + 60 }),
      "invalid-token",
      "The JWT is invalid: algorithm not allowed.",
    );
  });

  it("still checks expiry and role", async () => {
    await expectRefused(
      jwksVerifier(),
      await esToken({ role: "admin", exp: NOW_S - 1 }),
      "expired",
      "The JWT has expired.",
    );
    await expectRefused(
      jwksVerifier(),
      await esToken({}),
      "no-role",
      "The JWT carries no role in claim `role` (viewer, operator or admin).",
    );
  });

  async function expectKeySetUnavailable(url: string): Promise<void> {
    const error = await refusal(jwksVerifier(url), await esToken({ role: "admin" }));
    expect({ reason: error.reason, message: error.message }).toEqual({
      reason: "invalid-token",
      message: "The JWT could not be checked: the gateway could not fetch its key set.",
    });
    expect(error.cause).toBeInstanceOf(KeySetFetchError);
    expect((error.cause as Error).cause).toBeDefined();
  }

  it("says the key set could not be fetched when its server is down", async () => {
    const server = await serve((_request, response) => response.end());
    await server.close();
    await expectKeySetUnavailable(server.url);
  });

  it("says the key set could not be fetched when the server answers an error or no key set", async () => {
    const answers: RequestListener[] = [
      (_request, response) => response.writeHead(503).end("down for maintenance"),
      (_request, response) => response.writeHead(200, { "content-type": "application/json" }).end("not json"),
      (_request, response) =>
        response.writeHead(200, { "content-type": "application/json" }).end('{"keys":3}'),
    ];
    for (const answer of answers) {
      const server = await serve(answer);
      closers.push(server.close);
      await expectKeySetUnavailable(server.url);
    }
  });
});
