// The built console, served by the gateway under /console/: static files that need no credentials, a page
// kept on the gateway's origin by its CSP, client routes answered with the page, and a clear 503 without a build.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { gunzipSync } from "node:zlib";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadConsoleBundle, MAX_CONSOLE_FILES } from "../src/console/console-bundle.js";
import { CONSOLE_CONTENT_SECURITY_POLICY } from "../src/console/console-route.js";
import { startGateway, type TestGateway } from "./support/gateway.js";

const INDEX =
  '<!doctype html><html><head><script type="module" src="/console/assets/app-1a2b.js"></script></head></html>';
const SCRIPT = `console.log(${JSON.stringify("x".repeat(2000))});`;

function writeBuild(): string {
  const dir = mkdtempSync(join(tmpdir(), "privnum-console-build-"));
  mkdirSync(join(dir, "assets"));
  writeFileSync(join(dir, "index.html"), INDEX);
  writeFileSync(join(dir, "assets", "app-1a2b.js"), SCRIPT);
  writeFileSync(join(dir, "assets", "logo.png"), Buffer.from([0x89, 0x50, 0x4e, 0x47]));
  return dir;
}

describe("the console route", () => {
  let dir: string;
  let gw: TestGateway;
  const get = (path: string, init?: RequestInit) =>
    fetch(`${gw.gateway.url}${path}`, { redirect: "manual", ...init });

  beforeAll(async () => {
    dir = writeBuild();
    gw = await startGateway({ console: { enabled: true, dir } });
  });
  afterAll(async () => {
    await gw?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it("reports its URL", () => {
    expect(gw.gateway.console).toEqual({ url: `${gw.gateway.url}/console/` });
  });

  it("redirects / and /console to /console/", async () => {
    for (const path of ["/", "/console"]) {
      const response = await get(path);
      expect(response.status).toBe(302);
      expect(response.headers.get("location")).toBe("/console/");
    }
  });

  it("serves the page without credentials, with a CSP that keeps it on the gateway's origin", async () => {
    const response = await get("/console/", { headers: { "accept-encoding": "identity" } });
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toBe("text/html; charset=utf-8");
    expect(response.headers.get("cache-control")).toBe("no-cache");
    expect(response.headers.get("content-security-policy")).toBe(CONSOLE_CONTENT_SECURITY_POLICY);
    expect(CONSOLE_CONTENT_SECURITY_POLICY).toContain("default-src 'none'");
    expect(CONSOLE_CONTENT_SECURITY_POLICY).toContain("script-src 'self'");
    expect(CONSOLE_CONTENT_SECURITY_POLICY).not.toContain("unsafe-inline");
    expect(response.headers.get("x-content-type-options")).toBe("nosniff");
    expect(await response.text()).toBe(INDEX);
  });

  it("answers a client-side route with the page, and a missing file with 404", async () => {
    for (const path of ["/console/calls", "/console/bindings/abc"]) {
      const response = await get(path);
      expect(response.status).toBe(200);
      expect(await response.text()).toBe(INDEX);
    }
    const missing = await get("/console/assets/missing-0000.js");
    expect(missing.status).toBe(404);
    expect(await missing.text()).toContain("No such file");
  });

  it("serves hashed assets as immutable, gzipped when accepted, and 304 on a matching ETag", async () => {
    const plain = await get("/console/assets/app-1a2b.js", { headers: { "accept-encoding": "identity" } });
    expect(plain.headers.get("content-type")).toBe("text/javascript; charset=utf-8");
    expect(plain.headers.get("cache-control")).toBe("public, max-age=31536000, immutable");
    expect(plain.headers.get("content-encoding")).toBeNull();
    expect(await plain.text()).toBe(SCRIPT);
    const etag = plain.headers.get("etag")!;
    expect(etag).toMatch(/^"[A-Za-z0-9_-]{43}"$/);

    const raw = await new Promise<{ encoding: string | undefined; body: Buffer }>((resolve, reject) => {
      import("node:http").then(({ get: httpGet }) =>
        httpGet(
          `${gw.gateway.url}/console/assets/app-1a2b.js`,
          { headers: { "accept-encoding": "gzip" } },
          (res) => {
            const chunks: Buffer[] = [];
            res.on("data", (chunk: Buffer) => chunks.push(chunk));
            res.on("end", () =>
              resolve({ encoding: res.headers["content-encoding"], body: Buffer.concat(chunks) }),
            );
          },
        ).on("error", reject),
      );
    });
    expect(raw.encoding).toBe("gzip");
    expect(raw.body.byteLength).toBeLessThan(SCRIPT.length);
    expect(gunzipSync(raw.body).toString()).toBe(SCRIPT);

    const again = await get("/console/assets/app-1a2b.js", { headers: { "if-none-match": etag } });
    expect(again.status).toBe(304);
    expect(await again.text()).toBe("");

    const png = await get("/console/assets/logo.png", { headers: { "accept-encoding": "gzip" } });
    expect(png.headers.get("content-type")).toBe("image/png");
    expect(png.headers.get("content-encoding")).toBeNull();
  });

  it("answers HEAD without a body, and other methods 405", async () => {
    const head = await get("/console/", { method: "HEAD", headers: { "accept-encoding": "identity" } });
    expect(head.status).toBe(200);
    expect(head.headers.get("content-length")).toBe(String(INDEX.length));
    expect(await head.text()).toBe("");
    const post = await get("/console/", { method: "POST", body: "x" });
    expect(post.status).toBe(405);
    expect(post.headers.get("allow")).toBe("GET, HEAD");
  });

  it("never reaches outside the build: traversal and bad encodings", async () => {
    for (const path of ["/console/..%2f..%2fpackage.json", "/console/%2e%2e/%2e%2e/etc/passwd.txt"]) {
      const response = await get(path);
      expect(response.status).toBe(404);
    }
    expect((await get("/console/%E0%A4%A")).status).toBe(400);
  });

  it("is counted as the console route in the HTTP metrics", async () => {
    const metrics = await (await get("/metrics")).text();
    expect(metrics).toMatch(/route="console"/);
  });
});

describe("without a console build", () => {
  it("starts, says why, and answers /console/ with 503 naming the build command", async () => {
    const empty = mkdtempSync(join(tmpdir(), "privnum-console-empty-"));
    const gw = await startGateway({ console: { enabled: true, dir: empty } });
    try {
      expect(gw.gateway.console).toEqual({
        unavailable: expect.stringContaining("the console is not built"),
      });
      const response = await fetch(`${gw.gateway.url}/console/`);
      expect(response.status).toBe(503);
      expect(await response.text()).toContain("pnpm build");
      // The API is unaffected.
      expect((await gw.gql("{ viewer { role } }", {}, "operator")).data).toEqual({
        viewer: { role: "OPERATOR" },
      });
    } finally {
      await gw.stop();
      rmSync(empty, { recursive: true, force: true });
    }
  });

  it("is not served at all with CONSOLE_ENABLED=false", async () => {
    const gw = await startGateway({ console: { enabled: false } });
    try {
      expect(gw.gateway.console).toEqual({ unavailable: "CONSOLE_ENABLED=false" });
      expect((await fetch(`${gw.gateway.url}/console/`)).status).toBe(404);
    } finally {
      await gw.stop();
    }
  });

  it("refuses a directory with too many files", async () => {
    const dir = mkdtempSync(join(tmpdir(), "privnum-console-many-"));
    try {
      writeFileSync(join(dir, "index.html"), INDEX);
      for (let i = 0; i <= MAX_CONSOLE_FILES; i++) writeFileSync(join(dir, `f${i}.txt`), "x");
      const bundle = await loadConsoleBundle(dir);
      expect(bundle).toMatchObject({
        available: false,
        reason: expect.stringContaining("more than 1000 files"),
      });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe("the viewer query", () => {
  let gw: TestGateway;
  beforeAll(async () => {
    gw = await startGateway({ console: { enabled: false } });
  });
  afterAll(() => gw?.stop());

  it("tells each role who it is and whether numbers reach it masked", async () => {
    const query = "{ viewer { role actor credential expiresAt masksNumbers } }";
    expect((await gw.gql(query, {}, "viewer")).data).toEqual({
      viewer: {
        role: "VIEWER",
        actor: "test-viewer",
        credential: "API_KEY",
        expiresAt: null,
        masksNumbers: true,
      },
    });
    expect((await gw.gql(query, {}, "operator")).data?.viewer).toMatchObject({
      role: "OPERATOR",
      masksNumbers: false,
    });
    expect((await gw.gql(query, {}, "admin")).data?.viewer).toMatchObject({
      role: "ADMIN",
      masksNumbers: false,
    });
    const anonymous = await gw.gql(query, {}, null);
    expect(anonymous.errors?.[0]?.message).toContain("No credentials");
  });
});
