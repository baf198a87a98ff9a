import { type RawBuilder, sql } from "kysely";
import type { Executor } from "../database/database.js";
import { PREPARED } from "../database/prepared-statements.js";
import type { PageRequest } from "../shared/pagination.js";
import { claimNonces, type NonceClaim } from "./nonce.repository.js";
import type {
  NewReceivedNotificationRow,
  NotificationVerdict,
  ReceivedNotificationRow,
} from "./received-notification.table.js";

/** Keep one received body with its verdict; returns its id. */
export async function insertReceivedNotification(
  db: Executor,
  row: NewReceivedNotificationRow,
): Promise<number> {
  const { id } = await db
    .insertInto("received_notifications")
    .values(row)
    .returning("id")
    .executeTakeFirstOrThrow();
  return id;
}

/** A body kept by {@link insertReceivedNotifications}: every column it sets (the others take their defaults). */
export type KeptBodyRow = Pick<
  NewReceivedNotificationRow,
  | "path"
  | "content_type"
  | "app_key"
  | "kind"
  | "verdict"
  | "reason"
  | "http_status"
  | "body"
  | "body_size"
  | "item_count"
  | "new_item_count"
>;

/** What {@link insertReceivedNotifications} evaluates and records besides the bodies. */
export interface KeepBodiesOptions {
  /** Evaluated once in the same statement, before anything is returned: e.g. the locks of the calls touched. */
  alsoEvaluate?: RawBuilder<unknown>;
  /**
   * The Nonce of each row (null: none to record, verification being off), recorded by the same statement; a
   * row whose Nonce was already used is not kept. Keys must be distinct (see `firstUseInBatch`).
   */
  nonces?: { claims: readonly (NonceClaim | null)[]; at: Date };
}

/**
 * Keep several received bodies in one statement; returns their ids in input order (the insert draws its
 * ids in row order, so sorting them restores it), null for a row not kept because its Nonce was already used
 * (see `claimNonces`). The rows travel as one array per column, so the statement reads the same for any
 * number of rows and runs prepared (see `PREPARED`).
 */
export async function insertReceivedNotifications(
  db: Executor,
  rows: readonly KeptBodyRow[],
  options: KeepBodiesOptions = {},
): Promise<(number | null)[]> {
  if (rows.length === 0) return [];
  const column = <K extends keyof KeptBodyRow>(key: K) => rows.map((row) => row[key] ?? null);
  const rowClaims = rows.map((_, i) => options.nonces?.claims[i] ?? null);
  const claims = rowClaims.filter((claim): claim is NonceClaim => claim !== null);
  const { rows: returned } = await sql<{ id: number | string | null; nonce: string | null }>`${PREPARED}with
    evaluated as materialized (select ${options.alsoEvaluate ?? sql`null`} as value),
    claimed as (${claimNonces(claims, options.nonces?.at ?? new Date(0))}),
    kept as (
      insert into received_notifications (path, content_type, app_key, kind, verdict, reason, http_status,
        body, body_size, item_count, new_item_count)
      select path, content_type, app_key, kind, verdict, reason, http_status, body, body_size, item_count,
             new_item_count
        from unnest(${column("path")}::text[], ${column("content_type")}::text[],
          ${column("app_key")}::text[], ${column("kind")}::text[], ${column("verdict")}::text[],
          ${column("reason")}::text[], ${column("http_status")}::int4[], ${column("body")}::bytea[],
          ${column("body_size")}::int4[], ${column("item_count")}::int4[], ${column("new_item_count")}::int4[],
          ${rowClaims.map((claim) => claim?.key ?? null)}::text[])
          as r(path, content_type, app_key, kind, verdict, reason, http_status, body, body_size, item_count,
               new_item_count, nonce)
       where r.nonce is null or r.nonce in (select key from claimed)
      returning id)
    select kept.id, null as nonce, evaluated.value from kept, evaluated
    union all
    select null, key, null from claimed`.execute(db);
  const ids = returned
    .filter((row) => row.id !== null)
    .map((row) => Number(row.id))
    .sort((a, b) => a - b);
  const unused = new Set(returned.flatMap((row) => (row.nonce === null ? [] : [row.nonce])));
  let next = 0;
  return rowClaims.map((claim) => (claim === null || unused.has(claim.key) ? ids[next++]! : null));
}

/** A settled verdict for one kept body. */
export interface NotificationVerdictUpdate {
  id: number;
  verdict: NotificationVerdict;
  reason: string | null;
  newItemCount: number;
}

/** Settle the verdicts of several kept bodies in one statement. */
export async function setNotificationVerdicts(
  db: Executor,
  updates: readonly NotificationVerdictUpdate[],
): Promise<void> {
  if (updates.length === 0) return;
  await sql`
    update received_notifications as r
       set verdict = u.verdict, reason = u.reason, new_item_count = u.new_item_count
      from unnest(${updates.map((u) => u.id)}::int8[], ${updates.map((u) => u.verdict)}::text[],
                  ${updates.map((u) => u.reason)}::text[], ${updates.map((u) => u.newItemCount)}::int4[])
           as u(id, verdict, reason, new_item_count)
     where r.id = u.id`.execute(db);
}

/** Which kept bodies a reader wants; absent fields do not filter. */
export interface ReceivedNotificationFilter {
  verdicts?: readonly NotificationVerdict[] | null;
  kinds?: readonly string[] | null;
}

/** Kept bodies matching `filter`, one keyset page (newest first). */
export async function listReceivedNotifications(
  db: Executor,
  filter: ReceivedNotificationFilter,
  page: PageRequest,
): Promise<ReceivedNotificationRow[]> {
  let query = db.selectFrom("received_notifications").selectAll();
  if (filter.verdicts && filter.verdicts.length > 0)
    query = query.where("verdict", "in", [...filter.verdicts]);
  if (filter.kinds && filter.kinds.length > 0) query = query.where("kind", "in", [...filter.kinds]);
  if (page.after !== undefined) query = query.where("id", "<", page.after);
  if (page.before !== undefined) query = query.where("id", ">", page.before);
  return query
    .orderBy("id", page.inverted ? "asc" : "desc")
    .limit(page.limit)
    .execute();
}

/**
 * Delete the bodies of at most `limit` accepted or duplicate pushes received before `before` (the oldest
 * first; their rows stay, referenced by call events and CDRs); resolves how many.
 */
export async function purgeBodiesBefore(db: Executor, before: Date, limit: number): Promise<number> {
  const result = await db
    .updateTable("received_notifications")
    .set({ body: null, body_purged_at: new Date() })
    .where("id", "in", (eb) =>
      eb
        .selectFrom("received_notifications")
        .select("id")
        .where("body", "is not", null)
        .where("received_at", "<", before)
        .where("verdict", "<>", "rejected")
        .orderBy("received_at")
        .limit(limit),
    )
    .executeTakeFirst();
  return Number(result.numUpdatedRows);
}

/** Delete at most `limit` rows of refused pushes received before `before` (the oldest first); resolves how many. */
export async function deleteRejectedBefore(db: Executor, before: Date, limit: number): Promise<number> {
  const result = await db
    .deleteFrom("received_notifications")
    .where("id", "in", (eb) =>
      eb
        .selectFrom("received_notifications")
        .select("id")
        .where("verdict", "=", "rejected")
        .where("received_at", "<", before)
        .orderBy("id")
        .limit(limit),
    )
    .executeTakeFirst();
  return Number(result.numDeletedRows);
}
