// The `$after` cursors P6's load draws at random keyset positions, in the format each server under test issues.

/**
 * Which server's cursors: the gateway's (base64url of `prefix:id`, see the gateway's shared/cursor.ts) or
 * PostGraphile 4's (base64 of the JSON `[order, [id]]`, `order` being the connection's `orderBy` in lower case,
 * e.g. `primary_key_desc`).
 */
export type CursorStyle = "gateway" | "postgraphile";

/** The largest id a cursor is written for (the gateway's own cursors hold at most 15 digits). */
const MAX_ID = Number.MAX_SAFE_INTEGER;

/** The cursor of the row with `id`, as a server of `style` issues it; `key` is the gateway prefix or PostGraphile order. */
export function keysetCursor(style: CursorStyle, key: string, id: number): string {
  if (!Number.isSafeInteger(id) || id < 0 || id > MAX_ID) throw new RangeError(`not a row id: ${id}`);
  if (!/^[a-z_]{1,40}$/.test(key)) throw new RangeError(`not a cursor key: ${JSON.stringify(key)}`);
  return style === "gateway"
    ? Buffer.from(`${key}:${id}`, "utf8").toString("base64url")
    : Buffer.from(JSON.stringify([key, [id]]), "utf8").toString("base64");
}
