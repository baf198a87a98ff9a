import type { Kysely } from "kysely";
import type { Database } from "../database/database.js";

/** X numbers known to be in `virtual_numbers`. */
export type KnownNumbers = Set<string>;

// Per database: saves a write per push once a number is known. A number is added only after the commit that
// stored it, so a rolled-back insert is retried by the next push.
const byDatabase = new WeakMap<Kysely<Database>, KnownNumbers>();

/** The X numbers already stored in `db`'s `virtual_numbers`, as far as this process knows. */
export function knownNumbersOf(db: Kysely<Database>): KnownNumbers {
  let numbers = byDatabase.get(db);
  if (!numbers) {
    numbers = new Set();
    byDatabase.set(db, numbers);
  }
  return numbers;
}
