import { CursorError } from "./errors.js";

// Opaque to clients; the prefix keeps a cursor of one list from being used on another.
const PREFIX = {
  callEvent: "ce",
  binding: "b",
  callSession: "cs",
  callRecord: "cr",
  receivedNotification: "rn",
  // Positions in the change stream, one kind per subscription.
  callSessionUpdate: "csu",
  callRecordAdded: "cra",
  bindingChange: "bc",
  virtualNumberStatus: "vns",
} as const;

/** What a cursor points into. */
export type CursorKind = keyof typeof PREFIX;

/** Encode a position as an opaque cursor string. */
export function encodeCursor(kind: CursorKind, position: number): string {
  return Buffer.from(`${PREFIX[kind]}:${position}`, "utf8").toString("base64url");
}

/** Decode a cursor issued by {@link encodeCursor}; throws {@link CursorError} for anything else. */
export function decodeCursor(kind: CursorKind, cursor: string): number {
  if (cursor.length > 64) throw new CursorError("The cursor is not one this gateway issued.");
  const text = Buffer.from(cursor, "base64url").toString("utf8");
  const match = /^([a-z]+):(\d{1,15})$/.exec(text);
  if (!match || match[1] !== PREFIX[kind]) {
    throw new CursorError(`The cursor is not a ${kind} cursor issued by this gateway.`);
  }
  return Number(match[2]);
}
