import { type ExpressionBuilder, sql } from "kysely";
import type { BindingRow, NewBindingRow } from "./binding.table.js";
import type { Database, Executor } from "./database.js";

/** Lifecycle state of a mirrored binding, derived from its timestamps at a given instant. */
export type BindingState = "active" | "expired" | "deleted";

/** Filter for {@link listBindings}. Absent fields do not filter. */
export interface BindingFilter {
  virtualNum?: string | null;
  bindNum?: string | null;
  extendNum?: string | null;
  /** @default ["active"] */
  states?: readonly BindingState[] | null;
}

/** Keyset page request: rows with id below `before`/above `after`, newest first unless `inverted`. */
export interface PageRequest {
  after?: number | undefined;
  before?: number | undefined;
  limit: number;
  /** Oldest first (used for backward pagination). */
  inverted?: boolean;
}

/** The state of a binding row at `now`. */
export function bindingState(row: Pick<BindingRow, "expires_at" | "deleted_at">, now: Date): BindingState {
  const expiresAt = row.expires_at;
  if (row.deleted_at !== null) {
    return expiresAt !== null && expiresAt <= row.deleted_at ? "expired" : "deleted";
  }
  return expiresAt !== null && expiresAt <= now ? "expired" : "active";
}

function stateCondition(eb: ExpressionBuilder<Database, "bindings">, state: BindingState, now: Date) {
  switch (state) {
    case "active":
      return eb.and([
        eb("deleted_at", "is", null),
        eb.or([eb("expires_at", "is", null), eb("expires_at", ">", now)]),
      ]);
    case "expired":
      return eb.and([
        eb("expires_at", "is not", null),
        eb.or([
          eb.and([eb("deleted_at", "is", null), eb("expires_at", "<=", now)]),
          eb("deleted_at", ">=", eb.ref("expires_at")),
        ]),
      ]);
    case "deleted":
      return eb.and([
        eb("deleted_at", "is not", null),
        eb.or([eb("expires_at", "is", null), eb("deleted_at", "<", eb.ref("expires_at"))]),
      ]);
  }
}

/** Insert or replace the mirror of one binding; returns the stored row. */
export async function upsertBinding(db: Executor, row: NewBindingRow): Promise<BindingRow> {
  const { subscription_id: _key, created_at: _created, ...changes } = row;
  return db
    .insertInto("bindings")
    .values(row)
    .onConflict((oc) =>
      oc.column("subscription_id").doUpdateSet({ ...changes, version: sql`bindings.version + 1` }),
    )
    .returningAll()
    .executeTakeFirstOrThrow();
}

/** The binding with this subscriptionId, in any state. */
export async function findBinding(db: Executor, subscriptionId: string): Promise<BindingRow | undefined> {
  return db
    .selectFrom("bindings")
    .selectAll()
    .where("subscription_id", "=", subscriptionId)
    .executeTakeFirst();
}

/** The active binding on X + E at `now` (the newest, should the mirror hold stale rows). */
export async function findActiveBindingByExtension(
  db: Executor,
  virtualNum: string,
  extendNum: string,
  now: Date,
): Promise<BindingRow | undefined> {
  return db
    .selectFrom("bindings")
    .selectAll()
    .where("virtual_num", "=", virtualNum)
    .where("extend_num", "=", extendNum)
    .where((eb) => stateCondition(eb, "active", now))
    .orderBy("id", "desc")
    .limit(1)
    .executeTakeFirst();
}

/** Bindings by subscriptionId, in any state (one query). */
export async function findBindings(db: Executor, subscriptionIds: readonly string[]): Promise<BindingRow[]> {
  if (subscriptionIds.length === 0) return [];
  return db
    .selectFrom("bindings")
    .selectAll()
    .where("subscription_id", "=", sql<string>`any(${[...new Set(subscriptionIds)]}::text[])`)
    .execute();
}

/**
 * The most recent binding of A on X, in any state: who a call from A to X (the callback scenario) belongs
 * to. Not bounded by time on purpose: platform and gateway clocks differ, and an event may arrive late.
 */
export async function findLatestBindingByNumbers(
  db: Executor,
  virtualNum: string,
  bindNum: string,
): Promise<BindingRow | undefined> {
  return db
    .selectFrom("bindings")
    .selectAll()
    .where("virtual_num", "=", virtualNum)
    .where("bind_num", "=", bindNum)
    .orderBy("id", "desc")
    .limit(1)
    .executeTakeFirst();
}

/** The most recent binding on X + E, in any state: who the extension a caller keyed belongs to. */
export async function findLatestBindingByExtension(
  db: Executor,
  virtualNum: string,
  extendNum: string,
): Promise<BindingRow | undefined> {
  return db
    .selectFrom("bindings")
    .selectAll()
    .where("virtual_num", "=", virtualNum)
    .where("extend_num", "=", extendNum)
    .orderBy("id", "desc")
    .limit(1)
    .executeTakeFirst();
}

/** Bindings matching `filter`, one keyset page (newest first). */
export async function listBindings(
  db: Executor,
  filter: BindingFilter,
  page: PageRequest,
  now: Date,
): Promise<BindingRow[]> {
  const states = filter.states && filter.states.length > 0 ? filter.states : (["active"] as const);
  let query = db.selectFrom("bindings").selectAll();
  if (filter.virtualNum) query = query.where("virtual_num", "=", filter.virtualNum);
  if (filter.bindNum) query = query.where("bind_num", "=", filter.bindNum);
  if (filter.extendNum) query = query.where("extend_num", "=", filter.extendNum);
  query = query.where((eb) => eb.or(states.map((state) => stateCondition(eb, state, now))));
  if (page.after !== undefined) query = query.where("id", "<", page.after);
  if (page.before !== undefined) query = query.where("id", ">", page.before);
  return query
    .orderBy("id", page.inverted ? "asc" : "desc")
    .limit(page.limit)
    .execute();
}

/** Mark a binding unbound at `at`; returns the updated row, or undefined when it is not mirrored. */
export async function markBindingDeleted(
  db: Executor,
  subscriptionId: string,
  at: Date,
): Promise<BindingRow | undefined> {
  return db
    .updateTable("bindings")
    .set({ deleted_at: at, updated_at: at, version: sql`version + 1` })
    .where("subscription_id", "=", subscriptionId)
    .where("deleted_at", "is", null)
    .returningAll()
    .executeTakeFirst();
}

/**
 * The platform just gave X + E to a new binding, so any other mirrored binding still holding that
 * extension is gone there (expired or removed outside this gateway): close it in the mirror too.
 */
export async function supersedeBindingsOnExtension(
  db: Executor,
  virtualNum: string,
  extendNum: string,
  exceptSubscriptionId: string,
  at: Date,
): Promise<BindingRow[]> {
  return db
    .updateTable("bindings")
    .set({ deleted_at: at, updated_at: at, version: sql`version + 1` })
    .where("virtual_num", "=", virtualNum)
    .where("extend_num", "=", extendNum)
    .where("subscription_id", "!=", exceptSubscriptionId)
    .where("deleted_at", "is", null)
    .returningAll()
    .execute();
}

/**
 * Claim bindings that have lapsed by `now` and whose expiry was not yet announced, marking them
 * announced. `FOR UPDATE SKIP LOCKED` lets several instances sweep without announcing one twice.
 */
export async function claimLapsedBindings(db: Executor, now: Date, limit: number): Promise<BindingRow[]> {
  return db
    .updateTable("bindings")
    .set({ expiry_announced_at: now, version: sql`version + 1` })
    .where(
      "subscription_id",
      "in",
      db
        .selectFrom("bindings")
        .select("subscription_id")
        .where("expiry_announced_at", "is", null)
        .where("expires_at", "<=", now)
        .where("deleted_at", "is", null)
        .orderBy("expires_at")
        .limit(limit)
        .forUpdate()
        .skipLocked(),
    )
    .returningAll()
    .execute();
}
