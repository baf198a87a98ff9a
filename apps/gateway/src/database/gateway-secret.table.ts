import type { Generated } from "kysely";

/**
 * Random keys the instances of one deployment share, made by the first instance that needs one and read by
 * every other (they share the database): a key in the environment would have to be set identically on each.
 */
export interface GatewaySecretTable {
  name: string;
  value: Uint8Array;
  created_at: Generated<Date>;
}
