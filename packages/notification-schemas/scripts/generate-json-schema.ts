import { mkdirSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { jsonSchemaDocuments, serialiseJsonSchema } from "./json-schema-documents.js";

// Writes json-schema/*.json from the wire schemas. Run after changing a schema: `pnpm json-schema`.
// A test fails while the files on disk differ from what this would write.

const directory = fileURLToPath(new URL("../json-schema/", import.meta.url));
mkdirSync(directory, { recursive: true });
const documents = jsonSchemaDocuments();
for (const file of readdirSync(directory)) {
  if (file.endsWith(".json") && !(file in documents)) rmSync(new URL(file, `file://${directory}`));
}
for (const [file, document] of Object.entries(documents)) {
  writeFileSync(new URL(file, `file://${directory}`), serialiseJsonSchema(document));
  console.log(`wrote json-schema/${file}`);
}
