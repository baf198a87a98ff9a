import { timingSafeEqual } from "node:crypto";

interface CompareBuffers {
  /** Receives the expected digest: exactly `length` bytes. */
  expected: Buffer;
  /** Receives the digest sent; three bytes per character, room for the UTF-8 of any string of `length`. */
  sent: Buffer;
  /** The first `length` bytes of `sent`, the part compared. */
  sentView: Buffer;
}

// One set of buffers per digest length (44 for aksk and wsse-raw, 88 for wsse-hex), reused by every comparison:
// allocating Buffers per request would cost more than the comparison.
const compareBuffers = new Map<number, CompareBuffers>();

function buffersFor(length: number): CompareBuffers {
  let buffers = compareBuffers.get(length);
  if (buffers === undefined) {
    const sent = Buffer.alloc(length * 3);
    buffers = { expected: Buffer.alloc(length), sent, sentView: sent.subarray(0, length) };
    compareBuffers.set(length, buffers);
  }
  return buffers;
}

/**
 * Constant-time equality of an expected Base64 digest (ASCII) and the digest sent, with `timingSafeEqual`. Only
 * the length checks exit early, and the length of an expected digest is fixed by its scheme.
 */
export function digestEquals(expected: string, sent: string): boolean {
  const length = expected.length;
  if (sent.length !== length) return false;
  const buffers = buffersFor(length);
  // `sent` is written whole as UTF-8, where a character takes one byte only when it is ASCII: `length` bytes
  // means all of it is ASCII, so its bytes are its characters.
  if (buffers.sent.write(sent, 0, "utf8") !== length) return false;
  buffers.expected.write(expected, 0, "latin1");
  return timingSafeEqual(buffers.expected, buffers.sentView);
}
