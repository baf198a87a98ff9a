import { randomFillSync } from "node:crypto";

/** The longest Nonce the platform accepts (docs/axe-platform.md §2.1). */
export const MAX_NONCE_LENGTH = 128;

const NONCE_PATTERN = /^[A-Za-z0-9]{1,128}$/;

/** True when `value` is a valid Nonce: 1–128 ASCII letters or digits. */
export function isValidNonce(value: string): boolean {
  return NONCE_PATTERN.test(value);
}

const NONCE_BYTES = 16;
// Random bytes are drawn from the CSPRNG 256 nonces at a time: one call per nonce costs more than signing.
const pool = Buffer.alloc(NONCE_BYTES * 256);
let poolOffset = pool.length;

/** A fresh Nonce: 32 lowercase hex characters from 16 bytes of the CSPRNG (`crypto.randomFillSync`). */
export function generateNonce(): string {
  if (poolOffset === pool.length) {
    randomFillSync(pool);
    poolOffset = 0;
  }
  const nonce = pool.toString("hex", poolOffset, poolOffset + NONCE_BYTES);
  poolOffset += NONCE_BYTES;
  return nonce;
}
