import { once } from "node:events";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import type { Server } from "node:http";
import { connect } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { signUsernameToken } from "@privnum/wsse-auth";
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import { fixtureText } from "./helpers.js";

// The README's webhook handler, run as written: its code block is extracted, pointed at this package's source
// and at the installed @privnum/wsse-auth, and served on port 0; pushes are signed with @privnum/wsse-auth.

const APP_KEY = "privnum-sim-app";
const APP_SECRET = "privnum-sim-secret";

let server: Server;
let url = "";
let dir = "";
const log = vi.fn();
const warn = vi.fn();
const error = vi.fn();

beforeAll(async () => {
  const readme = await readFile(new URL("../README.md", import.meta.url), "utf8");
  const example = /## A webhook handler[\s\S]*?```ts[^\n]*\n([\s\S]*?)```/.exec(readme)?.[1];
  if (example === undefined) throw new Error("README has no webhook handler example");
  const source = pathToFileURL(fileURLToPath(new URL("../src/index.ts", import.meta.url))).href;
  const wsseAuth = import.meta.resolve("@privnum/wsse-auth");
  const code = example
    .replace('"@privnum/notification-schemas"', JSON.stringify(source))
    .replace('"@privnum/wsse-auth"', JSON.stringify(wsseAuth))
    .replace("createServer(async", "export const server = createServer(async")
    .replace(".listen(8080);", '.listen(0, "127.0.0.1");');
  expect(code).toContain("export const server");
  dir = await mkdtemp(join(tmpdir(), "notification-schemas-readme-"));
  const file = join(dir, "handler.ts");
  await writeFile(file, code);

  process.env.APP_KEY = APP_KEY;
  process.env.APP_SECRET = APP_SECRET;
  ({ server } = (await import(/* @vite-ignore */ pathToFileURL(file).href)) as { server: Server });
  if (!server.listening) await once(server, "listening");
  const address = server.address();
  if (address === null || typeof address === "string") throw new Error("no TCP address");
  url = `http://127.0.0.1:${address.port}/notify`;
});

// The handler logs through console; capture it (the shared config restores spies after every test).
beforeEach(() => {
  for (const mock of [log, warn, error]) mock.mockClear();
  vi.spyOn(console, "log").mockImplementation(log);
  vi.spyOn(console, "warn").mockImplementation(warn);
  vi.spyOn(console, "error").mockImplementation(error);
});

afterAll(async () => {
  if (server) {
    server.close();
    await once(server, "close");
  }
  if (dir) await rm(dir, { recursive: true, force: true });
});

const push = (body: string | Uint8Array, appSecret = APP_SECRET) =>
  fetch(url, { method: "POST", headers: signUsernameToken({ appKey: APP_KEY, appSecret }).headers, body });

describe("the README's webhook handler", () => {
  it("acknowledges signed pushes of every kind and handles each by its kind", async () => {
    for (const name of [
      "callee/06-disconnect.json",
      "fee/fifty-records.json",
      "num-status/every-status.json",
    ]) {
      expect((await push(fixtureText(name))).status, name).toBe(200);
    }
    expect(log).toHaveBeenCalledWith(
      "1201_0001_4294967295_20260127080000@callenabler246.huaweicaas.com",
      expect.objectContaining({ code: 0, known: true }),
    );
    // One line per CDR and per numInfo entry.
    expect(log.mock.calls.length).toBeGreaterThanOrEqual(1 + 50 + 4);
    expect((await push('{"eventType":"smsEvent","smsInfo":{}}')).status).toBe(200);
    expect(warn).toHaveBeenCalledWith("unknown eventType", "smsEvent");
  });

  it("answers 400 with the issues to a signed body that is not a notification", async () => {
    const response = await push(new Uint8Array([0x7b, 0xff, 0x7d]));
    expect(response.status).toBe(400);
    expect(await response.json()).toEqual({
      issues: [{ code: "invalid-utf8", path: "$", segments: [], message: "the body is not valid UTF-8" }],
    });
  });

  it("refuses a push signed with the wrong secret before parsing it", async () => {
    const response = await push(fixtureText("callee/06-disconnect.json"), "wrong-secret");
    expect(response.status).toBe(401);
    expect(await response.json()).toEqual({ resultcode: "1010010" });
  });

  it("survives a sender that drops the connection mid-body, and keeps serving", async () => {
    const { port } = new URL(url);
    const socket = connect(Number(port), "127.0.0.1");
    await once(socket, "connect");
    const headers = Object.entries(signUsernameToken({ appKey: APP_KEY, appSecret: APP_SECRET }).headers)
      .map(([name, value]) => `${name}: ${value}\r\n`)
      .join("");
    const received = once(server, "request");
    socket.write(`POST /notify HTTP/1.1\r\nHost: x\r\n${headers}Content-Length: 1000\r\n\r\n{"eventType":`);
    await received;
    socket.destroy();
    await vi.waitFor(() => expect(error).toHaveBeenCalled());
    expect(error.mock.calls[0]?.[0]).toBe("push not handled:");
    expect((await push(fixtureText("callee/06-disconnect.json"))).status).toBe(200);
  });
});
