import { randomBytes } from "node:crypto";
import { sql } from "kysely";
import type { Executor } from "../database/database.js";
import type { Logger } from "../shared/logger.js";

/** What every gateway instance's PostgreSQL connections are named, followed by the instance's id. */
const APPLICATION_NAME_PREFIX = "privnum-gateway:";

/** A fresh `application_name` for this instance's connections: `privnum-gateway:<12 hex>`. */
export function gatewayApplicationName(): string {
  return `${APPLICATION_NAME_PREFIX}${randomBytes(6).toString("hex")}`;
}

/** How many other gateway instances are connected to this database now (by their connections' names). */
export async function countOtherInstances(db: Executor, ownName: string): Promise<number> {
  const { rows } = await sql<{ count: number | string }>`
    select count(distinct application_name) as count
      from pg_stat_activity
     where datname = current_database()
       and application_name like ${`${APPLICATION_NAME_PREFIX}%`}
       and application_name <> ${ownName}`.execute(db);
  return Number(rows[0]?.count ?? 0);
}

/**
 * Several instances on one database without `REDIS_URL` still deliver everything (every instance reads the
 * stored streams), but learn of one another's changes only by polling: say so once at start, with the fix. A
 * failure to look is not worth more than a debug line.
 */
export async function warnAboutInstancesWithoutBroker(
  db: Executor,
  ownName: string,
  logger: Logger,
): Promise<void> {
  try {
    const others = await countOtherInstances(db, ownName);
    if (others === 0) return;
    logger.warn(
      { otherInstances: others },
      `${others} other gateway instance${others === 1 ? " is" : "s are"} using this database and REDIS_URL is not set: ` +
        "instances learn of each other's changes only by polling the stored streams every second. Set REDIS_URL " +
        "(the same Redis) on every instance.",
    );
  } catch (error) {
    logger.debug({ err: error }, "looking for other gateway instances on the database failed");
  }
}
