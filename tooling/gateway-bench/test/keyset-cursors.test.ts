// The random `$after` cursors of P6's load: the gateway's format and PostGraphile 4's.
import { describe, expect, it } from "vitest";
import { keysetCursor } from "../src/lib/keyset-cursors.js";

describe("keyset cursors", () => {
  it("writes the gateway's cursor: base64url of prefix:id", () => {
    expect(keysetCursor("gateway", "b", 5)).toBe("Yjo1");
    expect(Buffer.from(keysetCursor("gateway", "cr", 123456), "base64url").toString()).toBe("cr:123456");
  });

  it("writes PostGraphile 4's cursor: base64 of [order, [id]]", () => {
    // As PostGraphile answered for the row with id 1000 ordered by PRIMARY_KEY_DESC.
    expect(keysetCursor("postgraphile", "primary_key_desc", 1000)).toBe(
      "WyJwcmltYXJ5X2tleV9kZXNjIixbMTAwMF1d",
    );
  });

  it("refuses an id that is not a row id and a key that is not a prefix or order", () => {
    expect(() => keysetCursor("gateway", "b", -1)).toThrow(/not a row id/);
    expect(() => keysetCursor("gateway", "b", 1.5)).toThrow(/not a row id/);
    expect(() => keysetCursor("postgraphile", "primary_key_desc", 2 ** 53)).toThrow(/not a row id/);
    expect(() => keysetCursor("gateway", "b:1", 1)).toThrow(/not a cursor key/);
    expect(() => keysetCursor("postgraphile", "", 1)).toThrow(/not a cursor key/);
  });
});
