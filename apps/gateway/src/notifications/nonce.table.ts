import type { Timestamp } from "../database/timestamp.js";

/** Nonces seen on signed pushes, shared by every gateway instance (replay protection). */
export interface NonceTable {
  key: string;
  expires_at: Timestamp;
}
