import { readdirSync } from "node:fs";
import { join, relative } from "node:path";

/** Folders that hold no README of the repository's own: dependencies, build output and dot-folders. */
const SKIPPED = new Set(["node_modules", "dist", "coverage"]);

/** Every README.md under `root` (root, packages/*, apps/*, tooling/* and below), as paths relative to it. */
export function findReadmes(root: string): string[] {
  const found: string[] = [];
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      if (entry.isDirectory()) {
        if (!entry.name.startsWith(".") && !SKIPPED.has(entry.name)) walk(join(dir, entry.name));
      } else if (entry.name === "README.md") {
        found.push(relative(root, join(dir, entry.name)));
      }
    }
  };
  walk(root);
  return found.sort();
}
