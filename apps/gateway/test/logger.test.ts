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
});
