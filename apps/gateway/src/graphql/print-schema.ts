import { lexicographicSortSchema, printSchema } from "graphql";
import { schema } from "./schema.js";

/** The schema as committed in `schema.graphql`. */
export function printSchemaSdl(): string {
  return `${printSchema(lexicographicSortSchema(schema))}\n`;
}
