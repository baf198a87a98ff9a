import { randomBytes } from "node:crypto";
import { sql } from "kysely";
import type { Executor } from "../database/database.js";

/** Names of the shared keys, and what each is for. */
export type GatewaySecretName = "recording-links";

/**
 * The deployment's key `name`: made (32 random bytes) by the first instance that asks, read by every later
 * one and after restarts, so that what one instance signs every other accepts. Two instances asking at once
 * agree: the insert keeps the first row, and both read it.
 */
export async function loadGatewaySecret(db: Executor, name: GatewaySecretName): Promise<Uint8Array> {
  await sql`insert into gateway_secrets (name, value) values (${name}, ${randomBytes(32)})
    on conflict (name) do nothing`.execute(db);
  const row = await db
    .selectFrom("gateway_secrets")
    .select("value")
    .where("name", "=", name)
    .executeTakeFirstOrThrow();
  return row.value;
}
