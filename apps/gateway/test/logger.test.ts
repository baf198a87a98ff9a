import { Writable } from "node:stream";
import { describe, expect, it } from "vitest";
import { createLogger } from "../src/shared/logger.js";

function capture() {
  const lines: string[] = [];
  const destination = new Writable({
    write(chunk, _encoding, callback) {
      lines.push(String(chunk));
      callback();
    },
  });
  return { lines, logger: createLogger({ level: "info", destination }) };
}

describe("logger", () => {
  it("masks phone numbers in fields, nested values and messages", () => {
    const { lines, logger } = capture();
    logger.info(
      { bindNum: "+8613800000021", nested: { caller: "+8613900000001", note: "call +8617000000001 now" } },
      "binding +8613800000021 created",
    );
    const text = lines.join("");
    expect(text).not.toMatch(/13800000021|13900000001|17000000001/);
    expect(text).toContain("+86138****0021");
    expect(text).toContain("+86139****0001");
  });

  it("never writes secrets or authorization headers", () => {
    const { lines, logger } = capture();
    logger.warn(
      { appSecret: "s3cret", headers: { authorization: "AKSK realm", "x-aksk": "UsernameToken …" } },
      "x",
    );
    const text = lines.join("");
    expect(text).not.toContain("s3cret");
    expect(text).not.toContain("UsernameToken");
    expect(text).toContain("[redacted]");
  });

  it("writes dates as ISO-8601 text, nested ones too (never as {})", () => {
    const { lines, logger } = capture();
    logger.info(
      { before: new Date(0), report: { finishedAt: new Date(1000) }, invalid: new Date(Number.NaN) },
      "x",
    );
    const record = JSON.parse(lines.join("")) as Record<string, unknown>;
    expect(record).toMatchObject({
      before: "1970-01-01T00:00:00.000Z",
      report: { finishedAt: "1970-01-01T00:00:01.000Z" },
      invalid: null,
    });
  });
});
