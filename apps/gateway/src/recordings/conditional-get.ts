// Conditional and partial GET (RFC 9110 §13, §14) for one stored file whose validators never change: its
// strong ETag (the SHA-256 of its bytes) and the time it was archived. Small enough not to need `fresh`.
import rangeParser from "range-parser";
import type { ByteRange } from "./recording-storage.js";

/** The validators of a stored file. */
export interface Validators {
  /** A strong entity tag, quoted: `"<hex>"`. */
  etag: string;
  lastModified: Date;
}

/** Longest `Range` header looked at; a longer one is ignored (a full answer), never parsed. */
const MAX_RANGE_HEADER_LENGTH = 1024;

// The entity tags of an `If-None-Match` list, their weakness dropped (the header compares weakly).
function entityTags(list: string): string[] {
  return list
    .split(",")
    .map((tag) => tag.trim().replace(/^W\//, ""))
    .filter((tag) => tag !== "");
}

// An HTTP-date, in whole seconds since the epoch; undefined for anything else.
function httpDateSeconds(value: string): number | undefined {
  if (value.length > 64) return undefined;
  const ms = Date.parse(value);
  return Number.isNaN(ms) ? undefined : Math.floor(ms / 1000);
}

/**
 * Whether the client's copy is current, so that the answer is 304 without a body: `If-None-Match` when sent
 * (`*`, or any tag of the list, weakly compared); otherwise `If-Modified-Since` (not older than the file).
 */
export function isNotModified(headers: Headers, validators: Validators): boolean {
  const ifNoneMatch = headers.get("if-none-match");
  if (ifNoneMatch !== null) {
    const tags = entityTags(ifNoneMatch);
    return tags.includes("*") || tags.includes(validators.etag);
  }
  const ifModifiedSince = headers.get("if-modified-since");
  if (ifModifiedSince === null) return false;
  const since = httpDateSeconds(ifModifiedSince);
  return since !== undefined && Math.floor(validators.lastModified.getTime() / 1000) <= since;
}

/**
 * Whether `If-Range` (when sent) lets `Range` apply: an entity tag only when strongly equal to the file's, a
 * date only when it is exactly the file's `Last-Modified`. Anything else: the client's part is of another
 * version, and it gets the whole file.
 */
export function rangeApplies(headers: Headers, validators: Validators): boolean {
  const ifRange = headers.get("if-range")?.trim();
  if (ifRange === undefined) return true;
  if (ifRange.startsWith('"') || ifRange.startsWith("W/")) return ifRange === validators.etag;
  const date = httpDateSeconds(ifRange);
  return date !== undefined && date === Math.floor(validators.lastModified.getTime() / 1000);
}

/** What a `Range` header asks of a file of `size` bytes. */
export type RangeRequest =
  /** No range, or one to ignore (malformed, another unit, several ranges): the whole file, 200. */
  | { kind: "whole" }
  /** One satisfiable range: 206. */
  | { kind: "partial"; range: ByteRange }
  /** No byte of it is in the file: 416. */
  | { kind: "unsatisfiable" };

/**
 * Read `Range` with range-parser (overlapping and adjacent ranges combined). Several ranges that stay apart
 * are answered with the whole file rather than `multipart/byteranges`: RFC 9110 §14.2 allows ignoring
 * `Range`, and players ask for one range at a time.
 */
export function rangeRequest(header: string | null, size: number): RangeRequest {
  if (header === null || header.length > MAX_RANGE_HEADER_LENGTH) return { kind: "whole" };
  const ranges = rangeParser(size, header, { combine: true });
  if (ranges === -2) return { kind: "whole" };
  if (ranges === -1) return { kind: "unsatisfiable" };
  if (ranges.type !== "bytes" || ranges.length !== 1) return { kind: "whole" };
  const { start, end } = ranges[0]!;
  return { kind: "partial", range: { start, end } };
}
