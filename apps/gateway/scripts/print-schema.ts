// Prints the GraphQL schema to schema.graphql (committed; a test fails when it is stale).
import { writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { printSchemaSdl } from "../src/graphql/print-schema.js";

const target = fileURLToPath(new URL("../schema.graphql", import.meta.url));
writeFileSync(target, printSchemaSdl());
console.log(`wrote ${target}`);
