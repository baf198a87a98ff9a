import type { Timestamp } from "../bindings/binding.table.js";

/** Nonces seen on signed pushes, shared by every gateway instance (replay protection). */
export interface NonceTable {
  key: string;
  expires_at: Timestamp;
}
