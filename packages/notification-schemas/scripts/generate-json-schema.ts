import { mkdirSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { jsonSchemaFiles } from "./json-schema-documents.js";

// Writes json-schema/*.json, and each as an ES module (*.mjs + *.d.mts), from the wire schemas. Run after
// changing a schema: `pnpm json-schema`.
// A test fails while the files on disk differ from what this would write.

const directory = fileURLToPath(new URL("../json-schema/", import.meta.url));
mkdirSync(directory, { recursive: true });
const files = jsonSchemaFiles();
for (const file of readdirSync(directory)) {
  if (!(file in files)) rmSync(new URL(file, `file://${directory}`));
}
for (const [file, content] of Object.entries(files)) {
  writeFileSync(new URL(file, `file://${directory}`), content);
  console.log(`wrote json-schema/${file}`);
}
