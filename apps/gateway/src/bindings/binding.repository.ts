import { type ExpressionBuilder, type SelectQueryBuilder, sql } from "kysely";
import { toDate } from "../database/column-values.js";
import type { Database, Executor } from "../database/database.js";
import { PREPARED } from "../database/prepared-statements.js";
import { createQueryShapeCache } from "../database/query-shape-cache.js";
import type { PageRequest } from "../shared/pagination.js";
import type { BindingRow, BindingTable, NewBindingRow } from "./binding.table.js";

/** Lifecycle state of a mirrored binding, derived from its timestamps at a given instant. */
export type BindingState = "active" | "expired" | "deleted" | "missing";

/** Every {@link BindingState}. */
export const BINDING_STATES: readonly BindingState[] = ["active", "expired", "deleted", "missing"];

/** Filter for {@link listBindings}. Absent fields do not filter. */
export interface BindingFilter {
  virtualNum?: string | null;
  bindNum?: string | null;
  extendNum?: string | null;
  /** @default ["active"], or every state when `conflict` is given */
  states?: readonly BindingState[] | null;
  /** true: only rows found sharing their subscriptionId with another binding (`conflict_at`); false: the others. */
  conflict?: boolean | null;
}

/** The state of a binding row at `now`. */
export function bindingState(
  row: Pick<BindingRow, "expires_at" | "deleted_at" | "platform_missing_at">,
  now: Date,
): BindingState {
  const expiresAt = row.expires_at;
  // Marked only while active (see markBindingsMissingFromPlatform), so it wins over the timestamps.
  if (row.platform_missing_at !== null) return "missing";
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
        eb("platform_missing_at", "is", null),
        eb.or([
          eb.and([eb("deleted_at", "is", null), eb("expires_at", "<=", now)]),
          eb("deleted_at", ">=", eb.ref("expires_at")),
        ]),
      ]);
    case "deleted":
      return eb.and([
        eb("deleted_at", "is not", null),
        eb("platform_missing_at", "is", null),
        eb.or([eb("expires_at", "is", null), eb("deleted_at", "<", eb.ref("expires_at"))]),
      ]);
    case "missing":
      return eb("platform_missing_at", "is not", null);
  }
}

/**
 * Whether two rows describe the same platform binding: A, X and E are what ModifyAXEBinding cannot change
 * (§6 of the platform contract), so a row under the same subscriptionId that differs in any of them is another binding.
 */
export function isSameBinding(
  a: Pick<BindingRow, "bind_num" | "virtual_num" | "extend_num">,
  b: Pick<NewBindingRow, "bind_num" | "virtual_num" | "extend_num">,
): boolean {
  return a.bind_num === b.bind_num && a.virtual_num === b.virtual_num && a.extend_num === b.extend_num;
}

/** What {@link mirrorBinding} did. */
export interface MirroredBinding {
  /** The current row for the subscriptionId, as stored. */
  stored: BindingRow;
  /**
   * The row that was current for the subscriptionId but held a different binding (the platform reused the
   * ID): kept, marked superseded, conflicting and deleted at `at`. Null when there was none.
   */
  superseded: BindingRow | null;
}

/**
 * Mirror one binding the platform reported. The current row of its subscriptionId is updated when it holds
 * the same binding (see {@link isSameBinding}: a modify), and never overwritten when it holds another one:
 * that row is then kept as superseded, and the binding is inserted as the new current row, both marked
 * with `conflict_at`. Runs in a transaction (its own unless `db` is one).
 */
export async function mirrorBinding(db: Executor, row: NewBindingRow, at: Date): Promise<MirroredBinding> {
  if (!db.isTransaction) return db.transaction().execute((tx) => mirrorBinding(tx, row, at));
  const { subscription_id: _key, created_at: _created, ...changes } = row;
  const updated = await db
    .insertInto("bindings")
    .values(row)
    .onConflict((oc) =>
      oc
        .column("subscription_id")
        .where("superseded_at", "is", null)
        .doUpdateSet({ ...changes, version: sql`bindings.version + 1` })
        .whereRef("bindings.bind_num", "=", "excluded.bind_num")
        .whereRef("bindings.virtual_num", "=", "excluded.virtual_num")
        .whereRef("bindings.extend_num", "=", "excluded.extend_num"),
    )
    .returningAll()
    .executeTakeFirst();
  if (updated) return { stored: updated, superseded: null };
  // The current row holds another binding. ON CONFLICT locked it even though it did not update it, so it
  // stays current until this transaction supersedes it, and no other writer can slip a row in between.
  const superseded = await db
    .updateTable("bindings")
    .set({
      superseded_at: at,
      conflict_at: at,
      deleted_at: sql`coalesce(deleted_at, ${at})`,
      updated_at: at,
      version: sql`version + 1`,
    })
    .where("subscription_id", "=", row.subscription_id)
    .where("superseded_at", "is", null)
    .returningAll()
    .executeTakeFirstOrThrow();
  const stored = await db
    .insertInto("bindings")
    .values({ ...row, conflict_at: at })
    .returningAll()
    .executeTakeFirstOrThrow();
  return { stored, superseded };
}

/**
 * Insert the mirror row of a binding the platform has and the mirror lacks, unless a current row for its
 * subscriptionId exists by now (another instance, or a command, mirrored it first). Returns the inserted row,
 * or undefined when there was one already: only the writer that inserted it may announce it.
 */
export async function insertImportedBinding(
  db: Executor,
  row: NewBindingRow,
): Promise<BindingRow | undefined> {
  return db
    .insertInto("bindings")
    .values(row)
    .onConflict((oc) => oc.column("subscription_id").where("superseded_at", "is", null).doNothing())
    .returningAll()
    .executeTakeFirst();
}

/**
 * Insert or update the mirror of one binding, as {@link mirrorBinding} does at the row's `updated_at`;
 * returns the stored (current) row.
 */
export async function upsertBinding(db: Executor, row: NewBindingRow): Promise<BindingRow> {
  return (await mirrorBinding(db, row, toDate(row.updated_at)!)).stored;
}

/**
 * The binding with this subscriptionId, in any state: the current one (the newest row: a row is only
 * superseded by a later one).
 */
export async function findBinding(db: Executor, subscriptionId: string): Promise<BindingRow | undefined> {
  return db
    .selectFrom("bindings")
    .selectAll()
    .where("subscription_id", "=", subscriptionId)
    .orderBy("id", "desc")
    .limit(1)
    .executeTakeFirst();
}

/** Every row mirrored under this subscriptionId, oldest first (more than one when the platform reused it). */
export async function listBindingsBySubscription(
  db: Executor,
  subscriptionId: string,
): Promise<BindingRow[]> {
  return db
    .selectFrom("bindings")
    .selectAll()
    .where("subscription_id", "=", subscriptionId)
    .orderBy("id")
    .execute();
}

/** Every row mirrored under each of these subscriptionIds, oldest first (one query; see {@link listBindingsBySubscription}). */
export async function listBindingsBySubscriptions(
  db: Executor,
  subscriptionIds: readonly string[],
): Promise<BindingRow[]> {
  if (subscriptionIds.length === 0) return [];
  return db
    .selectFrom("bindings")
    .selectAll()
    .where("subscription_id", "=", sql<string>`any(${[...new Set(subscriptionIds)]}::text[])`)
    .orderBy("id")
    .execute();
}

/** The bindings mirrored as these row ids (one query; ids without a row are left out). */
export async function findBindingsByIds(db: Executor, ids: readonly number[]): Promise<BindingRow[]> {
  if (ids.length === 0) return [];
  return db
    .selectFrom("bindings")
    .selectAll()
    .where("id", "=", sql<number>`any(${[...new Set(ids)]}::int8[])`)
    .execute();
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

/** X + E: where a caller reaches a binding. */
export interface Extension {
  virtualNum: string;
  extendNum: string;
}

/**
 * The active bindings on these X + E pairs at `now`, in one query (see {@link findActiveBindingByExtension}):
 * every active row of the pairs, newest first, so that the first row of a pair is its answer.
 */
export async function listActiveBindingsByExtensions(
  db: Executor,
  extensions: readonly Extension[],
  now: Date,
): Promise<BindingRow[]> {
  if (extensions.length === 0) return [];
  return db
    .selectFrom("bindings")
    .selectAll()
    .where((eb) =>
      eb.or(
        extensions.map((x) =>
          eb.and([eb("virtual_num", "=", x.virtualNum), eb("extend_num", "=", x.extendNum)]),
        ),
      ),
    )
    .where((eb) => stateCondition(eb, "active", now))
    .orderBy("id", "desc")
    .execute();
}

/** The current bindings of these subscriptionIds, in any state (one query). */
export async function findBindings(db: Executor, subscriptionIds: readonly string[]): Promise<BindingRow[]> {
  if (subscriptionIds.length === 0) return [];
  return db
    .selectFrom("bindings")
    .selectAll()
    .where("subscription_id", "=", sql<string>`any(${[...new Set(subscriptionIds)]}::text[])`)
    .where("superseded_at", "is", null)
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
  const hasConflict = typeof filter.conflict === "boolean";
  const states =
    filter.states && filter.states.length > 0
      ? filter.states
      : hasConflict
        ? BINDING_STATES
        : (["active"] as const);
  const shape = [
    columns?.join(",") ?? "*",
    filter.virtualNum ? "virtualNum" : "",
    filter.bindNum ? "bindNum" : "",
    filter.extendNum ? "extendNum" : "",
    hasConflict ? (filter.conflict ? "conflict" : "noConflict") : "",
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
    if (hasConflict) query = query.where("conflict_at", filter.conflict ? "is not" : "is", null);
    query = query.where((eb) => eb.or(states.map((state) => stateCondition(eb, state, v.now))));
    if (page.after !== undefined) query = query.where("id", "<", v.after!);
    if (page.before !== undefined) query = query.where("id", ">", v.before!);
    return query.orderBy("id", page.inverted ? "asc" : "desc").limit(v.limit);
  });
  return (await db.executeQuery(query)).rows;
}

/** Mark the current binding of `subscriptionId` unbound at `at`; returns it, or undefined when not mirrored. */
export async function markBindingDeleted(
  db: Executor,
  subscriptionId: string,
  at: Date,
): Promise<BindingRow | undefined> {
  return db
    .updateTable("bindings")
    .set({ deleted_at: at, updated_at: at, version: sql`version + 1` })
    .where("subscription_id", "=", subscriptionId)
    .where("superseded_at", "is", null)
    .where("deleted_at", "is", null)
    .returningAll()
    .executeTakeFirst();
}

/** The X numbers that have active bindings in the mirror at `now`, in order. */
export async function listVirtualNumbersWithActiveBindings(db: Executor, now: Date): Promise<string[]> {
  const rows = await db
    .selectFrom("bindings")
    .select("virtual_num")
    .distinct()
    .where((eb) => stateCondition(eb, "active", now))
    .orderBy("virtual_num")
    .execute();
  return rows.map((row) => row.virtual_num);
}

/** The active bindings on X at `now`, oldest first. */
export async function listActiveBindingsOn(
  db: Executor,
  virtualNum: string,
  now: Date,
): Promise<BindingRow[]> {
  return db
    .selectFrom("bindings")
    .selectAll()
    .where("virtual_num", "=", virtualNum)
    .where((eb) => stateCondition(eb, "active", now))
    .orderBy("id")
    .execute();
}

/**
 * Mark bindings the platform was found not to have as missing (and closed) at `at`. A row is marked only when it
 * is still the version that was checked and still active: one changed meanwhile was seen by someone else and is
 * left for the next check. Returns the rows marked.
 */
export async function markBindingsMissingFromPlatform(
  db: Executor,
  checked: readonly Pick<BindingRow, "id" | "version">[],
  at: Date,
): Promise<BindingRow[]> {
  if (checked.length === 0) return [];
  return db
    .updateTable("bindings")
    .set({ platform_missing_at: at, deleted_at: at, updated_at: at, version: sql`version + 1` })
    .where((eb) => eb.or(checked.map((row) => eb.and({ id: row.id, version: row.version }))))
    .where((eb) => stateCondition(eb, "active", at))
    .returningAll()
    .execute();
}

/**
 * Mark bindings found contradicted by what the platform pushed under their subscriptionId (a CDR with
 * another A or X: the ID was reused), unless marked already. Which of the two is newer is unknown, so the
 * row stays current.
 */
export async function markBindingsConflicting(db: Executor, ids: readonly number[], at: Date): Promise<void> {
  await db
    .updateTable("bindings")
    .set({ conflict_at: at, version: sql`version + 1` })
    .where("id", "=", sql<number>`any(${[...new Set(ids)]}::int8[])`)
    .where("conflict_at", "is", null)
    .execute();
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
      "id",
      "in",
      db
        .selectFrom("bindings")
        .select("id")
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
  const asJson = (list: typeof byExtension) =>
    JSON.stringify(list.map((l) => ({ lookup_index: l.index, virtual_num: l.virtualNum, value: l.value })));
  // Each question is answered by a fenced lateral lookup (`limit 1`) on an index of its own, whatever the
  // table's size; the questions come as JSON, whose length the planner does not read, so every plan costs
  // the same and the statement runs prepared (see PREPARED) on the generic one.
  const { rows } = await sql<BindingRow & { lookup_index: number }>`${PREPARED}
    select l.lookup_index, b.*
      from jsonb_to_recordset(${asJson(byExtension)}::jsonb) as l(lookup_index int4, virtual_num text, value text)
     cross join lateral (select * from bindings
                          where virtual_num = l.virtual_num and extend_num = l.value
                          order by id desc limit 1) as b
    union all
    select l.lookup_index, b.*
      from jsonb_to_recordset(${asJson(byNumber)}::jsonb) as l(lookup_index int4, virtual_num text, value text)
     cross join lateral (select * from bindings
                          where virtual_num = l.virtual_num and bind_num = l.value
                          order by id desc limit 1) as b`.execute(db);
  for (const { lookup_index, ...binding } of rows) answers.set(keys[lookup_index]!, binding);
  return answers;
}
