import { type ExpressionBuilder, type SelectQueryBuilder, sql } from "kysely";
import type { BindingRow, BindingTable, NewBindingRow } from "./binding.table.js";
import type { Database, Executor } from "./database.js";
import { createQueryShapeCache } from "./query-shape-cache.js";

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

/** A column of `bindings`. */
export type BindingColumn = keyof BindingTable & string;

const listBindingsShapes = createQueryShapeCache();

/**
 * Bindings matching `filter`, one keyset page (newest first). With `columns`, only those (and `id`) are read:
 * the rows carry no other column, so give every column the caller will look at.
 */
export async function listBindings(
  db: Executor,
  filter: BindingFilter,
  page: PageRequest,
  now: Date,
  columns?: readonly BindingColumn[],
): Promise<BindingRow[]> {
  const states = filter.states && filter.states.length > 0 ? filter.states : (["active"] as const);
  const shape = [
    columns?.join(",") ?? "*",
    filter.virtualNum ? "virtualNum" : "",
    filter.bindNum ? "bindNum" : "",
    filter.extendNum ? "extendNum" : "",
    states.join("+"),
    page.after !== undefined ? "after" : "",
    page.before !== undefined ? "before" : "",
    page.inverted ? "inverted" : "",
  ].join("|");
  const values = { ...filter, now, after: page.after, before: page.before, limit: page.limit };
  const query = listBindingsShapes(shape, values, (v) => {
    const from = db.selectFrom("bindings");
    let query = (
      columns ? from.select(["id", ...columns.filter((c) => c !== "id")]) : from.selectAll()
    ) as SelectQueryBuilder<Database, "bindings", BindingRow>;
    if (filter.virtualNum) query = query.where("virtual_num", "=", v.virtualNum!);
    if (filter.bindNum) query = query.where("bind_num", "=", v.bindNum!);
    if (filter.extendNum) query = query.where("extend_num", "=", v.extendNum!);
    query = query.where((eb) => eb.or(states.map((state) => stateCondition(eb, state, v.now))));
    if (page.after !== undefined) query = query.where("id", "<", v.after!);
    if (page.before !== undefined) query = query.where("id", ">", v.before!);
    return query.orderBy("id", page.inverted ? "asc" : "desc").limit(v.limit);
  });
  return (await db.executeQuery(query)).rows;
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

/** One "who does this belong to" question of {@link findLatestBindingsFor}. */
export interface BindingLookup {
  virtualNum: string;
  /** `extension`: the binding on X + E (a caller keyed E); `number`: the binding of A on X (A dialled X). */
  by: "extension" | "number";
  /** E or A. */
  value: string;
}

/** The key {@link findLatestBindingsFor} files an answer under. */
export function bindingLookupKey(lookup: BindingLookup): string {
  return `${lookup.by}\u0000${lookup.virtualNum}\u0000${lookup.value}`;
}

/**
 * The most recent binding (in any state) on X + E, or of A on X, for several questions in one round
 * trip: the answers by {@link bindingLookupKey}; a question without a binding has no entry.
 */
export async function findLatestBindingsFor(
  db: Executor,
  lookups: readonly BindingLookup[],
): Promise<Map<string, BindingRow>> {
  const unique = new Map(lookups.map((lookup) => [bindingLookupKey(lookup), lookup]));
  const answers = new Map<string, BindingRow>();
  if (unique.size === 0) return answers;
  const keys = [...unique.keys()];
  const of = (by: BindingLookup["by"]) =>
    keys.flatMap((key, index) => (unique.get(key)!.by === by ? [{ index, ...unique.get(key)! }] : []));
  const byExtension = of("extension");
  const byNumber = of("number");
  const { rows } = await sql<BindingRow & { lookup_index: number }>`
    select l.lookup_index, b.*
      from unnest(${byExtension.map((l) => l.index)}::int4[], ${byExtension.map((l) => l.virtualNum)}::text[],
                  ${byExtension.map((l) => l.value)}::text[]) as l(lookup_index, virtual_num, extend_num)
     cross join lateral (select * from bindings
                          where virtual_num = l.virtual_num and extend_num = l.extend_num
                          order by id desc limit 1) as b
    union all
    select l.lookup_index, b.*
      from unnest(${byNumber.map((l) => l.index)}::int4[], ${byNumber.map((l) => l.virtualNum)}::text[],
                  ${byNumber.map((l) => l.value)}::text[]) as l(lookup_index, virtual_num, bind_num)
     cross join lateral (select * from bindings
                          where virtual_num = l.virtual_num and bind_num = l.bind_num
                          order by id desc limit 1) as b`.execute(db);
  for (const { lookup_index, ...binding } of rows) answers.set(keys[lookup_index]!, binding);
  return answers;
}
