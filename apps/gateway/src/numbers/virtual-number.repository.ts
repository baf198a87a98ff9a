import { type RawBuilder, sql } from "kysely";
import type { Executor } from "../database/database.js";
import type { VirtualNumberRow } from "./virtual-number.table.js";

/** One status report for an X number. */
export interface VirtualNumberStatusUpdate {
  number: string;
  status: string;
  cause: string | null;
}

/**
 * Record the latest status of each number (one statement). A row changes only when status or cause
 * differ, so a re-sent report neither bumps `status_changed_at` nor comes back as changed.
 * Returns the rows that changed.
 */
export async function applyVirtualNumberStatus(
  tx: Executor,
  updates: readonly VirtualNumberStatusUpdate[],
  at: Date,
): Promise<VirtualNumberRow[]> {
  if (updates.length === 0) return [];
  // The last report for a number within one push wins.
  const latest = new Map(updates.map((u) => [u.number, u]));
  return tx
    .insertInto("virtual_numbers")
    .values(
      [...latest.values()].map((u) => ({
        number: u.number,
        status: u.status,
        cause: u.cause,
        status_changed_at: at,
        first_seen_at: at,
        updated_at: at,
      })),
    )
    .onConflict((oc) =>
      oc
        .column("number")
        .doUpdateSet((eb) => ({
          status: eb.ref("excluded.status"),
          cause: eb.ref("excluded.cause"),
          status_changed_at: eb.ref("excluded.status_changed_at"),
          updated_at: eb.ref("excluded.updated_at"),
        }))
        .where(
          sql<boolean>`(virtual_numbers.status, virtual_numbers.cause) is distinct from (excluded.status, excluded.cause)`,
        ),
    )
    .returningAll()
    .execute();
}

/** Make sure numbers the gateway has seen in use are listed, without touching known statuses. */
export async function rememberVirtualNumbers(
  tx: Executor,
  numbers: Iterable<string>,
  at: Date,
): Promise<void> {
  const unique = [...new Set(numbers)];
  if (unique.length === 0) return;
  await tx
    .insertInto("virtual_numbers")
    .values(
      unique.map((number) => ({
        number,
        status: null,
        cause: null,
        status_changed_at: null,
        first_seen_at: at,
        updated_at: at,
      })),
    )
    .onConflict((oc) => oc.column("number").doNothing())
    .execute();
}

/**
 * What {@link rememberVirtualNumbers} runs, as a data-modifying CTE (`remembered_numbers`) for a `with`
 * clause of another statement: remembers the numbers of `candidates` that `found` (a query of
 * `virtual_num`, e.g. of rows the same statement inserts) names.
 */
export function virtualNumbersRemember(
  found: RawBuilder<unknown>,
  candidates: readonly string[],
  at: Date,
): RawBuilder<unknown> {
  return sql`remembered_numbers as (
    insert into virtual_numbers (number, status, cause, status_changed_at, first_seen_at, updated_at)
    select distinct f.virtual_num, null::text, null::text, null::timestamptz, ${at}::timestamptz, ${at}::timestamptz
      from ${found} as f where f.virtual_num = any(${[...new Set(candidates)]}::text[])
    on conflict (number) do nothing)`;
}

/** Every known X number, in number order. */
export async function listVirtualNumbers(db: Executor, limit: number): Promise<VirtualNumberRow[]> {
  return db.selectFrom("virtual_numbers").selectAll().orderBy("number").limit(limit).execute();
}

/** The stored row of one X number, or undefined when the gateway has never heard of it. */
export async function findVirtualNumber(db: Executor, number: string): Promise<VirtualNumberRow | undefined> {
  return db.selectFrom("virtual_numbers").selectAll().where("number", "=", number).executeTakeFirst();
}

/** Every X number the gateway knows (configured, the simulator's, seen in use or in a status push), in order. */
export async function listKnownVirtualNumbers(db: Executor): Promise<string[]> {
  const rows = await db.selectFrom("virtual_numbers").select("number").orderBy("number").execute();
  return rows.map((row) => row.number);
}

/** An X number the gateway serves, with the status the platform holds for it when that is known. */
export interface ServedVirtualNumber {
  number: string;
  /** Null when only the number is known (listed in the configuration). */
  status: string | null;
  cause: string | null;
}

/**
 * List the numbers the gateway serves from the start. A number not yet known is added; a
 * status given (the platform's own, read at start) replaces a different stored one; a number given without a
 * status (only configured) leaves a reported status alone.
 */
export async function rememberServedVirtualNumbers(
  tx: Executor,
  numbers: readonly ServedVirtualNumber[],
  at: Date,
): Promise<void> {
  const reported = numbers.flatMap((n) => (n.status === null ? [] : [{ ...n, status: n.status }]));
  await applyVirtualNumberStatus(tx, reported, at);
  await rememberVirtualNumbers(
    tx,
    numbers.map((n) => n.number),
    at,
  );
}
