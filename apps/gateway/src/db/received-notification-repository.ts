import type { PageRequest } from "./binding-repository.js";
import type { Executor } from "./database.js";
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

/** Settle the verdict of a kept body once its items are stored. */
export async function setNotificationVerdict(
  db: Executor,
  id: number,
  verdict: { verdict: NotificationVerdict; reason: string | null; itemCount: number; newItemCount: number },
): Promise<void> {
  await db
    .updateTable("received_notifications")
    .set({
      verdict: verdict.verdict,
      reason: verdict.reason,
      item_count: verdict.itemCount,
      new_item_count: verdict.newItemCount,
    })
    .where("id", "=", id)
    .execute();
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
